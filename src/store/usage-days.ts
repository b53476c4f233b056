/** A UTC day, the span of one `usage_days` row. */
export const DAY_MS = 86_400_000;

/** The start of the UTC day `at` falls in. */
export function dayOf(at: number): number {
  return at - (at % DAY_MS);
}

/** A stretch of time, `from` included, `to` not. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/**
 * `[from, to)` as the whole UTC days within it (read as daily sums) and the stretches at either
 * end that are not a whole day (read hour by hour). Together they cover it exactly once.
 */
export function splitIntoDays(from: number, to: number): { days?: Span; edges: Span[] } {
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const lastDayEnd = dayOf(to);
  if (firstDay >= lastDayEnd) return { edges: to > from ? [{ from, to }] : [] };
  const edges = [{ from, to: firstDay }, { from: lastDayEnd, to }].filter((edge) => edge.to > edge.from);
  return { days: { from: firstDay, to: lastDayEnd }, edges };
}
