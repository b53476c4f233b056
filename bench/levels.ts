/**
 * The load levels of the Slack and Discord ack benchmarks. N = 1 sends single requests in
 * sequence, each after the previous one's answer and an idle time; N = 50 and N = 200 send bursts.
 */
export interface Level {
  readonly label: string;
  readonly count: number;
  /** Bursts per app in one round. */
  readonly bursts: number;
  /** Idle time after each burst's answers, so the next burst does not land on its leftover work. */
  readonly thinkMs: number;
  /** Rounds per app: more of them keep one disturbed round from setting the p99. */
  readonly rounds: number;
}

const SINGLES_PER_ROUND = 40;

export function loadLevels(rounds: { singles: number; n50: number; n200: number }): readonly Level[] {
  return [
    { label: 'N=1', count: 1, bursts: SINGLES_PER_ROUND, thinkMs: 25, rounds: rounds.singles },
    { label: 'N=50', count: 50, bursts: 1, thinkMs: 250, rounds: rounds.n50 },
    { label: 'N=200', count: 200, bursts: 1, thinkMs: 250, rounds: rounds.n200 },
  ];
}

/**
 * One round of `level` for both apps, taking turns burst by burst and swapping who goes first each
 * time: the shared machine's background work comes in spells, and turns this short let a spell
 * hit both apps alike rather than one app's whole round.
 */
export async function alternateRound<Who>(level: Level, round: number, apps: readonly [Who, Who], burstOf: (who: Who) => Promise<void>): Promise<void> {
  for (let i = 0; i < level.bursts; i++) {
    for (const who of (round + i) % 2 === 0 ? apps : [apps[1], apps[0]]) await burstOf(who);
  }
}

/** Runs `level`'s rounds after one that is not kept: the first bursts at a new size open connections. */
export async function measureLevel(level: Level, round: (roundNo: number, keep: boolean) => Promise<void>): Promise<void> {
  await round(0, false);
  for (let roundNo = 0; roundNo < level.rounds; roundNo++) await round(roundNo, true);
}

/** `all`, narrowed to the items whose key an environment variable lists (comma-separated), if set. */
export function listFromEnv<T>(name: string, all: readonly T[], keyOf: (item: T) => string): readonly T[] {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return all;
  const wanted = new Set(value.split(',').map((part) => part.trim()));
  return all.filter((item) => wanted.has(keyOf(item)));
}
