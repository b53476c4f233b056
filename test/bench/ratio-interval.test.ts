import { describe, expect, it } from 'vitest';
import { ratioInterval, seededRandom } from '../../bench/stats.ts';

/** 100 samples: 1 … 100 ms. */
const calm = () => Array.from({ length: 100 }, (_, i) => i + 1);
/** 100 samples of 200 ms: a round the machine stalled. */
const stalled = () => Array.from({ length: 100 }, () => 200);
const rounds = (count: number, slow: readonly number[] = []) =>
  Array.from({ length: count }, (_, roundNo) => (slow.includes(roundNo) ? stalled() : calm()));

describe('the bootstrap interval of a p99 ratio', () => {
  it('is a point when the two apps measured the same', () => {
    expect(ratioInterval(rounds(20), rounds(20), 99)).toEqual({ low: 1, high: 1 });
  });

  it('spans what one stalled round of pinbot\'s can do to the p99', () => {
    // Drawn without the stalled round (about a third of the draws), pinbot's p99 is the
    // baseline's; drawn with it, its 100 samples of 200 ms hold the top 1 %: 200 / 99.
    const interval = ratioInterval(rounds(20, [0]), rounds(20), 99);
    expect(interval.low).toBe(1);
    expect(interval.high).toBeCloseTo(200 / 99, 5);
  });

  it('draws the two apps\' rounds of the same number together', () => {
    // A stall that hit both apps' bursts of round 3 moves both p99s alike: the ratio stays 1 in
    // every draw. Drawn independently, the interval would reach from about 0.5 to 2.
    expect(ratioInterval(rounds(20, [3]), rounds(20, [3]), 99)).toEqual({ low: 1, high: 1 });
  });

  it('reads the same every time from the same samples', () => {
    const pinbot = rounds(30, [2, 17]);
    const baseline = rounds(30, [9]);
    const fewer = { draws: 200 };
    expect(ratioInterval(pinbot, baseline, 99, fewer)).toEqual(ratioInterval(pinbot, baseline, 99, fewer));
    expect(ratioInterval(pinbot, baseline, 99, { ...fewer, random: seededRandom(7) }))
      .toEqual(ratioInterval(pinbot, baseline, 99, { ...fewer, random: seededRandom(7) }));
  });

  it('draws its rounds with the random numbers it is given', () => {
    // Always the first round: pinbot's stalled one against the baseline's calm one, every draw.
    const interval = ratioInterval(rounds(30, [0]), rounds(30), 99, { draws: 50, random: () => 0 });
    expect(interval.low).toBeCloseTo(200 / 99, 5);
    expect(interval.high).toBeCloseTo(200 / 99, 5);
  });

  it('leaves out rounds one side does not have', () => {
    expect(ratioInterval([calm(), stalled()], [calm(), []], 99)).toEqual({ low: 1, high: 1 });
    expect(ratioInterval([], [], 99)).toEqual({ low: Number.NaN, high: Number.NaN });
  });
});
