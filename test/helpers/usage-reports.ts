import type { EntryUsage, ReadyPeriod, UsagePeriod, UsageReport } from '../../src/core/domain/usage.ts';

export type Report = Extract<UsageReport, { kind: 'report' }>;

const HOUR_MS = 3_600_000;
const HOURS: Record<UsagePeriod, number> = { '24h': 24, '7d': 168, '30d': 720 };
/** The end of every hand-built report: a whole hour, so that labels fall on round times. */
export const REPORT_END = Date.UTC(2026, 8, 14, 12);

/**
 * A usage report built by hand, as the usage service would hand one over: `load(entry, hour)`
 * gives each entry's requests in each hour of the period (0 = oldest), `ready` its kept-ready
 * hours as [first, last) pairs of hour indexes, and hours listed in `unsampled` have no sample.
 */
export function handBuiltReport(options: {
  readonly period: UsagePeriod;
  readonly entries: readonly string[];
  readonly load?: (entry: number, hour: number) => number;
  readonly ready?: Readonly<Record<number, readonly (readonly [number, number])[]>>;
  readonly unsampled?: readonly number[];
  readonly simulated?: boolean;
  readonly scope?: string;
}): Report {
  const count = HOURS[options.period];
  const from = REPORT_END - count * HOUR_MS;
  const load = options.load ?? (() => 0);
  const entries = options.entries.map((entry, index): EntryUsage => {
    const hours = Array.from({ length: count }, (_, hour) => {
      const sampled = !(options.unsampled ?? []).includes(hour);
      return { hour: from + hour * HOUR_MS, sampled, requests: sampled ? load(index, hour) : 0 };
    });
    const requests = hours.reduce((sum, hour) => sum + hour.requests, 0);
    // One request in 20 of each hour failed.
    const errors = hours.reduce((sum, hour) => sum + Math.floor(hour.requests / 20), 0);
    const ready = (options.ready?.[index] ?? []).map(([first, last]): ReadyPeriod => ({ from: from + first * HOUR_MS, to: from + last * HOUR_MS }));
    return { entry, hours, requests, ready, ...(requests > 0 ? { errorShare: errors / requests } : {}) };
  });
  return {
    kind: 'report',
    scope: options.scope ?? 'default',
    period: options.period,
    from,
    to: REPORT_END,
    entries,
    ...(options.simulated === true ? { simulated: true } : {}),
  };
}

/** A day's shape: quiet at night, busy in the afternoon (UTC), different per entry. */
export function dailyLoad(entry: number, hour: number): number {
  const hourOfDay = hour % 24;
  return Math.round((entry + 1) * 40 * (1 + Math.sin(((hourOfDay - 8) / 24) * 2 * Math.PI)));
}
