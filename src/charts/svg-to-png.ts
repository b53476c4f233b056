import { createRequire } from 'node:module';
import { CHART_FONT_FAMILY } from './usage-chart-option.ts';

/**
 * The one font charts are drawn with, shipped as an npm dependency: the Docker image has no system
 * fonts, and a font looked up on the machine would draw the same chart differently on each.
 */
const FONT_FILE = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/**
 * Rasterises an SVG to PNG at its own size with resvg, which needs no system library. Loaded on
 * first use, so a pinbot that never draws a chart never loads the native module.
 */
export async function svgToPng(svg: string): Promise<Buffer> {
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(svg, {
    font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    background: '#ffffff',
  });
  return image.asPng();
}
