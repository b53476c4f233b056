import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countIncrease } from '../../src/core/follow-ups/counter-increase.ts';
import { NO_REQUESTS, STATUS_CLASSES, type StatusClass } from '../../src/core/domain/usage.ts';
import type { UsageBaseline } from '../../src/core/ports.ts';
import { ServedRequests, total } from '../helpers/served-requests.ts';

// The invariants of counting requests from per-replica counters (test/core/counter-increase.test.ts
// has the cases one by one): over any run of traffic, restarts, replicas replaced, failed samples,
// pauses and samples read twice, what is counted is exactly what the served-requests oracle
// expects, never more than was served, and all of it when no replica restarted or went away.

const INTERVAL = 300_000;
const MAX_GAP = 2 * INTERVAL;
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

type Step =
  | { readonly kind: 'traffic'; readonly replica: number; readonly status: StatusClass; readonly count: number }
  | { readonly kind: 'restart'; readonly replica: number }
  | { readonly kind: 'replace'; readonly replica: number }
  | { readonly kind: 'sample' }
  /** The same reading taken again, at the same moment or a little later. */
  | { readonly kind: 'duplicate'; readonly laterMs: number }
  | { readonly kind: 'failed' }
  /** pinbot not sampling for longer than the gap bound. */
  | { readonly kind: 'pause' };

const status = fc.constantFrom<StatusClass>(...STATUS_CLASSES);
const step = (churn: boolean): fc.Arbitrary<Step> => fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('traffic' as const), replica: fc.nat(4), status, count: fc.nat(500) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'sample' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), laterMs: fc.constantFrom(0, 1, INTERVAL) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'failed' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  ...(churn
    ? [
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const), replica: fc.nat(4) }) },
        { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), replica: fc.nat(4) }) },
      ]
    : []),
);

interface RunTotals {
  counted: number;
  expected: number;
  /** Served between two samples that were counted against each other. */
  servedInCountedPairs: number;
  brokenPairs: number;
}

/** Drives `countIncrease` as the sampler does (baseline = last good sample, a failure marks it broken). */
function run(steps: readonly Step[]): RunTotals {
  const oracle = new ServedRequests();
  const totals: RunTotals = { counted: 0, expected: 0, servedInCountedPairs: 0, brokenPairs: 0 };
  let now = T0;
  let baseline: UsageBaseline | undefined;
  let generation = 0;
  const replicaName = (index: number) => oracle.replicas()[index % Math.max(1, oracle.replicas().length)] ?? `r${index}`;
  for (const next of steps) {
    switch (next.kind) {
      case 'traffic':
        // An index past the replicas known starts a new one.
        oracle.traffic(next.replica < oracle.replicas().length ? replicaName(next.replica) : `r${next.replica}-${generation++}`, next.status, next.count);
        break;
      case 'restart':
        if (oracle.replicas().length > 0) oracle.restart(replicaName(next.replica));
        break;
      case 'replace':
        if (oracle.replicas().length > 0) oracle.replace(replicaName(next.replica), `r${next.replica}-${generation++}`);
        break;
      case 'failed':
        now += INTERVAL;
        if (baseline !== undefined) baseline = { ...baseline, gap: true };
        break;
      case 'pause':
        now += MAX_GAP + 1;
        break;
      case 'duplicate': {
        if (baseline === undefined || baseline.gap) break;
        // The reading the baseline holds, counted again against itself.
        const again = countIncrease(baseline, baseline.counters, baseline.at + next.laterMs, MAX_GAP);
        expect(again).toEqual(NO_REQUESTS);
        break;
      }
      case 'sample': {
        now += INTERVAL;
        const counters = oracle.counters();
        const counted = countIncrease(baseline, counters, now, MAX_GAP);
        if (counted === undefined) {
          oracle.startPair();
        } else {
          const pair = oracle.closePair();
          expect(counted).toEqual(pair.expected);
          for (const klass of STATUS_CLASSES) expect(counted[klass]).toBeLessThanOrEqual(pair.served[klass]);
          if (!pair.broken) expect(counted).toEqual(pair.served);
          totals.counted += total(counted);
          totals.expected += total(pair.expected);
          totals.servedInCountedPairs += total(pair.served);
          if (pair.broken) totals.brokenPairs++;
        }
        baseline = { at: now, counters, gap: false };
        break;
      }
    }
  }
  return totals;
}

describe('countIncrease over any run of samples (property)', () => {
  it('counts every request served between two good samples when no replica restarts or goes away, new replicas included', () => {
    fc.assert(fc.property(fc.array(step(false), { maxLength: 60 }), (steps) => {
      const totals = run(steps);
      expect(totals.counted).toBe(totals.servedInCountedPairs);
    }), { numRuns: 300 });
  });

  it('with restarts and replicas replaced, counts exactly what the oracle expects and never more than was served', () => {
    fc.assert(fc.property(fc.array(step(true), { maxLength: 60 }), (steps) => {
      const totals = run(steps);
      expect(totals.counted).toBe(totals.expected);
      expect(totals.counted).toBeLessThanOrEqual(totals.servedInCountedPairs);
      if (totals.brokenPairs === 0) expect(totals.counted).toBe(totals.servedInCountedPairs);
    }), { numRuns: 300 });
  });

  it('counts nothing for a reading taken again, whenever it is taken', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ instance: fc.constantFrom('r1', 'r2', 'r3'), status, value: fc.nat(10_000) }), { maxLength: 8 })
        .map((counters) => [...new Map(counters.map((c) => [`${c.instance}/${c.status}`, c])).values()]),
      fc.integer({ min: 0, max: MAX_GAP }),
      (counters, laterMs) => {
        expect(countIncrease({ at: T0, counters, gap: false }, counters, T0 + laterMs, MAX_GAP)).toEqual(NO_REQUESTS);
      },
    ));
  });

  it('counts nothing across a failed sample or a pause, whatever happened in between', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ instance: fc.constantFrom('r1', 'r2'), status, value: fc.nat(10_000) }), { maxLength: 6 }),
      fc.array(fc.record({ instance: fc.constantFrom('r1', 'r2', 'r3'), status, value: fc.nat(10_000) }), { maxLength: 6 }),
      (before, after) => {
        expect(countIncrease({ at: T0, counters: before, gap: true }, after, T0 + INTERVAL, MAX_GAP)).toBeUndefined();
        expect(countIncrease({ at: T0, counters: before, gap: false }, after, T0 + MAX_GAP + 1, MAX_GAP)).toBeUndefined();
      },
    ));
  });
});
