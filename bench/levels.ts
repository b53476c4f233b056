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
  readonly thinkMs: number;
  /** Rows for this level are measured against the targets. */
  readonly targeted: boolean;
  /** Rounds per app: more of them keep one disturbed round from setting the p99. */
  readonly rounds: number;
}

const SINGLES_PER_ROUND = 40;
/** An idle bot: what the previous request's work leaves behind has settled (it takes 5-25 ms). */
const THINK_MS = 25;
/** Shorter idle time, shown as context: the previous request's work still shows. */
const SHORT_THINK_MS = 5;

/** The three N = 1 levels, then N = 50 and N = 200 with their rounds. */
export function loadLevels(rounds: { singles: number; n50: number; n200: number }): readonly Level[] {
  const single = (label: string, thinkMs: number, targeted: boolean): Level =>
    ({ label, count: 1, bursts: SINGLES_PER_ROUND, thinkMs, targeted, rounds: rounds.singles });
  return [
    single('N=1', THINK_MS, true),
    single('N=1 5 ms apart', SHORT_THINK_MS, false),
    single('N=1 back-to-back', 0, false),
    { label: 'N=50', count: 50, bursts: 1, thinkMs: 0, targeted: true, rounds: rounds.n50 },
    { label: 'N=200', count: 200, bursts: 1, thinkMs: 0, targeted: true, rounds: rounds.n200 },
  ];
}

/** `all`, narrowed to the items whose key an environment variable lists (comma-separated), if set. */
export function listFromEnv<T>(name: string, all: readonly T[], keyOf: (item: T) => string): readonly T[] {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') return all;
  const wanted = new Set(value.split(',').map((part) => part.trim()));
  return all.filter((item) => wanted.has(keyOf(item)));
}
