import type { Pin } from '../domain/pin.ts';
import type { ReadyPeriod } from '../domain/usage.ts';
import type { ChangeRecord } from '../ports.ts';

/** A stretch during which an entry was kept ready with one setting. */
export interface ReadySegment extends ReadyPeriod {
  readonly pin: Pin;
}

/**
 * When `entry` was kept ready within `[from, to)`, from the scope's applied changes and its state
 * now: before the oldest change, what that change found; between two changes, what the earlier one
 * left; since the newest, the state read now (which includes changes made outside pinbot since).
 * Changes older than those given are not known, so the oldest one's `before` stands for all earlier time.
 */
export function readySegments(entry: string, changes: readonly ChangeRecord[], now: readonly Pin[], from: number, to: number): ReadySegment[] {
  return readySegmentsByEntry(changes, now, from, to).get(entry) ?? [];
}

/** `readySegments` of every entry kept ready at some time in `[from, to)`, in one pass over the changes. */
export function readySegmentsByEntry(changes: readonly ChangeRecord[], now: readonly Pin[], from: number, to: number): Map<string, ReadySegment[]> {
  const ordered = [...changes].sort((a, b) => a.appliedAt - b.appliedAt);
  const stretches: { from: number; to: number; pins: readonly Pin[] }[] = [];
  let start = Number.NEGATIVE_INFINITY;
  let state: readonly Pin[] | undefined = ordered[0]?.before;
  for (const change of ordered) {
    if (state !== undefined) stretches.push({ from: start, to: change.appliedAt, pins: state });
    start = change.appliedAt;
    state = change.after;
  }
  stretches.push({ from: start, to: Number.POSITIVE_INFINITY, pins: now });

  const segments = new Map<string, ReadySegment[]>();
  for (const stretch of stretches) {
    const clipped = { from: Math.max(stretch.from, from), to: Math.min(stretch.to, to) };
    if (clipped.to <= clipped.from) continue;
    for (const pin of stretch.pins) {
      const own = segments.get(pin.modelId);
      if (own === undefined) segments.set(pin.modelId, [{ ...clipped, pin }]);
      // An entry listed twice in one state counts once, as the first of it.
      else if (own.at(-1)?.from !== clipped.from) own.push({ ...clipped, pin });
    }
  }
  return segments;
}

/** The segments as periods, with touching ones joined (a change of setting is not a gap). */
export function readyPeriods(segments: readonly ReadySegment[]): ReadyPeriod[] {
  const periods: ReadyPeriod[] = [];
  for (const { from, to } of segments) {
    const last = periods.at(-1);
    if (last !== undefined && last.to >= from) periods[periods.length - 1] = { from: last.from, to: Math.max(last.to, to) };
    else periods.push({ from, to });
  }
  return periods;
}
