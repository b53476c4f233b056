/**
 * Main-thread garbage collections that fall in each app's ack windows. Both apps share the main
 * thread and its heap, so a collection stops whichever burst is being acked; at N = 200 most of
 * the rounds that set a Discord p99 had a collection of 2-36 ms in them (bench/README.md).
 */
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { round, row, type Row } from './stats.ts';

export interface Collection {
  /** `performance.now()` on the main thread, ms. */
  readonly start: number;
  readonly duration: number;
}

/** From the burst's dispatch to its last ack, on the main thread's clock. */
export interface AckWindow {
  readonly start: number;
  readonly end: number;
}

export interface CollectionsInWindows {
  readonly windows: number;
  /** Windows that overlap at least one collection. */
  readonly windowsHit: number;
  readonly collections: number;
  /** Time of those collections inside the windows, ms. */
  readonly ms: number;
}

export function collectionsIn(windows: readonly AckWindow[], collections: readonly Collection[]): CollectionsInWindows {
  let windowsHit = 0;
  let count = 0;
  let ms = 0;
  for (const window of windows) {
    const inside = collections.filter((gc) => gc.start < window.end && gc.start + gc.duration > window.start);
    if (inside.length > 0) windowsHit++;
    count += inside.length;
    for (const gc of inside) ms += Math.min(window.end, gc.start + gc.duration) - Math.max(window.start, gc.start);
  }
  return { windows: windows.length, windowsHit, collections: count, ms };
}

export interface CollectionWatch {
  /** Every collection seen since the watch started, including those not yet delivered. */
  collections(): readonly Collection[];
  stop(): void;
}

export function watchCollections(): CollectionWatch {
  const seen: Collection[] = [];
  const keep = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) seen.push({ start: entry.startTime, duration: entry.duration });
  };
  const observer = new PerformanceObserver((list) => keep(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    collections: () => {
      keep(observer.takeRecords());
      return seen;
    },
    stop: () => observer.disconnect(),
  };
}

/**
 * Context rows for one case: how many of each app's ack windows (a round's burst, or one single at
 * N = 1) a collection overlapped, and the collections' time inside them.
 */
export function collectionRows(
  label: string,
  count: number,
  inWindows: { readonly pinbot: CollectionsInWindows; readonly baseline: CollectionsInWindows },
  baselineName: string,
): Row[] {
  const { pinbot, baseline } = inWindows;
  const windows = count === 1 ? 'singles' : 'rounds';
  return [
    row(`${label}: ${windows} with a GC in the ack window`, pinbot.windowsHit, `of ${pinbot.windows}`, { text: `${baselineName} ${baseline.windowsHit} of ${baseline.windows}` }),
    row(`${label}: GC time in the ack windows`, pinbot.ms, 'ms', { text: `${baselineName} ${round(baseline.ms)} ms` }),
  ];
}
