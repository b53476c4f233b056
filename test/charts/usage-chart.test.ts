import { describe, expect, it } from 'vitest';
import { renderUsageChart, USAGE_CHART_SIZE } from '../../src/charts/usage-chart.ts';
import { usageChartOption, usageChartSubtitle, usageChartTitle } from '../../src/charts/usage-chart-option.ts';
import { readPng } from '../helpers/png.ts';
import { dailyLoad, handBuiltReport } from '../helpers/usage-reports.ts';

const MODELS = ['meta-llama/Llama-3.1-8B-Instruct', 'BAAI/bge-small-en-v1.5', 'openai/whisper-large-v3'];

/** A PNG of a real chart, with lines, shading and text, is tens of kilobytes; a blank one is a few. */
const DRAWN_BYTES = { min: 15_000, max: 600_000 };

describe('usage chart: a report drawn as a PNG', () => {
  it('draws a day of hourly requests as a PNG of the chart size', async () => {
    const report = handBuiltReport({ period: '24h', entries: MODELS, load: dailyLoad, ready: { 0: [[2, 20]], 1: [[0, 24]] } });

    const png = await renderUsageChart(report);

    expect(readPng(png)).toMatchObject(USAGE_CHART_SIZE);
    expect(png.length).toBeGreaterThan(DRAWN_BYTES.min);
    expect(png.length).toBeLessThan(DRAWN_BYTES.max);
  });

  it('draws a week of hourly requests as a PNG of the chart size', async () => {
    const report = handBuiltReport({ period: '7d', entries: MODELS.slice(0, 2), load: dailyLoad, ready: { 0: [[10, 60], [100, 168]] } });

    const png = await renderUsageChart(report);

    expect(readPng(png)).toMatchObject(USAGE_CHART_SIZE);
    expect(png.length).toBeGreaterThan(DRAWN_BYTES.min);
  });

  it('draws an empty period with axes and a title that says there were no requests', async () => {
    const report = handBuiltReport({ period: '24h', entries: MODELS.slice(0, 1) });

    const png = await renderUsageChart(report);

    expect(readPng(png)).toMatchObject(USAGE_CHART_SIZE);
    expect(usageChartTitle(report)).toBe('Requests per hour, scope default, last 24 hours — no requests');
  });

  it('draws a report with no entries at all', async () => {
    const report = handBuiltReport({ period: '30d', entries: [] });

    expect(readPng(await renderUsageChart(report))).toMatchObject(USAGE_CHART_SIZE);
    expect(usageChartTitle(report)).toContain('no requests');
  });
});

describe('usage chart: what it says', () => {
  it('names what is counted, the scope and the period in the title', () => {
    const report = handBuiltReport({ period: '7d', entries: MODELS, load: dailyLoad, scope: 'research' });

    expect(usageChartTitle(report)).toBe('Requests per hour, scope research, last 7 days');
  });

  it('labels made-up hours as simulated in the title', () => {
    const report = handBuiltReport({ period: '24h', entries: MODELS, load: dailyLoad, simulated: true });

    expect(usageChartTitle(report)).toBe('Requests per hour (simulated), scope default, last 24 hours');
  });

  it('gives the exact period in UTC, and explains the shading only when something was kept ready', () => {
    const warm = handBuiltReport({ period: '24h', entries: MODELS, load: dailyLoad, ready: { 2: [[0, 3]] } });
    const cold = handBuiltReport({ period: '24h', entries: MODELS, load: dailyLoad });

    expect(usageChartSubtitle(warm)).toBe('2026-09-13 12:00 to 2026-09-14 12:00 UTC · shaded: kept ready');
    expect(usageChartSubtitle(cold)).toBe('2026-09-13 12:00 to 2026-09-14 12:00 UTC');
  });

  it('draws one line per entry, all status classes together, with hours nobody sampled left as gaps', () => {
    const report = handBuiltReport({ period: '24h', entries: MODELS.slice(0, 1), load: () => 40, unsampled: [5] });

    const series = seriesOf(usageChartOption(report));

    expect(series).toHaveLength(1);
    expect(series[0]?.name).toBe(MODELS[0]);
    const values = (series[0]?.data as [number, number | null][]).map(([, value]) => value);
    expect(values[4]).toBe(40);
    expect(values[5]).toBeNull();
  });

  it('shades each kept-ready period, cut to the report’s period', () => {
    const report = handBuiltReport({ period: '24h', entries: MODELS.slice(0, 1), load: dailyLoad, ready: { 0: [[-5, 3], [10, 12], [30, 40]] } });

    const areas = (seriesOf(usageChartOption(report))[0]?.markArea as { data: [{ xAxis: number }, { xAxis: number }][] }).data;

    expect(areas.map(([start, end]) => [start.xAxis, end.xAxis])).toEqual([
      [report.from, report.from + 3 * 3_600_000],
      [report.from + 10 * 3_600_000, report.from + 12 * 3_600_000],
    ]);
  });

  it('labels hours and days in UTC', () => {
    const option = usageChartOption(handBuiltReport({ period: '24h', entries: MODELS, load: dailyLoad }));

    expect(option.useUTC).toBe(true);
  });
});

function seriesOf(option: ReturnType<typeof usageChartOption>): Record<string, unknown>[] {
  return (Array.isArray(option.series) ? option.series : [option.series]) as Record<string, unknown>[];
}
