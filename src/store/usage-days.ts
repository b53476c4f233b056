/** A UTC day, the span of one `usage_days` row. */
export const DAY_MS = 86_400_000;

/** The start of the UTC day `at` falls in. */
export function dayOf(at: number): number {
  return at - (at % DAY_MS);
}

/**
 * The time from `from` on as the UTC days that start within it (read as daily sums, today's too:
 * it holds no hour yet to come) and the hours before the first of them (read hour by hour).
 */
export function splitIntoDays(from: number): { firstDay: number; hoursBefore?: { from: number; to: number } } {
  const firstDay = Math.ceil(from / DAY_MS) * DAY_MS;
  return firstDay > from ? { firstDay, hoursBefore: { from, to: firstDay } } : { firstDay };
}
