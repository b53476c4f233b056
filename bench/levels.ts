import { randomizeScavengePhase } from './scavenge-phase.ts';

/**
 * Load levels shared by the Slack and Discord ack benchmarks. N = 1 runs single requests in
 * sequence, so that one round gives a distribution: each is sent after the previous one's answer
 * arrived and an idle time, so that no request lands on another's remaining work (that overlap is
 * what N = 50 and 200 measure). The same singles 5 ms apart and back to back are measured too, as
 * context.
 */
export interface Level {
  readonly label: string;
  readonly count: number;
  readonly bursts: number;
  /** Idle time after each burst's answers, before the next burst of either app. */
  readonly thinkMs: number;
  /** Rows for this level are measured against the targets. */
  readonly targeted: boolean;
  /** Rounds per app: more of them keep one disturbed round from setting the p99. */
  readonly rounds: number;
  /** The apps take turns burst by burst rather than round by round: see `alternateRound`. */
  readonly turnEachBurst: boolean;
}

const SINGLES_PER_ROUND = 40;
/** An idle bot: what the previous request's work leaves behind has settled (it takes 5-25 ms). */
const THINK_MS = 25;
/** Shorter idle time, shown as context: the previous request's work still shows. */
const SHORT_THINK_MS = 5;
/**
 * Idle time after a burst's answers, before the next burst. Sent 5 ms after bare discord.js's
 * burst, pinbot's N = 200 bursts had the main thread stalled (descheduled, or collecting) for a
 * median 19.5 ms of their ack window, against 9.4 ms after pinbot's own idle time and 6.2-6.6 ms
 * for the baseline's bursts (bench/README.md, *Discord N = 50 and N = 200 p99*).
 */
const BURST_SETTLE_MS = 250;

/**
 * The three N = 1 levels, then N = 50 and N = 200, with their rounds: `singles` for the targeted
 * N = 1 (its p99 is the 1 % slowest of rounds × 40 singles, so it needs many), `contextSingles` for
 * the other two.
 */
export function loadLevels(rounds: { singles: number; contextSingles: number; n50: number; n200: number }): readonly Level[] {
  const single = (label: string, thinkMs: number, targeted: boolean): Level => ({
    label, count: 1, bursts: SINGLES_PER_ROUND, thinkMs, targeted,
    rounds: targeted ? rounds.singles : rounds.contextSingles, turnEachBurst: targeted,
  });
  return [
    single('N=1', THINK_MS, true),
    single('N=1 5 ms apart', SHORT_THINK_MS, false),
    single('N=1 back-to-back', 0, false),
    { label: 'N=50', count: 50, bursts: 1, thinkMs: BURST_SETTLE_MS, targeted: true, rounds: rounds.n50, turnEachBurst: false },
    { label: 'N=200', count: 200, bursts: 1, thinkMs: BURST_SETTLE_MS, targeted: true, rounds: rounds.n200, turnEachBurst: false },
  ];
}

/**
 * One round of `level` for both apps, who goes first swapping each round. With `turnEachBurst` the
 * apps take turns burst by burst (swapping who goes first each time): the machine's background
 * work comes in spells of a few hundred ms, and with rounds of 40 singles per app (~1.5 s) one
 * spell landed on one app's round only, and its few slow acks set that app's N = 1 p99
 * (bench/README.md). The context singles (5 ms apart, back to back) stay in rounds of one app: they
 * show what an app's previous request leaves behind, so the other app's must not come between.
 *
 * Before each burst of a targeted level, the next young-generation collection is put at a random
 * point (scavenge-phase.ts), so that it does not fall in one app's bursts round after round. The
 * context singles are left as they are: garbage made between them would come between a request
 * and what the previous one left behind.
 */
export async function alternateRound<Who>(
  level: Level,
  round: number,
  apps: readonly [Who, Who],
  burstOf: (who: Who) => Promise<void>,
  beforeTargetedBurst: () => Promise<unknown> = randomizeScavengePhase,
): Promise<void> {
  const burst = async (who: Who) => {
    if (level.targeted) await beforeTargetedBurst();
    await burstOf(who);
  };
  const inOrder = (step: number) => (step % 2 === 0 ? apps : ([apps[1], apps[0]] as const));
  if (!level.turnEachBurst) {
    for (const who of inOrder(round)) {
      for (let i = 0; i < level.bursts; i++) await burst(who);
    }
    return;
  }
  for (let i = 0; i < level.bursts; i++) {
    for (const who of inOrder(round + i)) await burst(who);
  }
}

/**
 * Runs `level`'s rounds, after one round that is not kept. The first bursts at a new size open the
 * connections that size needs, for each app (traced: 49 at N = 50, 150 at N = 200; the idle ones
 * closed during the minutes of N = 1), and were among the slowest: at N = 200, pinbot's round 0
 * (it goes first) had a p99 of 59-75 ms against a median of 21-38 ms for its other rounds, in
 * all four cases traced (Slack `list` and Discord, two runs each), and set the pooled p99
 * (bench/README.md).
 */
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
