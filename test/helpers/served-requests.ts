import { NO_REQUESTS, STATUS_CLASSES, type StatusClass, type UsageCounter } from '../../src/core/domain/usage.ts';

/**
 * What replicas really served, kept beside their counters, as the oracle of the counter tests:
 * a replica's counter per status class appears with its first request, restarts from zero (and
 * disappears until its next request) when the replica restarts, and is gone when the replica is
 * replaced. Between two samples it tells what was served and what an `increase()` over the two
 * samples is expected to count.
 */
export class ServedRequests {
  private readonly live = new Map<string, Map<StatusClass, number>>();
  /** Requests served since the last sample, by series (including series gone since). */
  private served = new Map<string, { status: StatusClass; count: number }>();
  /** Series that restarted or went away since the last sample. */
  private broken = new Set<string>();
  /** Each series' value at the last sample. */
  private atSample = new Map<string, number>();

  traffic(replica: string, status: StatusClass, count: number): void {
    const classes = this.live.get(replica) ?? new Map<StatusClass, number>();
    this.live.set(replica, classes);
    classes.set(status, (classes.get(status) ?? 0) + count);
    const key = seriesKey(replica, status);
    this.served.set(key, { status, count: (this.served.get(key)?.count ?? 0) + count });
  }

  /** The replica restarts: its counters start again from zero. */
  restart(replica: string): void {
    for (const status of this.live.get(replica)?.keys() ?? []) this.broken.add(seriesKey(replica, status));
    this.live.set(replica, new Map());
  }

  /** The replica stops and another, of id `as`, takes its place. */
  replace(replica: string, as: string): void {
    this.restart(replica);
    this.live.delete(replica);
    this.live.set(as, new Map());
  }

  replicas(): string[] {
    return [...this.live.keys()];
  }

  /** The counters a sample reads now. */
  counters(): UsageCounter[] {
    return [...this.live].flatMap(([instance, classes]) => [...classes].map(([status, value]) => ({ instance, status, value })));
  }

  /**
   * A sample was taken and counted against the one before (no failure, no gap in between):
   * what was served since, what `increase()` is expected to count, and whether a replica
   * restarted or went away in between. The sample becomes the next one's start.
   *
   * Expected, per series: with no restart in between, exactly what it served; after a restart,
   * its value now (what it served since its last restart), less its value at the last sample
   * when the value now is not lower (a restart the counter cannot show: Prometheus' own limit);
   * a series gone counts nothing. So what was served before a restart, and by a replica that went
   * away, since the last sample, is not counted; nothing is ever counted twice.
   */
  closePair(): { served: Record<StatusClass, number>; expected: Record<StatusClass, number>; broken: boolean } {
    const served = { ...NO_REQUESTS };
    for (const { status, count } of this.served.values()) served[status] += count;
    const expected = { ...NO_REQUESTS };
    for (const { instance, status, value } of this.counters()) {
      const key = seriesKey(instance, status);
      const before = this.atSample.get(key);
      if (!this.broken.has(key)) expected[status] += value - (before ?? 0);
      else expected[status] += before !== undefined && value >= before ? value - before : value;
    }
    const broken = this.broken.size > 0;
    this.startPair();
    return { served, expected, broken };
  }

  /** A sample that only starts the next count (first one, after a failure or a pause). */
  startPair(): void {
    this.served = new Map();
    this.broken = new Set();
    this.atSample = new Map(this.counters().map((counter) => [seriesKey(counter.instance, counter.status), counter.value]));
  }
}

export function total(requests: Readonly<Record<StatusClass, number>>): number {
  return STATUS_CLASSES.reduce((sum, status) => sum + requests[status], 0);
}

function seriesKey(replica: string, status: StatusClass): string {
  return `${replica}\u0000${status}`;
}
