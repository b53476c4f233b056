/** Eight heights, lowest first. */
const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * One block per value, for a trend read at a glance in plain text (hourly requests in a table).
 * Heights run from zero, or from the lowest value when one is negative, to the highest; any value
 * above that floor is drawn above the lowest block, so an hour with a single request never looks
 * like an idle one. A value that is not a finite number is drawn as the floor.
 */
export function sparkline(values: readonly number[]): string {
  const finite = values.filter((value) => Number.isFinite(value));
  const floor = Math.min(0, ...finite);
  const top = Math.max(floor, ...finite);
  const span = top - floor;
  return values
    .map((value) => {
      if (!Number.isFinite(value) || value <= floor || span === 0) return BLOCKS[0];
      const level = Math.max(1, Math.ceil(((value - floor) / span) * (BLOCKS.length - 1)));
      return BLOCKS[level] ?? BLOCKS[BLOCKS.length - 1];
    })
    .join('');
}
