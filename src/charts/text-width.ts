/**
 * How wide text is in DejaVu Sans, the font charts are drawn with, so that ECharts lays out the
 * legend, the title and the axis labels for the glyphs resvg will draw. Without it ECharts guesses
 * from Helvetica's widths, about a tenth narrower, and legend items overlap.
 */

/** Advance widths of U+0020 to U+007E in thousandths of an em, read from DejaVuSans.ttf 2.37 (hmtx). */
const ASCII_WIDTHS = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
  636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
  1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
  603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
  500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
  635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
] as const;

/** Other characters the chart's own words use. */
const OTHER_WIDTHS: Readonly<Record<string, number>> = { '—': 1000, '–': 500, '·': 318, '’': 318, '…': 1000, '•': 590 };

/** Anything else: CJK and other wide scripts take a full em, the rest about an average letter. */
const WIDE_FROM = 0x2e80;
const WIDE = 1000;
const AVERAGE = 640;
const DEFAULT_FONT_SIZE = 12;

/** The width in pixels of `text` set in `font` (a CSS font shorthand, as ECharts passes it). */
export function dejaVuTextWidth(text: string, font: string | undefined): number {
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(font ?? '')?.[1] ?? DEFAULT_FONT_SIZE);
  let thousandths = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    thousandths += ASCII_WIDTHS[code - 0x20] ?? OTHER_WIDTHS[char] ?? (code >= WIDE_FROM ? WIDE : AVERAGE);
  }
  return (thousandths / 1000) * size;
}
