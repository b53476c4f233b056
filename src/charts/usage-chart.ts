import { svgToPng } from './svg-to-png.ts';
import { dejaVuTextWidth } from './text-width.ts';
import type { EChartsType } from 'echarts';
import { plotArea, usageChartOption, usageChartTitle, type DrawableUsageReport } from './usage-chart-option.ts';

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
    dropPlotAreaClips(chart.getZr().storage, plotArea(USAGE_CHART_SIZE));
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  return svgToPng(svg);
}

type ChartElements = ReturnType<EChartsType['getZr']>['storage'];

/**
 * ECharts clips every line to the plot area, and resvg draws each clip as a mask the size of the
 * picture: most of the time a chart takes to rasterise. Nothing is drawn outside that area anyway
 * (the time axis spans the period, the value axis 0 to the largest count), so the clips that hold
 * the whole plot area are dropped. Smaller ones, such as the scrolling legend's window, stay.
 */
function dropPlotAreaClips(elements: ChartElements, area: { x: number; y: number; width: number; height: number }): void {
  elements.traverse((element) => {
    // Undefined (or null once removed) where nothing clips the element, whatever the type says.
    const clip = element.getClipPath() as ReturnType<typeof element.getClipPath> | null | undefined;
    if (!clip) return;
    const box = clip.getBoundingRect();
    const holdsArea = box.x <= area.x && box.y <= area.y && box.x + box.width >= area.x + area.width && box.y + box.height >= area.y + area.height;
    if (holdsArea) element.removeClipPath();
  });
}

/** The chart with what the platforms send along with it. */
export async function drawUsageChart(report: DrawableUsageReport): Promise<UsageChart> {
  return {
    png: await renderUsageChart(report),
    fileName: `usage-${report.scope.replace(/[^\w.-]+/g, '_')}-${report.period}.png`,
    altText: usageChartTitle(report),
  };
}
