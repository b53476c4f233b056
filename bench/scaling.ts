/**
 * Scaling figures: one measure's cost at each size, with how it grows. Latency series keep their
 * samples per size, so that runs can be pooled into one p99 with an interval (pool.ts).
 */
import { percentile, round, seededRandom } from './stats.ts';

export interface Series {
  /** What is measured and on what, e.g. `history p99, SQLite`. */
  readonly measure: string;
  /** What grows, e.g. `changes`. */
  readonly sizeName: string;
  readonly unit: string;
  readonly sizes: readonly number[];
  readonly values: readonly number[];
  /** Latency samples per size, ms: `values` are their p99. */
  readonly samples?: readonly (readonly number[])[];
  readonly growth: string;
  readonly goal?: string;
  readonly met?: boolean;
}

/**
 * The growth in words: `flat` when the largest size costs at most a quarter more than the
 * smallest, `nearly flat` when its slope on log-log axes is under 0.15, `linear` when that slope is about 1, else a fixed base
 * plus what each unit of size adds.
 */
export function growthOf(sizes: readonly number[], values: readonly number[], sizeName = 'unit'): string {
  const [firstSize, lastSize] = [sizes[0], sizes.at(-1)];
  const [first, last] = [values[0], values.at(-1)];
  if (firstSize === undefined || lastSize === undefined || first === undefined || last === undefined || lastSize <= firstSize) return 'n/a';
  if (last <= 1.25 * first) return 'flat';
  const slope = Math.log(last / Math.max(first, 1e-9)) / Math.log(lastSize / firstSize);
  if (slope < 0.15) return `nearly flat (×${round(last / first, 1)} over ×${(lastSize / firstSize).toLocaleString('en')} the size)`;
  if (slope > 0.8 && slope < 1.2) return 'linear';
  const perUnit = (last - first) / (lastSize - firstSize);
  return `base + ${Number(perUnit.toPrecision(2))} per ${sizeName.replace(/s$/, '')} (log-log slope ${round(slope, 2)})`;
}

export function series(fields: Omit<Series, 'growth'>): Series {
  return { ...fields, values: fields.values.map((value) => round(value)), growth: growthOf(fields.sizes, fields.values, fields.sizeName) };
}

/** A latency series: the p99 of each size's samples. */
export function latencySeries(fields: Omit<Series, 'growth' | 'values' | 'unit'>): Series {
  const samples = (fields.samples ?? []).map((one) => one.map((sample) => round(sample, 3)));
  return series({ ...fields, unit: 'ms', samples, values: samples.map((one) => percentile(one, 99)) });
}

/** The middle 90 % of the `p`th percentile of `samples` redrawn with replacement (a bootstrap). */
export function percentileInterval(samples: readonly number[], p: number, draws = 500, random = seededRandom(1)): { low: number; high: number } {
  if (samples.length === 0) return { low: Number.NaN, high: Number.NaN };
  const found = new Float64Array(draws);
  const drawn = new Float64Array(samples.length);
  for (let draw = 0; draw < draws; draw++) {
    for (let i = 0; i < drawn.length; i++) drawn[i] = samples[Math.floor(random() * samples.length)] ?? 0;
    found[draw] = percentile(Array.from(drawn), p);
  }
  found.sort();
  return { low: found[Math.floor(0.05 * (draws - 1))] ?? Number.NaN, high: found[Math.ceil(0.95 * (draws - 1))] ?? Number.NaN };
}

/** One line per series for console.table: the cost at each size, the growth and the target. */
export function seriesTable(all: readonly Series[]): Record<string, string>[] {
  return all.map((one) => ({
    measure: `${one.measure} (${one.unit})`,
    sizes: `${one.sizes.map((size) => size.toLocaleString('en')).join(' / ')} ${one.sizeName}`,
    cost: one.values.join(' / '),
    growth: one.growth,
    goal: one.goal ?? '',
    met: one.met === undefined ? '' : one.met ? 'yes' : 'NO',
  }));
}
