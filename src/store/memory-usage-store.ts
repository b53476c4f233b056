import type { BaselineRef, StoredUsageHour, UsageBaseline, UsageDenial, UsageHourRequests, UsageIncrement, UsageStore, UsageTotal } from '../core/ports.ts';
import { addRequests, NO_REQUESTS, totalRequests, type StatusClass } from '../core/domain/usage.ts';

/** Hourly usage, baselines and refusals in this process's memory. */
export class MemoryUsageStore implements UsageStore {
  private readonly hourRows = new Map<string, StoredUsageHour & { readonly scope: string }>();
  private readonly baselines = new Map<string, UsageBaseline>();
  private readonly denials = new Map<string, UsageDenial>();

  async record(scope: string, entry: string, baseline: UsageBaseline, increment?: UsageIncrement, from?: BaselineRef | null): Promise<boolean> {
    const stored = this.baselines.get(key(scope, entry));
    if (from !== undefined && (from === null ? stored !== undefined : stored === undefined || stored.at !== from.at || stored.gap !== from.gap)) return false;
    this.baselines.set(key(scope, entry), baseline);
    if (increment === undefined) return true;
    const at = key(scope, entry, increment.hour);
    const row = this.hourRows.get(at);
    const requests = addRequests(row?.requests ?? NO_REQUESTS, increment.requests);
    const latency = increment.latency ?? row?.latency;
    this.hourRows.set(at, { scope, entry, hour: increment.hour, requests, ...(latency !== undefined ? { latency } : {}) });
    return true;
  }

  async markGap(scope: string, entry: string): Promise<void> {
    const baseline = this.baselines.get(key(scope, entry));
    if (baseline !== undefined) this.baselines.set(key(scope, entry), { ...baseline, gap: true });
  }

  async baseline(scope: string, entry: string): Promise<UsageBaseline | undefined> {
    return this.baselines.get(key(scope, entry));
  }

  async hours(scope: string, from: number, to: number, entry?: string): Promise<StoredUsageHour[]> {
    return [...this.hourRows.values()]
      .filter((row) => row.scope === scope && row.hour >= from && row.hour < to && (entry === undefined || row.entry === entry))
      .sort((a, b) => a.hour - b.hour || a.entry.localeCompare(b.entry))
      .map(({ scope: _scope, ...row }) => row);
  }

  async totals(scope: string, from: number): Promise<UsageTotal[]> {
    const totals = new Map<string, Record<StatusClass, number>>();
    for (const row of await this.hours(scope, from, Number.POSITIVE_INFINITY)) {
      const sum = totals.get(row.entry);
      totals.set(row.entry, addRequests(sum ?? NO_REQUESTS, row.requests));
    }
    return [...totals].map(([entry, requests]) => ({ entry, requests }));
  }

  async requestsByHour(scope: string, entries: readonly string[], from: number, to: number): Promise<UsageHourRequests[]> {
    const wanted = new Set(entries);
    return (await this.hours(scope, from, to))
      .filter((row) => wanted.has(row.entry))
      .sort((a, b) => a.entry.localeCompare(b.entry) || a.hour - b.hour)
      .map(({ entry, hour, requests }) => ({ entry, hour, requests: totalRequests(requests) }));
  }

  async setDenied(scope: string, denial: UsageDenial | undefined): Promise<void> {
    if (denial === undefined) this.denials.delete(scope);
    else this.denials.set(scope, denial);
  }

  async denied(scope: string): Promise<UsageDenial | undefined> {
    return this.denials.get(scope);
  }

  async prune(before: number): Promise<number> {
    let pruned = 0;
    for (const [at, row] of this.hourRows) {
      if (row.hour < before) {
        this.hourRows.delete(at);
        pruned++;
      }
    }
    return pruned;
  }
}

function key(scope: string, entry: string, hour?: number): string {
  return `${scope}\u0000${entry}${hour === undefined ? '' : `\u0000${hour}`}`;
}
