import { describe, expect, it } from 'vitest';
import { collectionRows, collectionsIn, watchCollections } from '../../bench/gc-windows.ts';
import { until } from '../../bench/stats.ts';

describe('collections in ack windows', () => {
  it('counts the windows a collection overlaps, and only the overlapping part of its time', () => {
    const windows = [{ start: 0, end: 10 }, { start: 100, end: 130 }, { start: 200, end: 210 }];
    const collections = [
      { start: 5, duration: 2 }, // inside the first
      { start: 95, duration: 10 }, // starts before the second, 5 ms inside
      { start: 120, duration: 4 }, // inside the second
      { start: 150, duration: 20 }, // between windows
      { start: 210, duration: 5 }, // starts as the third ends
    ];
    expect(collectionsIn(windows, collections)).toEqual({ windows: 3, windowsHit: 2, collections: 3, ms: 11 });
  });

  it('finds nothing in no windows', () => {
    expect(collectionsIn([], [{ start: 1, duration: 1 }])).toEqual({ windows: 0, windowsHit: 0, collections: 0, ms: 0 });
  });

  it('sees the collections this thread makes', async () => {
    const watch = watchCollections();
    try {
      let kept: unknown[] = [];
      await until(() => {
        // Garbage in bulk: enough for the young generation to be collected within the bound.
        for (let i = 0; i < 20_000; i++) kept = [{ i, padding: 'x'.repeat(64) }];
        return watch.collections().length > 0;
      }, 5_000, 'a garbage collection');
      expect(kept).toHaveLength(1);
      const [first] = watch.collections();
      expect(first?.duration).toBeGreaterThanOrEqual(0);
      expect(first?.start).toBeGreaterThan(0);
    } finally {
      watch.stop();
    }
  });
});

describe('collection rows', () => {
  const inWindows = {
    pinbot: collectionsIn([{ start: 0, end: 10 }, { start: 20, end: 30 }], [{ start: 5, duration: 2 }]),
    baseline: collectionsIn([{ start: 40, end: 50 }, { start: 60, end: 70 }], [{ start: 45, duration: 1 }, { start: 69, duration: 4 }]),
  };

  it('counts singles at N = 1 and rounds in bursts, with both apps on one row', () => {
    expect(collectionRows('slack list N=1: ack', 1, inWindows, 'bolt')).toEqual([
      { name: 'slack list N=1: ack: singles with a GC in the ack window', value: 1, unit: 'of 2', goal: 'bolt 2 of 2' },
      { name: 'slack list N=1: ack: GC time in the ack windows', value: 2, unit: 'ms', goal: 'bolt 2 ms' },
    ]);
    expect(collectionRows('discord list N=50', 50, inWindows, 'bare d.js')[0]?.name).toBe('discord list N=50: rounds with a GC in the ack window');
  });
});
