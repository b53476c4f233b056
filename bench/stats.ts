/** Small numeric helpers shared by the benchmarks. */

/** Nearest-rank percentile of `samples` (any order); NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[nearestRank(sorted.length, p) - 1] ?? Number.NaN;
}

/** The 1-based rank of the `p`th percentile among `count` sorted samples. */
function nearestRank(count: number, p: number): number {
  return Math.min(count, Math.max(1, Math.ceil((p / 100) * count)));
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** One app's samples for one case, kept round by round, so that runs can be pooled (pool.ts). */
export class RoundSamples {
  readonly #rounds: number[][] = [];

  add(roundNo: number, samples: readonly number[]): void {
    const into = (this.#rounds[roundNo] ??= []);
    into.push(...samples);
  }

  all(): number[] {
    return this.#rounds.flat();
  }

  /** The samples of each round in order, rounded to 0.01 ms. */
  perRound(): number[][] {
    return Array.from(this.#rounds, (samples = []) => samples.map((sample) => round(sample)));
  }
}

/** One app's figures for one case in results.json. */
export function ackStats(samples: RoundSamples): { p50: number; p99: number; samples: number; rounds: number[][] } {
  const all = samples.all();
  return { p50: percentile(all, 50), p99: percentile(all, 99), samples: all.length, rounds: samples.perRound() };
}

/**
 * Both apps' acks per second for one case in results.json: the median of their bursts, and every
 * burst's figure, so that runs can be pooled (pool.ts).
 */
export function throughputStats(pinbot: readonly number[], baseline: readonly number[]): {
  pinbot: number; baseline: number; perRound: { pinbot: number[]; baseline: number[] };
} {
  return {
    pinbot: median(pinbot),
    baseline: median(baseline),
    perRound: { pinbot: pinbot.map((value) => round(value)), baseline: baseline.map((value) => round(value)) },
  };
}

/** Uniform numbers in [0, 1) from a seed (mulberry32), so that an interval reads the same from the same samples. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface RatioInterval {
  readonly low: number;
  readonly high: number;
}

/**
 * How far pinbot's percentile over the baseline's could have moved with other rounds of the same
 * kind: a bootstrap over rounds. A burst's acks rise and fall together, so the round is what is
 * drawn, with replacement, as many rounds as were run; pinbot's and the baseline's rounds of the
 * same number are drawn together, since they ran back to back. The interval holds the middle
 * `confidence` of the `draws` ratios. Rounds missing on either side are left out.
 */
export function ratioInterval(
  pinbot: readonly (readonly number[])[],
  baseline: readonly (readonly number[])[],
  at: number,
  { draws = 1000, confidence = 0.9, random = seededRandom(1) }: { draws?: number; confidence?: number; random?: () => number } = {},
): RatioInterval {
  const pairs = pinbot.flatMap((samples, roundNo) => {
    const other = baseline[roundNo];
    return other === undefined || other.length === 0 || samples.length === 0 ? [] : [{ pinbot: samples, baseline: other }];
  });
  const first = pairs[0];
  if (first === undefined) return { low: Number.NaN, high: Number.NaN };
  const ratios = new Float64Array(draws);
  for (let draw = 0; draw < draws; draw++) {
    const drawn = Array.from({ length: pairs.length }, () => pairs[Math.floor(random() * pairs.length)] ?? first);
    ratios[draw] = sortedPercentile(drawn.map((pair) => pair.pinbot), at) / sortedPercentile(drawn.map((pair) => pair.baseline), at);
  }
  ratios.sort();
  const tail = (1 - confidence) / 2;
  return { low: ratios[Math.floor(tail * (draws - 1))] ?? Number.NaN, high: ratios[Math.ceil((1 - tail) * (draws - 1))] ?? Number.NaN };
}

/** `percentile` over the concatenation of `rounds`, sorted as typed numbers (the bootstrap does this thousands of times). */
function sortedPercentile(rounds: readonly (readonly number[])[], p: number): number {
  const all = new Float64Array(rounds.reduce((sum, samples) => sum + samples.length, 0));
  let offset = 0;
  for (const samples of rounds) {
    all.set(samples, offset);
    offset += samples.length;
  }
  all.sort();
  return all[nearestRank(all.length, p) - 1] ?? Number.NaN;
}

/** The row under a targeted ratio: its bootstrap interval (`ratioInterval`), low end as the value. */
export function ratioIntervalRow(ratioName: string, interval: RatioInterval): Row {
  return row(`${ratioName}, 90 % interval`, interval.low, `× to ${round(interval.high)} ×`, { text: '(context)' });
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** One line of the printed table and of results.json. */
export interface Row {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target, in words (`≤ 1.2`, `1 GET`); empty when the row is context only. */
  readonly goal?: string;
  /** Whether the target is met, when there is one that a number can be checked against. */
  readonly met?: boolean;
}

export function row(name: string, value: number, unit: string, goal?: { text: string; met?: boolean }): Row {
  return { name, value: round(value), unit, ...(goal ? { goal: goal.text, ...(goal.met !== undefined ? { met: goal.met } : {}) } : {}) };
}

/** Resolves after the event loop has had a chance to run pending I/O. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds, or throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(2);
  }
}
