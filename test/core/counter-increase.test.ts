import { describe, expect, it } from 'vitest';
import { countIncrease } from '../../src/core/follow-ups/counter-increase.ts';
import type { UsageBaseline } from '../../src/core/ports.ts';
import type { UsageCounter } from '../../src/core/domain/usage.ts';

const INTERVAL = 300_000;
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);
const ok = (counters: UsageCounter[], at = T0): UsageBaseline => ({ at, counters, gap: false });
const c = (instance: string, value: number, status: UsageCounter['status'] = '2xx'): UsageCounter => ({ instance, status, value });
const count = (baseline: UsageBaseline | undefined, now: UsageCounter[], at = T0 + INTERVAL) => countIncrease(baseline, now, at, 2 * INTERVAL);

describe('counting requests between two samples, as Prometheus increase()', () => {
  it('counts the difference of each counter, by status class', () => {
    expect(count(ok([c('r1', 100), c('r1', 4, '5xx')]), [c('r1', 130), c('r1', 6, '5xx')])).toEqual({ '2xx': 30, '3xx': 0, '4xx': 0, '5xx': 2 });
  });

  it('counts a counter lower than before from zero: its replica restarted', () => {
    expect(count(ok([c('r1', 100)]), [c('r1', 7)])?.['2xx']).toBe(7);
  });

  it('counts the whole value of a replica that appeared since the sample just before', () => {
    expect(count(ok([c('r1', 100)]), [c('r1', 110), c('r2', 25)])?.['2xx']).toBe(35);
  });

  it('adds nothing for a replica that disappeared, and nothing negative', () => {
    expect(count(ok([c('r1', 100), c('r2', 50)]), [c('r1', 100)])).toEqual({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
  });

  it('compares each status code of a replica with its own last value: a restart can leave the sum of a class higher', () => {
    const code = (value: number, series: string): UsageCounter => ({ instance: 'r1', status: '2xx', series, value });
    // 100 OKs; the replica restarts and answers 150 with 201 and 3 with 200 before the next sample.
    expect(count(ok([code(100, '200')]), [code(3, '200'), code(150, '201')])?.['2xx']).toBe(153);
    expect(count(ok([code(100, '200'), code(5, '201')]), [code(130, '200'), code(9, '201')])?.['2xx']).toBe(34);
  });

  it('starts a new count when the baseline was kept by class and the sample is by series (the first after an upgrade)', () => {
    expect(count(ok([c('r1', 100)]), [{ instance: 'r1', status: '2xx', series: '200', value: 130 }])).toBeUndefined();
    expect(count(ok([]), [{ instance: 'r1', status: '2xx', series: '200', value: 30 }])?.['2xx']).toBe(30);
  });

  it('counts nothing at the first sample: it is only the baseline', () => {
    expect(count(undefined, [c('r1', 1152)])).toBeUndefined();
  });

  it('counts nothing across a failed sample: the next one starts a new baseline', () => {
    expect(count({ ...ok([c('r1', 100)]), gap: true }, [c('r1', 500), c('r2', 40)])).toBeUndefined();
  });

  it('counts nothing across a pause longer than two intervals (pinbot was not sampling)', () => {
    expect(count(ok([c('r1', 100)]), [c('r1', 500)], T0 + 2 * INTERVAL + 1)).toBeUndefined();
    expect(count(ok([c('r1', 100)]), [c('r1', 500)], T0 + 2 * INTERVAL)?.['2xx']).toBe(400);
  });
});
