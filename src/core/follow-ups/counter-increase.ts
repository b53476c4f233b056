import type { UsageBaseline } from '../ports.ts';
import { NO_REQUESTS, type StatusClass, type UsageCounter } from '../domain/usage.ts';

/**
 * The requests counted between the baseline and the counters read now, by status class, with
 * Prometheus `increase()` semantics over two samples:
 *
 * - a counter lower than its last value belongs to an instance that restarted: it counts from 0;
 * - a counter not in the baseline belongs to an instance that started since it: when the baseline
 *   is the sample just before (no gap), every request it counted came after, so its whole value
 *   counts;
 * - a counter in the baseline that is gone (an instance that stopped) adds nothing;
 * - with no baseline, one broken by a failed sample, or one older than `maxGapMs`, nothing is known
 *   of what happened in between: the sample becomes the new baseline and counts nothing (undefined),
 *   rather than putting requests of unsampled hours into this one; so too when the baseline's
 *   counters were kept by class and these are by series (the first sample after an upgrade), as
 *   none of them could be matched and each would count whole.
 */
export function countIncrease(
  baseline: UsageBaseline | undefined,
  counters: readonly UsageCounter[],
  now: number,
  maxGapMs: number,
): Record<StatusClass, number> | undefined {
  if (baseline === undefined || baseline.gap || now - baseline.at > maxGapMs) return undefined;
  if (bySeries(baseline.counters) !== bySeries(counters) && baseline.counters.length > 0 && counters.length > 0) return undefined;
  const last = new Map(baseline.counters.map((counter) => [seriesKey(counter), counter.value]));
  const requests = { ...NO_REQUESTS };
  for (const counter of counters) {
    const before = last.get(seriesKey(counter));
    requests[counter.status] += before === undefined || counter.value < before ? counter.value : counter.value - before;
  }
  return requests;
}

function seriesKey(counter: UsageCounter): string {
  return `${counter.instance}\u0000${counter.status}\u0000${counter.series ?? ''}`;
}

function bySeries(counters: readonly UsageCounter[]): boolean {
  return counters.some((counter) => counter.series !== undefined);
}
