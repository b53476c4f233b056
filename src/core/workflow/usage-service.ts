import { PinbotError } from '../domain/errors.ts';
import type { LiveState, ScopeBackend, UsageSource } from '../backend.ts';
import { NO_REQUESTS, PERIOD_HOURS, STATUS_CLASSES, type EntryUsage, type UsagePeriod, type UsageReport } from '../domain/usage.ts';
import type { AuditLog, Clock, StoredUsageHour, UsageStore } from '../ports.ts';
import { readyPeriods, readySegments, type ReadySegment } from './ready-periods.ts';

const HOUR_MS = 3_600_000;
/** How many of a scope's recent changes are read to tell when each entry was kept ready. */
const CHANGES_LOOKBACK = 1000;

export interface UsageServiceDeps {
  readonly backendFor: (scope: string) => ScopeBackend;
  readonly usage: UsageStore;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** Whether a scope's hours were made up (the sandbox's): its reports say they are simulated. */
  readonly simulated?: (scope: string) => boolean;
}

/** Said for a backend that gives no words of its own for having no usage source. */
const NO_SOURCE = 'This scope has no usage source, so pinbot keeps no usage for it.';

/**
 * Answers `usage`: the hourly counts the sampler kept, the stretches each entry was kept ready
 * (from the history and the state now), and what that cost where the price is known.
 */
export class UsageService {
  constructor(private readonly deps: UsageServiceDeps) {}

  async report(scope: string, period: UsagePeriod, entry?: string): Promise<UsageReport> {
    const backend = this.deps.backendFor(scope);
    const source = backend.usage;
    if (source === undefined) return { kind: 'unavailable', scope, reason: backend.words.usageUnavailable ?? NO_SOURCE };
    const denial = await this.deps.usage.denied(scope);
    if (denial !== undefined) return { kind: 'unavailable', scope, reason: denial.reason };

    const to = this.deps.clock.now();
    const hours = PERIOD_HOURS[period];
    const from = to - (to % HOUR_MS) - (hours - 1) * HOUR_MS;
    const [live, known, rows, changes] = await Promise.all([
      backend.read(),
      source.entries(),
      this.deps.usage.hours(scope, from, to + 1, entry),
      this.deps.audit.recent(scope, CHANGES_LOOKBACK),
    ]);
    const seen = [...new Set([...known, ...rows.map((row) => row.entry)])].sort();
    if (entry !== undefined && !seen.includes(entry)) {
      const thing = backend.words.command.thing;
      throw new PinbotError('UNKNOWN_USAGE_ENTRY', `There is no ${thing} \`${entry}\` in scope ${scope} to show usage for. It has: ${seen.length > 0 ? seen.join(', ') : 'none'}.`, {
        entry, known: seen,
      });
    }
    const names = entry !== undefined ? [entry] : seen;
    const rowsOf = byEntry(rows);
    const entries = names.map((name) => entryUsage(
      name,
      rowsOf.get(name) ?? [],
      { from, hours },
      readyCost(readySegments(name, changes, live.pins, from, to), source, live),
    ));
    return { kind: 'report', scope, period, from, to, entries, ...(this.deps.simulated?.(scope) === true ? { simulated: true } : {}) };
  }
}

/** The rows of each entry, in their order: one pass, however many entries. */
function byEntry(rows: readonly StoredUsageHour[]): Map<string, StoredUsageHour[]> {
  const grouped = new Map<string, StoredUsageHour[]>();
  for (const row of rows) {
    const own = grouped.get(row.entry);
    if (own === undefined) grouped.set(row.entry, [row]);
    else own.push(row);
  }
  return grouped;
}

interface ReadyUsage {
  readonly ready: EntryUsage['ready'];
  readonly cost?: number;
}

/** The stretches kept ready, and their cost when the price of every one is known. */
function readyCost(segments: readonly ReadySegment[], source: UsageSource, live: LiveState): ReadyUsage {
  let cost: number | undefined = 0;
  for (const segment of segments) {
    const perHour = source.readyCostPerHour(segment.pin, live);
    cost = perHour === undefined || cost === undefined ? undefined : cost + perHour * ((segment.to - segment.from) / HOUR_MS);
  }
  return { ready: readyPeriods(segments), ...(cost !== undefined ? { cost } : {}) };
}

/** One entry's hours over the window, oldest first, its totals, and what keeping it ready cost. */
function entryUsage(entry: string, rows: readonly StoredUsageHour[], window: { from: number; hours: number }, { ready, cost }: ReadyUsage): EntryUsage {
  const byHour = new Map(rows.map((row) => [row.hour, row]));
  const hours: EntryUsage['hours'][number][] = [];
  for (let index = 0; index < window.hours; index++) {
    const hour = window.from + index * HOUR_MS;
    const row = byHour.get(hour);
    hours.push(row === undefined
      ? { hour, requests: NO_REQUESTS, sampled: false }
      : { hour, requests: row.requests, ...(row.latency !== undefined ? { latency: row.latency } : {}), sampled: true });
  }
  const requests = hours.reduce((sum, hour) => sum + STATUS_CLASSES.reduce((all, status) => all + hour.requests[status], 0), 0);
  const errors = hours.reduce((sum, hour) => sum + hour.requests['4xx'] + hour.requests['5xx'], 0);
  return {
    entry,
    hours,
    requests,
    ...(requests > 0 ? { errorShare: errors / requests } : {}),
    ready,
    ...(cost !== undefined ? { cost } : {}),
    ...(cost !== undefined && requests > 0 ? { costPer1000: (cost / requests) * 1000 } : {}),
  };
}
