import { meets, type BenchResults, type Figure } from './results.ts';
import { bootstrap, median, percentile, ratioInterval, round } from './stats.ts';

/**
 * The two tables a bench run prints, from one run or pooled over several. Every round of every run
 * goes into one p99 per app; a latency's samples into one p99 per size; any other figure is the
 * median over runs. Each comes with its 90 % bootstrap interval, or the runs' range.
 */

/** The ack target: pinbot's p50 and p99 within 1.2× of the bare app's; at N = 200, acks per second ≥ 0.85×. */
export const ACK_RATIO_GOAL = 1.2;
export const THROUGHPUT_GOAL = 0.85;

/**
 * The growth in words: `flat` when the largest size costs within a quarter of the smallest (`falls` below),
 * `nearly flat` when its slope on log-log axes is under 0.15, `linear` when that slope is about 1,
 * else a fixed base plus what each unit of size adds.
 */
export function growthOf(sizes: readonly number[], values: readonly number[], sizeName = 'unit'): string {
  const [firstSize, lastSize, first, last] = [sizes[0], sizes.at(-1), values[0], values.at(-1)];
  if (firstSize === undefined || lastSize === undefined || first === undefined || last === undefined || lastSize <= firstSize) return '';
  if (last < 0.8 * first) return `falls (×${round(last / first, 2)})`;
  if (last <= 1.25 * first) return 'flat';
  const slope = Math.log(last / Math.max(first, 1e-9)) / Math.log(lastSize / firstSize);
  if (slope < 0.15) return `nearly flat (×${round(last / first, 1)} over ×${(lastSize / firstSize).toLocaleString('en')} the size)`;
  if (slope > 0.8 && slope < 1.2) return 'linear';
  const perUnit = (last - first) / (lastSize - firstSize);
  return `base + ${Number(perUnit.toPrecision(2))} per ${sizeName.replace(/s$/, '')} (log-log slope ${round(slope, 2)})`;
}

const range = (interval: { low: number; high: number }) => (interval.low === interval.high ? '' : `${round(interval.low)}–${round(interval.high)}`);

/** One row per ack case every run has, pooled. */
export function poolAcks(runs: readonly BenchResults[]): Record<string, string | number>[] {
  const labels = Object.keys(runs[0]?.acks ?? {}).filter((label) => runs.every((run) => run.acks[label] !== undefined));
  return labels.map((label) => {
    const cases = runs.flatMap((run) => run.acks[label] ?? []);
    // Paired within each run: the two apps' rounds of one number ran back to back.
    const paired = cases.map((one) => one.pinbot.map((_, roundNo) => one.baseline[roundNo] ?? []));
    const [pinbot, baseline] = [cases.flatMap((one) => one.pinbot), paired.flat()];
    const p = (rounds: number[][], at: number) => percentile(rounds.flat(), at);
    const [ratio50, ratio99] = [p(pinbot, 50) / p(baseline, 50), p(pinbot, 99) / p(baseline, 99)];
    const throughputs = cases.flatMap((one) => one.throughput ?? []);
    const throughput = throughputs.length === cases.length ? median(throughputs.flatMap((one) => one.pinbot)) / median(throughputs.flatMap((one) => one.baseline)) : undefined;
    const met = Math.max(ratio50, ratio99) <= ACK_RATIO_GOAL && (throughput ?? THROUGHPUT_GOAL) >= THROUGHPUT_GOAL;
    return {
      case: label,
      'rounds per app': pinbot.length,
      'p50 ms pinbot / bare': `${round(p(pinbot, 50))} / ${round(p(baseline, 50))}`,
      'p99 ms pinbot / bare': `${round(p(pinbot, 99))} / ${round(p(baseline, 99))}`,
      'ratio p50': round(ratio50),
      'ratio p99': round(ratio99),
      'p99 ratio 90 % interval': range(ratioInterval(pinbot, baseline, 99)),
      ...(runs.length > 1 ? { 'each run p99 ratio': cases.map((one, run) => round(p(one.pinbot, 99) / p(paired[run] ?? [], 99))).join(' ') } : {}),
      ...(throughput !== undefined ? { 'acks/s ratio': round(throughput) } : {}),
      met: met ? 'yes' : 'NO',
      'ack → answer p99 ms': round(percentile(cases.flatMap((one) => one.answer), 99)),
    };
  });
}

/** One figure per measure every run has at the same sizes, pooled. */
export function poolFigures(runs: readonly BenchResults[]): (Figure & { spread: string[] })[] {
  return (runs[0]?.figures ?? []).flatMap((first) => {
    const same = (other: Figure) => other.measure === first.measure && String(other.sizes) === String(first.sizes);
    const all = runs.flatMap((run) => run.figures.filter(same));
    if (all.length !== runs.length) return [];
    const pooled = first.values.map((_, at) => {
      const samples = all.flatMap((one) => one.samples?.[at] ?? []);
      if (samples.length > 0) return { value: percentile(samples, 99), spread: range(bootstrap(samples, (drawn) => percentile(drawn, 99))) };
      const perRun = all.map((one) => one.values[at] ?? Number.NaN);
      return { value: median(perRun), spread: range({ low: Math.min(...perRun), high: Math.max(...perRun) }) };
    });
    const { samples: _samples, ...rest } = first;
    return [{ ...rest, values: pooled.map((one) => round(one.value)), spread: pooled.map((one) => one.spread) }];
  });
}

/** Prints the ack table and the figures table for `runs` (one run, or several to pool). */
export function printReport(runs: readonly BenchResults[]): void {
  const acks = poolAcks(runs);
  if (acks.length > 0) console.table(acks);
  const figures = poolFigures(runs);
  if (figures.length > 0) console.table(figures.map((one) => ({
    measure: `${one.measure} (${one.unit})`,
    sizes: one.sizes ? `${one.sizes.map((size) => size.toLocaleString('en')).join(' / ')} ${one.sizeName ?? ''}` : '',
    cost: one.values.join(' / '),
    [runs.length > 1 ? 'interval (p99) or range' : 'interval (p99)']: one.spread.some((spread) => spread !== '') ? one.spread.join(' / ') : '',
    growth: growthOf(one.sizes ?? [], one.values, one.sizeName),
    goal: one.goal?.text ?? '',
    met: one.goal === undefined ? '' : meets(one.goal, one.values) ? 'yes' : 'NO',
  })));
}
