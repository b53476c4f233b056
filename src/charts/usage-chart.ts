import { svgToPng } from './svg-to-png.ts';
import { dejaVuTextWidth } from './text-width.ts';
import { usageChartOption, usageChartTitle, type DrawableUsageReport } from './usage-chart-option.ts';

export type { DrawableUsageReport } from './usage-chart-option.ts';

/** The picture's size in pixels: wide enough for 720 hourly points, small enough for a chat preview. */
export const USAGE_CHART_SIZE = { width: 1000, height: 500 } as const;

/** A drawn usage chart: the PNG, a file name, and a sentence for screen readers and previews. */
export interface UsageChart {
  readonly png: Buffer;
  readonly fileName: string;
  readonly altText: string;
}

/**
 * Draws a usage report as a PNG: ECharts renders SVG on the server (no DOM, no canvas), resvg
 * rasterises it with the bundled font. ECharts is loaded on the first chart only, so processes
 * that never draw one do not carry it.
 */
export async function renderUsageChart(report: DrawableUsageReport): Promise<Buffer> {
  const echarts = await import('echarts');
  echarts.setPlatformAPI({ measureText: (text, font) => ({ width: dejaVuTextWidth(text, font) }) });
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...USAGE_CHART_SIZE });
  let svg: string;
  try {
    chart.setOption(usageChartOption(report));
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  return svgToPng(svg);
}

/** The chart with what the platforms send along with it. */
export async function drawUsageChart(report: DrawableUsageReport): Promise<UsageChart> {
  return {
    png: await renderUsageChart(report),
    fileName: `usage-${report.scope.replace(/[^\w.-]+/g, '_')}-${report.period}.png`,
    altText: usageChartTitle(report),
  };
}
