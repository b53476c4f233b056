import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { watchCollections } from '../../bench/gc-windows.ts';
import { randomizeScavengePhase, youngGeneration } from '../../bench/scavenge-phase.ts';

/** How full the young generation is, 0-1. */
function youngFill(): number {
  const { used, capacity } = youngGeneration();
  if (capacity === 0) throw new Error('no young generation (new_space) in this V8');
  return used / capacity;
}

describe('randomizeScavengePhase', () => {
  it('allocates the drawn share of the young generation', async () => {
    expect(await randomizeScavengePhase(() => 0)).toBe(0);
    const { capacity } = youngGeneration();
    expect(capacity).toBeGreaterThan(0);
    expect(await randomizeScavengePhase(() => 0.5)).toBe(Math.floor(capacity / 2));
  });

  it('leaves the young generation anywhere from nearly empty to well filled', async () => {
    const fills: number[] = [];
    for (let i = 0; i < 40; i++) {
      await randomizeScavengePhase(() => (i % 20) / 20);
      fills.push(youngFill());
    }
    expect(Math.min(...fills)).toBeLessThan(0.2);
    expect(Math.max(...fills)).toBeGreaterThan(0.6);
  });

  it('lets the collection its garbage brings due run before the burst that follows', async () => {
    const watch = watchCollections();
    try {
      for (let i = 0; i < 20; i++) {
        await randomizeScavengePhase(() => 0.95);
        const resolvedAt = performance.now();
        // The burst's first turns, allocating next to nothing.
        await nextTurn();
        await nextTurn();
        const inBurst = watch.collections().filter((gc) => gc.start >= resolvedAt);
        expect(inBurst).toEqual([]);
      }
    } finally {
      watch.stop();
    }
  });
});
