import { IANAZone } from 'luxon';
import type { ClockTime, ConcreteWindow, ScheduledSwitch, ScheduleSpec, SwitchDirection, Weekday } from './schedule.ts';

/**
 * A schedule's wall-clock windows as instants. Every function takes the time it works from as
 * epoch ms, so the same spec gives the same answers in every process and every test.
 *
 * Wall times that a zone skips or repeats (daylight-saving changes) are resolved one way
 * everywhere: a time that does not exist that day is moved forward by the gap (02:30 on a
 * 02:00→03:00 night is 03:30), and a time that exists twice is its first occurrence.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MINUTES_PER_DAY = 24 * 60;
/** A window starts at most a day and a bit (DST) before it ends, so this far back finds every window that reaches an instant. */
const LOOK_BEHIND = 2 * DAY;
/** A non-continuous weekly schedule has a boundary in any such span, which is why `latestSwitch` looks back this far. */
const LATEST_LOOK_BACK = 9 * DAY;
const OVERLAP_HORIZON = 366 * DAY;
const COST_WEEKS = 4;

/** Whether `zone` is a zone a schedule may name: an IANA zone (`Europe/Paris`) or `UTC`. */
export function isValidZone(zone: string): boolean {
  return zone.toUpperCase() === 'UTC' || IANAZone.isValidZone(zone);
}

/** Every window of `spec` that overlaps `[from, to)`, in order; windows that would overlap each other are one. */
export function windowsBetween(spec: ScheduleSpec, from: number, to: number): ConcreteWindow[] {
  if (!(to > from)) return [];
  const zone = IANAZone.create(spec.zone);
  const days = new Set<number>(spec.days);
  const windows: ConcreteWindow[] = [];
  const startMinute = minuteOfDay(spec.start);
  const endMinute = minuteOfDay(spec.end);
  const endsNextDay = endMinute <= startMinute;
  // Calendar days are counted as UTC dates standing for the zone's local dates.
  for (let date = localDate(zone, from - LOOK_BEHIND); date <= localDate(zone, to); date += DAY) {
    if (!days.has(isoWeekday(date))) continue;
    const start = resolveWallTime(zone, date + startMinute * MINUTE);
    const end = resolveWallTime(zone, date + (endsNextDay ? DAY : 0) + endMinute * MINUTE);
    // A window squeezed to nothing by a skipped hour (02:30–03:00 on a 02:00→03:00 night) does not happen.
    if (end <= start || end <= from || start >= to) continue;
    const previous = windows[windows.length - 1];
    if (previous !== undefined && start < previous.end) {
      windows[windows.length - 1] = { start: previous.start, end: Math.max(previous.end, end) };
    } else {
      windows.push({ start, end });
    }
  }
  return windows;
}

/** The next `count` boundaries strictly after `after`; touching windows are one, so no let-go and ready fall on one instant. */
export function nextSwitches(spec: ScheduleSpec, after: number, count: number): ScheduledSwitch[] {
  if (count <= 0) return [];
  // Every week of a schedule that is not ready all the time has a ready and a let-go.
  const horizon = after + (Math.ceil(count / 2) + 1) * WEEK + DAY;
  return switchesIn(spec, after, horizon).slice(0, count);
}

/** The latest boundary at or before `atOrBefore`, looking back over nine days; undefined when there is none (ready all the time, or no days). */
export function latestSwitch(spec: ScheduleSpec, atOrBefore: number): ScheduledSwitch | undefined {
  const switches = switchesIn(spec, atOrBefore - LATEST_LOOK_BACK, atOrBefore);
  return switches[switches.length - 1];
}

/** `ready` when `at` falls inside a window (its start included, its end not). */
export function stateAt(spec: ScheduleSpec, at: number): SwitchDirection {
  return windowsBetween(spec, at, at + 1).some((window) => window.start <= at && at < window.end) ? 'ready' : 'let-go';
}

/** Whether a window of `a` overlaps a window of `b` in the year from `from`; windows that only touch do not overlap. */
export function windowsOverlap(a: ScheduleSpec, b: ScheduleSpec, from: number): boolean {
  const to = from + OVERLAP_HORIZON;
  const first = windowsBetween(a, from, to);
  const second = windowsBetween(b, from, to);
  let i = 0;
  let j = 0;
  while (i < first.length && j < second.length) {
    const x = first[i];
    const y = second[j];
    if (x === undefined || y === undefined) break;
    if (x.start < y.end && y.start < x.end) return true;
    if (x.end <= y.end) i += 1;
    else j += 1;
  }
  return false;
}

/** The hours a week `spec` keeps its entry ready, averaged over the four weeks from `from`: what a cost estimate multiplies. */
export function readyHoursPerWeek(spec: ScheduleSpec, from: number): number {
  const to = from + COST_WEEKS * WEEK;
  const readyMs = windowsBetween(spec, from, to).reduce((sum, window) => sum + Math.min(window.end, to) - Math.max(window.start, from), 0);
  return readyMs / HOUR / COST_WEEKS;
}

/** Boundaries in `(from, to]`, with touching windows joined; windows are read past both ends so a join across them is seen. */
function switchesIn(spec: ScheduleSpec, from: number, to: number): ScheduledSwitch[] {
  const joined: ConcreteWindow[] = [];
  for (const window of windowsBetween(spec, from - LOOK_BEHIND, to + LOOK_BEHIND)) {
    const previous = joined[joined.length - 1];
    if (previous !== undefined && window.start <= previous.end) {
      joined[joined.length - 1] = { start: previous.start, end: Math.max(previous.end, window.end) };
    } else {
      joined.push(window);
    }
  }
  const inRange = (at: number): boolean => at > from && at <= to;
  return joined.flatMap((window) => [
    ...(inRange(window.start) ? [{ at: window.start, to: 'ready' as const }] : []),
    ...(inRange(window.end) ? [{ at: window.end, to: 'let-go' as const }] : []),
  ]);
}

function minuteOfDay(time: ClockTime): number {
  return Math.min(time.hour * 60 + time.minute, MINUTES_PER_DAY);
}

/** The zone's calendar date at `instant`, as the epoch ms of that date's UTC midnight. */
function localDate(zone: IANAZone, instant: number): number {
  const wall = instant + zone.offset(instant) * MINUTE;
  return wall - (((wall % DAY) + DAY) % DAY);
}

/** ISO weekday of a date held as its UTC midnight. */
function isoWeekday(date: number): Weekday {
  return ((((new Date(date).getUTCDay() + 6) % 7) + 1) as Weekday);
}

/**
 * The instant of a wall time, given as epoch ms of that wall time read as if it were UTC. Of the
 * offsets in force a day either side, those that give back this wall time are its occurrences:
 * the earliest is taken. When none does, the wall time is in a gap, and reading it with the offset
 * from before the gap moves it forward by the gap's length.
 */
function resolveWallTime(zone: IANAZone, wall: number): number {
  const before = zone.offset(wall - DAY);
  const after = zone.offset(wall + DAY);
  const occurrences = [before, after].map((offset) => wall - offset * MINUTE).filter((instant) => instant + zone.offset(instant) * MINUTE === wall);
  return occurrences.length > 0 ? Math.min(...occurrences) : wall - before * MINUTE;
}
