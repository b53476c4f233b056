import { PinbotError } from '../domain/errors.ts';
import type { LiveState, ScopeBackend, UsageSource } from '../backend.ts';
import {
  addRequests, NO_REQUESTS, PERIOD_HOURS, totalRequests,
  type EntryUsage, type OtherEntriesUsage, type StatusClass, type UsagePeriod, type UsageReport,
} from '../domain/usage.ts';
import type { AuditLog, Clock, UsageHourRequests, UsageStore } from '../ports.ts';
import { readyPeriods, readySegmentsByEntry, type ReadySegment } from './ready-periods.ts';

const HOUR_MS = 3_600_000;
/** How many of a scope's recent changes are read to tell when each entry was kept ready. */
const CHANGES_LOOKBACK = 1000;
/** How many entries a report lists one by one (a chart draws as many lines); the rest are added up. */
export const LISTED_ENTRIES = 8;

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

/** One entry over the period before its hours are read: what ranks it, and what the others line adds up. */
interface EntrySummary {
  readonly entry: string;
  readonly requests: Readonly<Record<StatusClass, number>>;
  readonly total: number;
  readonly segments: readonly ReadySegment[];
  readonly readyMs: number;
  readonly cost?: number;
}

/**
 * Answers `usage`: each entry's requests over the period (summed by the store), the stretches it
 * was kept ready (from the history and the state now) and what that cost where the price is known.
 * The entries that cost most, then the busiest, are listed with their hours; the rest are added up,
 * so the answer takes as long for a scope of 1,000 entries as the store's sums do.
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
    const [live, counted, changes] = await Promise.all([
      backend.read(),
      this.requestsOver(scope, from, to, entry),
      this.deps.audit.recent(scope, CHANGES_LOOKBACK),
    ]);
    const requestsOf = counted.requests;
    const known = source.entriesIn(live);
    if (entry !== undefined && !requestsOf.has(entry) && !known.includes(entry)) {
      const seen = [...new Set([...known, ...requestsOf.keys()])].sort();
      const thing = backend.words.command.thing;
      throw new PinbotError('UNKNOWN_USAGE_ENTRY', `There is no ${thing} \`${entry}\` in scope ${scope} to show usage for. It has: ${seen.length > 0 ? seen.join(', ') : 'none'}.`, {
        entry, known: seen,
      });
    }
    const names = entry !== undefined ? [entry] : [...new Set([...known, ...requestsOf.keys()])];
    const segments = readySegmentsByEntry(changes, live.pins, from, to);
    const ranked = names
      .map((name) => summarize(name, requestsOf.get(name) ?? NO_REQUESTS, segments.get(name) ?? [], source, live))
      .sort(costliestThenBusiest);
    const listed = ranked.slice(0, LISTED_ENTRIES);
    const hoursOf = byEntry(counted.hours ?? await this.deps.usage.requestsByHour(scope, listed.map((one) => one.entry), from, to + 1));
    const window = { from, hours };
    const others = ranked.slice(LISTED_ENTRIES);
    return {
      kind: 'report',
      scope,
      period,
      from,
      to,
      entries: listed.map((summary) => entryUsage(summary, hoursOf.get(summary.entry) ?? [], window)),
      ...(others.length > 0 ? { others: addedUp(others) } : {}),
      ...(this.deps.simulated?.(scope) === true ? { simulated: true } : {}),
    };
  }

  /**
   * Each entry's requests by class over the period: a scope's from the store's sums; one entry's
   * from its own hours, read by its key, which are then its line too.
   */
  private async requestsOver(scope: string, from: number, to: number, entry?: string): Promise<{
    requests: Map<string, Readonly<Record<StatusClass, number>>>;
    hours?: UsageHourRequests[];
  }> {
    if (entry === undefined) return { requests: new Map((await this.deps.usage.totals(scope, from)).map((total) => [total.entry, total.requests])) };
    const rows = await this.deps.usage.hours(scope, from, to + 1, entry);
    return {
      requests: new Map(rows.length > 0 ? [[entry, rows.reduce((sum: Readonly<Record<StatusClass, number>>, row) => addRequests(sum, row.requests), NO_REQUESTS)]] : []),
      hours: rows.map((row) => ({ entry, hour: row.hour, requests: totalRequests(row.requests) })),
    };
  }
}

/** Those that cost most first (what the team pays for, used or not), then the longest kept ready, then the busiest, then by name. */
function costliestThenBusiest(a: EntrySummary, b: EntrySummary): number {
  return (b.cost ?? 0) - (a.cost ?? 0) || b.readyMs - a.readyMs || b.total - a.total || (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0);
}

function summarize(entry: string, requests: Readonly<Record<StatusClass, number>>, segments: readonly ReadySegment[], source: UsageSource, live: LiveState): EntrySummary {
  let cost: number | undefined = 0;
  let readyMs = 0;
  for (const segment of segments) {
    const perHour = source.readyCostPerHour(segment.pin, live);
    readyMs += segment.to - segment.from;
    cost = perHour === undefined || cost === undefined ? undefined : cost + perHour * ((segment.to - segment.from) / HOUR_MS);
  }
  return { entry, requests, total: totalRequests(requests), segments, readyMs, ...(cost !== undefined ? { cost } : {}) };
}

/** One entry listed: every hour of the window, oldest first, with its totals and what keeping it ready cost. */
function entryUsage(summary: EntrySummary, rows: readonly UsageHourRequests[], window: { from: number; hours: number }): EntryUsage {
  const byHour = new Map(rows.map((row) => [row.hour, row]));
  const hours: EntryUsage['hours'][number][] = [];
  for (let index = 0; index < window.hours; index++) {
    const hour = window.from + index * HOUR_MS;
    const row = byHour.get(hour);
    hours.push({ hour, requests: row?.requests ?? 0, sampled: row !== undefined });
  }
  const { entry, requests, total, cost } = summary;
  return {
    entry,
    hours,
    requests: total,
    ...(total > 0 ? { errorShare: errorsOf(requests) / total } : {}),
    ready: readyPeriods(summary.segments),
    ...(cost !== undefined ? { cost } : {}),
    ...(cost !== undefined && total > 0 ? { costPer1000: (cost / total) * 1000 } : {}),
  };
}

/** The entries not listed, as one line's figures; the cost only when every one kept ready has a price. */
function addedUp(summaries: readonly EntrySummary[]): OtherEntriesUsage {
  let requests = 0;
  let errors = 0;
  let readyMs = 0;
  let cost: number | undefined = 0;
  for (const summary of summaries) {
    requests += summary.total;
    errors += errorsOf(summary.requests);
    readyMs += summary.readyMs;
    if (summary.readyMs > 0) cost = cost === undefined || summary.cost === undefined ? undefined : cost + summary.cost;
  }
  return {
    count: summaries.length,
    requests,
    ...(requests > 0 ? { errorShare: errors / requests } : {}),
    readyHours: readyMs / HOUR_MS,
    ...(cost !== undefined ? { cost } : {}),
  };
}

/** The rows of each entry, in their order: one pass, however many entries. */
function byEntry(rows: readonly UsageHourRequests[]): Map<string, UsageHourRequests[]> {
  const grouped = new Map<string, UsageHourRequests[]>();
  for (const row of rows) {
    const own = grouped.get(row.entry);
    if (own === undefined) grouped.set(row.entry, [row]);
    else own.push(row);
  }
  return grouped;
}


function errorsOf(requests: Readonly<Record<StatusClass, number>>): number {
  return requests['4xx'] + requests['5xx'];
}
