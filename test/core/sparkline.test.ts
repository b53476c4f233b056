import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sparkline } from '../../src/core/words/sparkline.ts';

describe('sparkline: hourly values as a line of block characters', () => {
  it('draws nothing for no values', () => {
    expect(sparkline([])).toBe('');
  });

  it('draws zero as the lowest block, the highest value as the full block, halfway rounded up', () => {
    expect(sparkline([0, 7, 14])).toBe('▁▅█');
  });

  it('uses all eight heights for a rising series', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█');
  });

  it('draws idle hours flat', () => {
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
  });

  it('draws a steady non-zero load as full, not as idle', () => {
    expect(sparkline([5, 5])).toBe('██');
  });

  it('never draws a single request like an idle hour', () => {
    expect(sparkline([0, 1, 10_000])).toBe('▁▂█');
  });

  it('draws a value that is not a number as the floor', () => {
    expect(sparkline([Number.NaN, 4, Number.POSITIVE_INFINITY])).toBe('▁█▁');
  });

  it('scales from the lowest value when one is negative', () => {
    expect(sparkline([-7, 0, 7])).toBe('▁▅█');
  });

  it('draws one block per value, each one of the eight', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 200 }), (values) => {
        const line = [...sparkline(values)];
        expect(line).toHaveLength(values.length);
        for (const block of line) expect('▁▂▃▄▅▆▇█').toContain(block);
      }),
    );
  });
});
