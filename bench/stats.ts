/** Percentiles and the bootstrap intervals every pooled figure is given with. */

/** Nearest-rank percentile of `samples` (any order); NaN for none. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] ?? Number.NaN;
}

export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 50);
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
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

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface BootstrapOptions {
  readonly draws?: number;
  readonly random?: () => number;
}

/**
 * The middle 90 % of `statistic` over `units` redrawn with replacement, as many as there are, 1,000
 * times. A unit is what varies as one: a single latency, or a round of acks, which rise and fall
 * together.
 */
export function bootstrap<Unit>(units: readonly Unit[], statistic: (drawn: Unit[]) => number, { draws = 1000, random = seededRandom(1) }: BootstrapOptions = {}): Interval {
  if (units.length === 0) return { low: Number.NaN, high: Number.NaN };
  const found = new Float64Array(draws);
  for (let draw = 0; draw < draws; draw++) found[draw] = statistic(Array.from(units, () => units[Math.floor(random() * units.length)] as Unit));
  found.sort();
  return { low: found[Math.floor(0.05 * (draws - 1))] ?? Number.NaN, high: found[Math.ceil(0.95 * (draws - 1))] ?? Number.NaN };
}

/**
 * How far pinbot's `at`th percentile over the baseline's could have moved with other rounds of the
 * same kind. pinbot's and the baseline's rounds of the same number are drawn together, since they ran
 * back to back; rounds missing on either side are left out.
 */
export function ratioInterval(pinbot: readonly (readonly number[])[], baseline: readonly (readonly number[])[], at: number, options?: BootstrapOptions): Interval {
  const pairs = pinbot.flatMap((samples, roundNo) => {
    const other = baseline[roundNo] ?? [];
    return samples.length > 0 && other.length > 0 ? [[samples, other] as const] : [];
  });
  const ratio = (drawn: (typeof pairs)[number][]) => percentile(drawn.flatMap((pair) => pair[0]), at) / percentile(drawn.flatMap((pair) => pair[1]), at);
  return bootstrap(pairs, ratio, options);
}
