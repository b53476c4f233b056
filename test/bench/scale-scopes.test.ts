import { describe, expect, it } from 'vitest';
import { burstFactor } from '../../bench/scale-scopes.ts';

describe('how evenly drift reads are spread over an interval', () => {
  it('is 1 for reads spread evenly, 10 for reads all in one tenth, and 1 for a single read', () => {
    expect(burstFactor(Array.from({ length: 100 }, (_, i) => 5000 + i * 100), 5000, 10_000)).toBe(1);
    expect(burstFactor(Array.from({ length: 100 }, (_, i) => 5000 + i), 5000, 10_000)).toBe(10);
    expect(burstFactor([9000], 5000, 10_000)).toBe(1);
  });

  it('leaves out reads outside the interval', () => {
    expect(burstFactor([4999, 15_000, ...Array.from({ length: 10 }, (_, i) => 5000 + i * 1000)], 5000, 10_000)).toBe(1);
  });
});
