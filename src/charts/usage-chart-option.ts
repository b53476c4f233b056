import type { EChartsOption, LineSeriesOption } from 'echarts';
import type { EntryUsage, ReadyPeriod, UsagePeriod, UsageReport } from '../core/domain/usage.ts';

/** A usage report with something to draw. */
export type DrawableUsageReport = Extract<UsageReport, { kind: 'report' }>;

/** The family every text of the chart is set in; the only font the renderer loads (svg-to-png.ts). */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

/** Line colours, one per entry in order; its kept-ready shading is the same colour, faint. */
const PALETTE = ['#3b6fd4', '#d9822b', '#2e9e6a', '#c2405a', '#7a5cc7', '#8c6d1f', '#1f9bb0', '#b54fa3', '#5f6b7a'] as const;
const READY_OPACITY = 0.13;
/** Room around the plot area for the title, the legend and the axis labels, in pixels. */
const GRID = { top: 120, left: 64, right: 36, bottom: 48 } as const;

const PERIOD_WORDS: Record<UsagePeriod, string> = {
  '24h': 'last 24 hours',
  '7d': 'last 7 days',
  '30d': 'last 30 days',
};

/**
 * The chart's title: what is counted, the scope and the period; made-up hours and a period with
 * no request at all say so here, where nobody can miss it.
 */
export function usageChartTitle(report: DrawableUsageReport): string {
  const simulated = report.simulated === true ? ' (simulated)' : '';
  const empty = hasRequests(report) ? '' : ' — no requests';
  return `Requests per hour${simulated}, scope ${report.scope}, ${PERIOD_WORDS[report.period]}${empty}`;
}

/** The line under the title: the exact period in UTC, and what the shading means. */
export function usageChartSubtitle(report: DrawableUsageReport): string {
  const shaded = report.entries.some((entry) => entry.ready.length > 0) ? ' · shaded: kept ready' : '';
  const listed = report.others !== undefined ? ` · the ${report.entries.length} costliest or busiest of ${(report.entries.length + report.others.count).toLocaleString('en-US')}` : '';
  return `${utcMinute(report.from)} to ${utcMinute(report.to)} UTC${shaded}${listed}`;
}

/**
 * What ECharts draws for a report: one line per entry (requests per hour, all status classes
 * together), its kept-ready periods shaded in its colour, hours labelled in UTC. Hours no sample
 * covered are left as gaps rather than drawn as idle.
 */
export function usageChartOption(report: DrawableUsageReport): EChartsOption {
  const series = report.entries.map((entry, index) => entrySeries(entry, PALETTE[index % PALETTE.length] ?? PALETTE[0], report));
  return {
    animation: false,
    useUTC: true,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    color: [...PALETTE],
    title: {
      text: usageChartTitle(report),
      subtext: usageChartSubtitle(report),
      left: 'center',
      top: 12,
      textStyle: { fontSize: 18, fontWeight: 'normal', color: '#1f2329' },
      subtextStyle: { fontSize: 12, color: '#5f6b7a' },
    },
    legend: { type: 'scroll', top: 68, left: 'center', data: report.entries.map((entry) => entry.entry) },
    grid: { ...GRID },
    xAxis: {
      type: 'time',
      min: report.from,
      max: report.to,
      axisLabel: {
        hideOverlap: true,
        formatter: { year: '{d} {MMM}', month: '{d} {MMM}', day: '{d} {MMM}', hour: '{HH}:{mm}', minute: '{HH}:{mm}' },
      },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      name: 'requests / hour',
      nameTextStyle: { align: 'left' },
      min: 0,
      minInterval: 1,
      ...(hasRequests(report) ? {} : { max: 1 }),
    },
    series,
  };
}

/** Where the lines are drawn in a picture of `size`. */
export function plotArea(size: { readonly width: number; readonly height: number }): { x: number; y: number; width: number; height: number } {
  return { x: GRID.left, y: GRID.top, width: size.width - GRID.left - GRID.right, height: size.height - GRID.top - GRID.bottom };
}

function entrySeries(entry: EntryUsage, color: string, report: DrawableUsageReport): LineSeriesOption {
  const ready = entry.ready.flatMap((period) => clamp(period, report.from, report.to));
  return {
    type: 'line',
    name: entry.entry,
    color,
    showSymbol: entry.hours.length <= 48,
    symbolSize: 4,
    lineStyle: { width: 1.6 },
    connectNulls: false,
    data: entry.hours.map((hour) => [hour.hour, hour.sampled ? hour.requests : null]),
    ...(ready.length > 0
      ? {
        markArea: {
          silent: true,
          itemStyle: { color, opacity: READY_OPACITY },
          data: ready.map((period): [{ xAxis: number }, { xAxis: number }] => [{ xAxis: period.from }, { xAxis: period.to }]),
        },
      }
      : {}),
  };
}

function hasRequests(report: DrawableUsageReport): boolean {
  return report.entries.some((entry) => entry.requests > 0);
}

/** The part of `period` inside the report's period, if any. */
function clamp(period: ReadyPeriod, from: number, to: number): ReadyPeriod[] {
  const start = Math.max(period.from, from);
  const end = Math.min(period.to, to);
  return end > start ? [{ from: start, to: end }] : [];
}

function utcMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ');
}
