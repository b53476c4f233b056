import type { AckCase } from './results.ts';

/**
 * How the ack benchmarks take turns. pinbot and a bare app that only acks get the same load, burst
 * by burst, who goes first swapping each time: the shared machine's background work comes in spells,
 * and turns this short let a spell hit both apps alike rather than one app's whole round.
 */

export type Who = 'pinbot' | 'baseline';

export interface Level {
  readonly label: string;
  /** Requests at once. */
  readonly count: number;
  /** Bursts per app in one round. */
  readonly bursts: number;
  /** Idle time after each burst's answers, so the next burst does not land on its leftover work. */
  readonly thinkMs: number;
  /** Rounds per app: more of them keep one disturbed round from setting the p99. */
  readonly rounds: number;
}

/** What one burst of one app gave: each ack's latency and each answer's time after its ack (ms), acks per second. */
export interface Burst {
  readonly ack: readonly number[];
  readonly answer: readonly number[];
  readonly throughput?: number;
}

export interface AckBench {
  readonly label: string;
  readonly level: Level;
  send(who: Who): Promise<Burst>;
}

/** `BENCH_ROUNDS=1`: every case and the warm-up one round, to see the bench run rather than to measure. */
function roundsFromEnv(): number | undefined {
  const rounds = Number(process.env['BENCH_ROUNDS']);
  return Number.isInteger(rounds) && rounds > 0 ? rounds : undefined;
}

/** N = 1: 40 singles 25 ms apart per round; N = 50 and N = 200: one burst per round, 250 ms after. */
export function loadLevels(rounds: { singles: number; n50: number; n200: number }): Level[] {
  const of = (wanted: number) => roundsFromEnv() ?? wanted;
  return [
    { label: 'N=1', count: 1, bursts: 40, thinkMs: 25, rounds: of(rounds.singles) },
    { label: 'N=50', count: 50, bursts: 1, thinkMs: 250, rounds: of(rounds.n50) },
    { label: 'N=200', count: 200, bursts: 1, thinkMs: 250, rounds: of(rounds.n200) },
  ];
}

/** `all`, narrowed to the items whose key an environment variable lists (comma-separated), if set. */
export function listFromEnv<T>(name: string, all: readonly T[], keyOf: (item: T) => string): T[] {
  const wanted = new Set((process.env[name] ?? '').split(',').map((part) => part.trim()).filter((part) => part !== ''));
  return all.filter((item) => wanted.size === 0 || wanted.has(keyOf(item)));
}

/** Who sends, in order, in round `roundNo` of `level`. */
export function turns(level: Level, roundNo: number): Who[] {
  return Array.from({ length: level.bursts }, (_, i): Who[] => ((roundNo + i) % 2 === 0 ? ['pinbot', 'baseline'] : ['baseline', 'pinbot'])).flat();
}

/**
 * Warms both apps up on every bench of `all` (JIT, connection pools, SQLite pages), then measures
 * each of `kept` for its level's rounds, after one round that is not kept: the first bursts at a new
 * size open connections.
 */
export async function measureAcks(all: readonly AckBench[], kept: readonly AckBench[], log: (line: string) => void, warmUpPasses = Math.min(3, roundsFromEnv() ?? 3)): Promise<Record<string, AckCase>> {
  const round = async (bench: AckBench, roundNo: number, into?: AckCase) => {
    for (const who of turns(bench.level, roundNo)) {
      const burst = await bench.send(who);
      if (into === undefined) continue;
      (into[who][roundNo] ??= []).push(...burst.ack);
      if (who === 'pinbot') into.answer.push(...burst.answer);
      if (burst.throughput !== undefined) (into.throughput ??= { pinbot: [], baseline: [] })[who].push(burst.throughput);
    }
  };
  for (let pass = 0; pass < warmUpPasses; pass++) for (const bench of all) await round(bench, pass);
  const acks: Record<string, AckCase> = {};
  for (const bench of kept) {
    await round(bench, 0);
    const into: AckCase = { pinbot: [], baseline: [], answer: [] };
    for (let roundNo = 0; roundNo < bench.level.rounds; roundNo++) await round(bench, roundNo, into);
    acks[bench.label] = into;
    log(`  ${bench.label}: ${bench.level.rounds} rounds each`);
  }
  return acks;
}
