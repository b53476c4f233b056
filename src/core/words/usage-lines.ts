import type { EntryUsage, OtherEntriesUsage, UsagePeriod, UsageReport } from '../domain/usage.ts';
import { code, strong, text, type Line } from '../domain/ui.ts';
import { formatTime } from './format-time.ts';
import { sparkline } from './sparkline.ts';

const HOUR_MS = 3_600_000;
/** Shown for a stretch with no sample at all, so that "not measured" never reads as "no requests". */
const UNSAMPLED = '·';

/** How many hours one character of the sparkline stands for, so each period fits one line. */
const SPARK_HOURS: Readonly<Record<UsagePeriod, { readonly hours: number; readonly per: string }>> = {
  '24h': { hours: 1, per: 'per hour' },
  '7d': { hours: 4, per: 'per 4 hours' },
  '30d': { hours: 24, per: 'per day' },
};

/** How the lines name the scope's things and write a command (`/pins `). */
export interface UsageWording {
  readonly thing: string;
  readonly commandPrefix: string;
}

/**
 * `usage` as text lines: per entry listed its requests, error share, ready time and cost, and a
 * sparkline; the entries not listed added up on one line, with how to see any one of them.
 */
export function usageLines(report: UsageReport, wording: UsageWording): Line[] {
  if (report.kind === 'unavailable') return [[text(report.reason)]];
  const spark = SPARK_HOURS[report.period];
  const lines: Line[] = [
    [strong(`Usage in scope ${report.scope}`), text(` — last ${report.period}, ${formatTime(report.from)} to ${formatTime(report.to)}`)],
  ];
  if (report.simulated === true) lines.push([text('These figures are simulated for the sandbox; they are not real traffic.')]);
  if (report.entries.length === 0) return [...lines, [text('Nothing to report: no entries, and no usage kept.')]];
  for (const entry of report.entries) {
    lines.push([text('• '), code(entry.entry), text(` — ${entrySummary(entry)}`)]);
    lines.push([text(`  ${entrySparkline(entry, spark.hours)}  requests ${spark.per}, oldest first (${UNSAMPLED} not sampled)`)]);
  }
  if (report.others !== undefined) {
    const { thing, commandPrefix } = wording;
    lines.push([text('• '), strong(`${count(report.others.count)} more ${thing}${report.others.count === 1 ? '' : 's'}`), text(` — ${othersSummary(report.others)}`)]);
    lines.push([
      text(`Listed: the ${report.entries.length} that cost most over the period, then the busiest. `),
      code(`${commandPrefix}usage <${thing}> ${report.period}`),
      text(' shows any one.'),
    ]);
  }
  return lines;
}

function othersSummary(others: OtherEntriesUsage): string {
  const parts = [`${count(others.requests)} request${others.requests === 1 ? '' : 's'} together`];
  if (others.errorShare !== undefined) parts.push(`${percent(others.errorShare)} errors`);
  const cost = [others.readyHours > 0 ? `kept ready ${others.readyHours.toFixed(1)} h in all` : 'none kept ready'];
  if (others.readyHours > 0) cost.push(others.cost !== undefined ? `cost ${dollars(others.cost)}` : 'cost unknown (a price is missing)');
  return `${parts.join(', ')}; ${cost.join(', ')}`;
}

function entrySummary(entry: EntryUsage): string {
  const sampled = entry.hours.some((hour) => hour.sampled);
  const parts = [sampled ? `${count(entry.requests)} request${entry.requests === 1 ? '' : 's'}` : 'no requests sampled yet'];
  if (entry.errorShare !== undefined) parts.push(`${percent(entry.errorShare)} errors`);
  const readyHours = entry.ready.reduce((sum, period) => sum + (period.to - period.from), 0) / HOUR_MS;
  const cost = [readyHours > 0 ? `kept ready ${readyHours.toFixed(1)} h` : 'not kept ready'];
  if (entry.cost !== undefined && readyHours > 0) cost.push(`cost ${dollars(entry.cost)}`);
  // Not kept ready costs nothing pinbot can measure (time woken on demand is not sampled): no $0.00 per 1,000.
  if (entry.costPer1000 !== undefined && readyHours > 0) cost.push(`${dollars(entry.costPer1000)} per 1,000 requests`);
  return `${parts.join(', ')}; ${cost.join(', ')}`;
}

/** One character per `hoursPer` hours: the height of its requests against the busiest, `·` where nothing was sampled. */
export function entrySparkline(entry: Pick<EntryUsage, 'hours'>, hoursPer = 1): string {
  const buckets: { requests: number; sampled: boolean }[] = [];
  entry.hours.forEach((hour, index) => {
    const at = Math.floor(index / hoursPer);
    const bucket = buckets[at] ?? { requests: 0, sampled: false };
    buckets[at] = { requests: bucket.requests + hour.requests, sampled: bucket.sampled || hour.sampled };
  });
  const drawn = [...sparkline(buckets.map((bucket) => bucket.requests))];
  return buckets.map((bucket, index) => (bucket.sampled ? drawn[index] ?? '' : UNSAMPLED)).join('');
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function percent(share: number): string {
  return `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : 1)}%`;
}

function dollars(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
