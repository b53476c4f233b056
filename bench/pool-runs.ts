import { z } from 'zod';
import { percentileInterval, series, type Series } from './scaling.ts';
import { median, percentile, ratioInterval, round, type RatioInterval } from './stats.ts';

/**
 * Pools the ack samples of several runs of `npm run bench`, case by case. A burst's acks rise and
 * fall together, so one run's p99 rests on its slowest round or two; pooled over runs it rests on
 * more rounds.
 */

const roundsOfOneApp = z.object({ rounds: z.array(z.array(z.number())) });
const ackCase = z.object({ pinbot: roundsOfOneApp, baseline: roundsOfOneApp });
/** Acks per second, one value per burst and app (Slack N = 200). */
const throughputCase = z.object({
  throughput: z.object({ perRound: z.object({ pinbot: z.array(z.number()), baseline: z.array(z.number()) }) }),
});
const targetRow = z.object({ name: z.string(), goal: z.string().optional() });
const benchRun = z.object({
  rows: z.array(targetRow),
  detail: z.record(z.string(), z.unknown()),
});

export interface PooledCase {
  readonly label: string;
  readonly runs: number;
  /** Rounds per app, over all runs. */
  readonly rounds: number;
  readonly pinbot: { readonly p50: number; readonly p99: number };
  readonly baseline: { readonly p50: number; readonly p99: number };
  readonly ratioP50: number;
  readonly ratioP99: number;
  /** Each run's own p99 ratio, in the order given. */
  readonly runRatiosP99: readonly number[];
  /** The pooled p99 ratio's bootstrap interval over every run's rounds (stats.ts `ratioInterval`). */
  readonly intervalP99: RatioInterval;
  /** Where every run kept each burst's acks per second: those, pooled over runs. */
  readonly throughput?: PooledThroughput;
}

export interface PooledThroughput {
  /** Median over every burst of every run, acks per second. */
  readonly pinbot: number;
  readonly baseline: number;
  /** pinbot / baseline of those medians: the target is ≥ 0.85. */
  readonly ratio: number;
  /** Each run's own ratio of medians, in the order given. */
  readonly runRatios: readonly number[];
}

/** The runs' per-burst acks per second, pooled; undefined unless every run kept them. */
function poolThroughput(cases: readonly unknown[]): PooledThroughput | undefined {
  const perRun = cases.map((one) => throughputCase.safeParse(one));
  const rounds = perRun.flatMap((result) => (result.success ? [result.data.throughput.perRound] : []));
  if (rounds.length === 0 || rounds.length < cases.length) return undefined;
  const pinbot = median(rounds.flatMap((one) => one.pinbot));
  const baseline = median(rounds.flatMap((one) => one.baseline));
  return {
    pinbot: round(pinbot, 0),
    baseline: round(baseline, 0),
    ratio: round(pinbot / baseline),
    runRatios: rounds.map((one) => round(median(one.pinbot) / median(one.baseline))),
  };
}

