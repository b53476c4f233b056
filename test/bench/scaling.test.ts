import { describe, expect, it } from 'vitest';
import { burstFactor } from '../../bench/scale-scopes.ts';
import { growthOf, latencySeries, percentileInterval, seriesTable } from '../../bench/scaling.ts';

describe('how a cost grows with size', () => {
  it('calls a cost flat when the largest size costs at most a quarter more than the smallest', () => {
    expect(growthOf([10, 10_000], [1.1, 1.3])).toBe('flat');
    expect(growthOf([1, 10, 100, 1000], [80, 81, 85, 100])).toBe('flat');
  });

  it('calls a cost linear when it grows in proportion, and otherwise says what each unit adds', () => {
    expect(growthOf([1, 1000], [0.2, 200])).toBe('linear');
    expect(growthOf([1, 1000], [100, 165], 'scopes')).toBe('nearly flat (×1.7 over ×1,000 the size)');
    expect(growthOf([1, 1000], [10, 40], 'scopes')).toBe('base + 0.03 per scope (log-log slope 0.2)');
    expect(growthOf([10, 1000], [1, 10_000], 'changes')).toBe('base + 10 per change (log-log slope 2)');
  });

  it('gives no growth for a single size', () => {
    expect(growthOf([10], [1])).toBe('n/a');
  });

  it('takes each size\'s p99 from its samples and prints one row per series', () => {
    const samples = [Array.from({ length: 100 }, (_, i) => i + 1), Array.from({ length: 100 }, (_, i) => 2 * (i + 1))];
    const history = latencySeries({ measure: 'history p99, SQLite', sizeName: 'changes', sizes: [10, 1_000_000], samples, goal: '≤ 2×', met: true });
    expect(history.values).toEqual([99, 198]);
    expect(seriesTable([history])).toEqual([{
      measure: 'history p99, SQLite (ms)', sizes: '10 / 1,000,000 changes', cost: '99 / 198', growth: 'nearly flat (×2 over ×100,000 the size)', goal: '≤ 2×', met: 'yes',
    }]);
  });
});

describe('the interval of a pooled p99', () => {
  it('is a point when every sample is the same, and spans the tail when a few are slow', () => {
    expect(percentileInterval(Array.from({ length: 200 }, () => 3), 99)).toEqual({ low: 3, high: 3 });
    const tail = [...Array.from({ length: 990 }, () => 1), ...Array.from({ length: 10 }, () => 50)];
    const interval = percentileInterval(tail, 99);
    expect(interval.low).toBe(1);
    expect(interval.high).toBe(50);
  });
});

describe('how evenly drift reads are spread over an interval', () => {
  it('is 1 for reads spread evenly, 10 for reads all in one tenth, and 1 for a single read', () => {
    const even = Array.from({ length: 100 }, (_, i) => 5000 + i * 100);
    expect(burstFactor(even, 5000, 10_000)).toBe(1);
    expect(burstFactor(Array.from({ length: 100 }, (_, i) => 5000 + i), 5000, 10_000)).toBe(10);
    expect(burstFactor([9000], 5000, 10_000)).toBe(1);
  });

  it('leaves out reads outside the interval', () => {
    expect(burstFactor([4999, 15_000, ...Array.from({ length: 10 }, (_, i) => 5000 + i * 1000)], 5000, 10_000)).toBe(1);
  });
});