/** Cases with per-round samples in every run, pooled. Throws a sentence when a run is not a results.json. */
export function poolRuns(runs: readonly { readonly name: string; readonly json: unknown }[]): PooledCase[] {
  const parsed = runs.map(({ name, json }) => {
    const result = benchRun.safeParse(json);
    if (!result.success) throw new Error(`${name} is not a bench/results.json written by npm run bench.`);
    return result.data;
  });
  const first = parsed[0];
  if (first === undefined) return [];
  const labels = Object.keys(first.detail).filter((label) => parsed.every((run) => ackCase.safeParse(run.detail[label]).success));
  return labels.map((label) => {
    const cases = parsed.map((run) => ackCase.parse(run.detail[label]));
    // Acks per second are kept for every Slack level; the target (and the row) is N = 200's.
    const throughputTargeted = first.rows.some((row) => row.name === `${label}: throughput ratio`);
    const throughput = throughputTargeted ? poolThroughput(parsed.map((run) => run.detail[label])) : undefined;
    const pinbot = cases.flatMap((one) => one.pinbot.rounds.flat());
    const baseline = cases.flatMap((one) => one.baseline.rounds.flat());
    // Round by round, within each run: the two apps' rounds of one number ran back to back.
    const paired = cases.map((one) => Math.min(one.pinbot.rounds.length, one.baseline.rounds.length));
    const intervalP99 = ratioInterval(
      cases.flatMap((one, run) => one.pinbot.rounds.slice(0, paired[run])),
      cases.flatMap((one, run) => one.baseline.rounds.slice(0, paired[run])),
      99,
    );
    const ratio = (p: readonly number[], b: readonly number[], at: number) => round(percentile(p, at) / percentile(b, at));
    return {
      label,
      runs: cases.length,
      rounds: cases.reduce((sum, one) => sum + one.pinbot.rounds.length, 0),
      pinbot: { p50: round(percentile(pinbot, 50)), p99: round(percentile(pinbot, 99)) },
      baseline: { p50: round(percentile(baseline, 50)), p99: round(percentile(baseline, 99)) },
      ratioP50: ratio(pinbot, baseline, 50),
      ratioP99: ratio(pinbot, baseline, 99),
      runRatiosP99: cases.map((one) => ratio(one.pinbot.rounds.flat(), one.baseline.rounds.flat(), 99)),
      intervalP99: { low: round(intervalP99.low), high: round(intervalP99.high) },
      ...(throughput ? { throughput } : {}),
    };
  });
}

const seriesOfOneRun = z.object({
  measure: z.string(),
  sizeName: z.string(),
  unit: z.string(),
  sizes: z.array(z.number()),
  values: z.array(z.number()),
  samples: z.array(z.array(z.number())).optional(),
  goal: z.string().optional(),
});
const scalingRun = z.object({ scaling: z.array(seriesOfOneRun) });

export interface PooledSeries extends Series {
  readonly runs: number;
  /** Per size: for latencies the pooled p99's 90 % bootstrap interval, else the runs' lowest and highest. */
  readonly spread: readonly { readonly low: number; readonly high: number }[];
}

/**
 * Pools the scaling series every run has: a latency's samples are pooled into one p99 per size,
 * with its bootstrap interval; any other figure is the median over runs, with their range.
 */
export function poolScaling(runs: readonly { readonly name: string; readonly json: unknown }[]): PooledSeries[] {
  const parsed = runs.map(({ name, json }) => {
    const result = scalingRun.safeParse(json);
    if (!result.success) throw new Error(`${name} has no scaling figures: it was not written by npm run bench with the scaling parts.`);
    return result.data.scaling;
  });
  const first = parsed[0] ?? [];
  return first.flatMap((one) => {
    const all = parsed.map((run) => run.find((other) => other.measure === one.measure));
    if (all.some((other) => other === undefined || other.sizes.join() !== one.sizes.join())) return [];
    const present = all.flatMap((other) => (other ? [other] : []));
    const spread: { low: number; high: number }[] = [];
    const values = one.sizes.map((_, at) => {
      const samples = present.flatMap((other) => other.samples?.[at] ?? []);
      if (one.samples !== undefined && samples.length > 0) {
        const interval = percentileInterval(samples, 99);
        spread.push({ low: round(interval.low), high: round(interval.high) });
        return percentile(samples, 99);
      }
      const perRun = present.map((other) => other.values[at] ?? Number.NaN);
      spread.push({ low: Math.min(...perRun), high: Math.max(...perRun) });
      return median(perRun);
    });
    const pooled = series({ measure: one.measure, sizeName: one.sizeName, unit: one.unit, sizes: one.sizes, values, ...(one.goal !== undefined ? { goal: one.goal } : {}) });
    return [{ ...pooled, runs: present.length, spread }];
  });
}
