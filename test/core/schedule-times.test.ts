import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ScheduleSpec, Weekday } from '../../src/core/domain/schedule.ts';
import {
  isValidZone,
  latestSwitch,
  nextSwitches,
  readyHoursPerWeek,
  stateAt,
  windowsBetween,
  windowsOverlap,
} from '../../src/core/domain/schedule-times.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5];
const EVERY_DAY: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 7];

/** A spec from `HH:MM` strings; the entry does not matter to the time rules. */
function spec(days: readonly Weekday[], start: string, end: string, zone: string): ScheduleSpec {
  const time = (text: string): { hour: number; minute: number } => {
    const [hour = '0', minute = '0'] = text.split(':');
    return { hour: Number(hour), minute: Number(minute) };
  };
  return { entry: 'gpt2', days, start: time(start), end: time(end), zone };
}

/** The one window of `s` that starts within the UTC day of `date`. */
function windowStartingOn(s: ScheduleSpec, date: number): { start: number; end: number } {
  const windows = windowsBetween(s, date, date + DAY).filter((window) => window.start >= date);
  expect(windows).toHaveLength(1);
  return windows[0] ?? { start: 0, end: 0 };
}

// The 2026 changes: Paris 29 Mar 02:00→03:00 and 25 Oct 03:00→02:00 (both 01:00 UTC);
// New York 8 Mar 02:00→03:00 (07:00 UTC) and 1 Nov 02:00→01:00 (06:00 UTC). All are Sundays (7).
const PARIS_SPRING = Date.UTC(2026, 2, 29);
const PARIS_AUTUMN = Date.UTC(2026, 9, 25);
const NEW_YORK_SPRING = Date.UTC(2026, 2, 8);
const NEW_YORK_AUTUMN = Date.UTC(2026, 10, 1);

describe('wall times a daylight-saving change skips or repeats', () => {
  it('moves a Paris start that does not exist forward by the gap: 02:30 on 29 March is 03:30 CEST', () => {
    const window = windowStartingOn(spec([7], '02:30', '05:00', 'Europe/Paris'), PARIS_SPRING);
    expect(window).toEqual({ start: Date.UTC(2026, 2, 29, 1, 30), end: Date.UTC(2026, 2, 29, 3, 0) });
  });

  it('moves a New York start that does not exist forward by the gap: 02:30 on 8 March is 03:30 EDT', () => {
    const window = windowStartingOn(spec([7], '02:30', '04:00', 'America/New_York'), NEW_YORK_SPRING);
    expect(window).toEqual({ start: Date.UTC(2026, 2, 8, 7, 30), end: Date.UTC(2026, 2, 8, 8, 0) });
  });

  it('moves an end that does not exist forward too: 01:00–02:30 in Paris ends at 03:30 CEST', () => {
    const window = windowStartingOn(spec([7], '01:00', '02:30', 'Europe/Paris'), PARIS_SPRING);
    expect(window).toEqual({ start: Date.UTC(2026, 2, 29, 0, 0), end: Date.UTC(2026, 2, 29, 1, 30) });
  });

  it('takes the first occurrence of a Paris time that exists twice: 02:30 on 25 October is 02:30 CEST', () => {
    const window = windowStartingOn(spec([7], '02:30', '04:00', 'Europe/Paris'), PARIS_AUTUMN);
    expect(window).toEqual({ start: Date.UTC(2026, 9, 25, 0, 30), end: Date.UTC(2026, 9, 25, 3, 0) });
  });

  it('takes the first occurrence of a New York time that exists twice: 01:30 on 1 November is 01:30 EDT', () => {
    const window = windowStartingOn(spec([7], '01:30', '03:00', 'America/New_York'), NEW_YORK_AUTUMN);
    expect(window).toEqual({ start: Date.UTC(2026, 10, 1, 5, 30), end: Date.UTC(2026, 10, 1, 8, 0) });
  });

  it('takes the first occurrence for an end that exists twice as well: 00:00–01:30 in New York ends at 01:30 EDT', () => {
    const window = windowStartingOn(spec([7], '00:00', '01:30', 'America/New_York'), NEW_YORK_AUTUMN);
    expect(window).toEqual({ start: Date.UTC(2026, 10, 1, 4, 0), end: Date.UTC(2026, 10, 1, 5, 30) });
  });

  it('drops a window the gap squeezes to nothing: 02:15–03:00 on the Paris spring night', () => {
    const s = spec([7], '02:15', '03:00', 'Europe/Paris');
    expect(windowsBetween(s, PARIS_SPRING - DAY, PARIS_SPRING + DAY)).toEqual([]);
    expect(windowsBetween(s, PARIS_SPRING + 6 * DAY, PARIS_SPRING + 8 * DAY)).toEqual([
      { start: Date.UTC(2026, 3, 5, 0, 15), end: Date.UTC(2026, 3, 5, 1, 0) },
    ]);
  });
});

describe('window lengths across a change', () => {
  it('keeps 09:00–17:00 eight real hours on both sides of each change, in Paris and New York', () => {
    for (const [zone, change] of [
      ['Europe/Paris', PARIS_SPRING],
      ['Europe/Paris', PARIS_AUTUMN],
      ['America/New_York', NEW_YORK_SPRING],
      ['America/New_York', NEW_YORK_AUTUMN],
    ] as const) {
      const windows = windowsBetween(spec(EVERY_DAY, '09:00', '17:00', zone), change - DAY, change + 2 * DAY);
      expect(windows).toHaveLength(3);
      expect(windows.map((window) => (window.end - window.start) / HOUR)).toEqual([8, 8, 8]);
    }
  });

  it('moves the UTC instants of 09:00 by the hour the zone moved', () => {
    const [saturday, sunday] = windowsBetween(spec(EVERY_DAY, '09:00', '17:00', 'Europe/Paris'), PARIS_SPRING - DAY, PARIS_SPRING + DAY);
    expect(saturday?.start).toBe(Date.UTC(2026, 2, 28, 8, 0));
    expect(sunday?.start).toBe(Date.UTC(2026, 2, 29, 7, 0));
  });

  it('gives an overnight 22:00–06:00 window seven real hours on the spring night and nine on the autumn night', () => {
    const paris = spec([6], '22:00', '06:00', 'Europe/Paris');
    expect(windowStartingOn(paris, PARIS_SPRING - DAY)).toEqual({ start: Date.UTC(2026, 2, 28, 21, 0), end: Date.UTC(2026, 2, 29, 4, 0) });
    const autumn = windowStartingOn(paris, PARIS_AUTUMN - DAY);
    expect((autumn.end - autumn.start) / HOUR).toBe(9);
    const newYork = spec([6], '22:00', '06:00', 'America/New_York');
    const nySpring = windowsBetween(newYork, NEW_YORK_SPRING - DAY, NEW_YORK_SPRING + DAY);
    expect(nySpring).toEqual([{ start: Date.UTC(2026, 2, 8, 3, 0), end: Date.UTC(2026, 2, 8, 10, 0) }]);
    const nyAutumn = windowsBetween(newYork, NEW_YORK_AUTUMN - DAY, NEW_YORK_AUTUMN + DAY);
    expect(nyAutumn.map((window) => (window.end - window.start) / HOUR)).toEqual([9]);
  });
});

describe('days, overnight windows and midnight', () => {
  it('lists windows that overlap the range in order, including one that began before it', () => {
    // Mon 5 Jan 2026 … Sun 11 Jan; a window from Sunday 4 Jan 22:00 reaches into Monday.
    const s = spec(EVERY_DAY, '22:00', '02:00', 'UTC');
    const windows = windowsBetween(s, Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 6));
    expect(windows).toEqual([
      { start: Date.UTC(2026, 0, 4, 22), end: Date.UTC(2026, 0, 5, 2) },
      { start: Date.UTC(2026, 0, 5, 22), end: Date.UTC(2026, 0, 6, 2) },
    ]);
  });

  it('reads days as the days a window starts on: a Friday overnight window ends on Saturday', () => {
    const s = spec([5], '22:00', '06:00', 'UTC');
    expect(windowsBetween(s, Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 12))).toEqual([
      { start: Date.UTC(2026, 0, 9, 22), end: Date.UTC(2026, 0, 10, 6) },
    ]);
  });

  it('takes a wrapping range fri-mon as Friday, Saturday, Sunday and Monday', () => {
    const s = spec([1, 5, 6, 7], '09:00', '17:00', 'UTC');
    const starts = windowsBetween(s, Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 12)).map((window) => new Date(window.start).getUTCDate());
    expect(starts).toEqual([5, 9, 10, 11]);
  });

  it('ends a 24:00 window at the midnight that ends its day', () => {
    const s = spec([1], '18:00', '24:00', 'Europe/Paris');
    expect(windowsBetween(s, Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 6))).toEqual([
      { start: Date.UTC(2026, 0, 5, 17), end: Date.UTC(2026, 0, 5, 23) },
    ]);
  });

  it('has no windows for no days, and none in an empty range', () => {
    expect(windowsBetween(spec([], '09:00', '17:00', 'UTC'), Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1))).toEqual([]);
    expect(windowsBetween(spec(EVERY_DAY, '09:00', '17:00', 'UTC'), Date.UTC(2026, 0, 5), Date.UTC(2026, 0, 5))).toEqual([]);
  });
});

describe('switches', () => {
  const office = spec(WEEKDAYS, '09:00', '17:00', 'Europe/Paris');
  const wednesdayNoon = Date.UTC(2026, 0, 7, 11);

  it('lists the next boundaries strictly after an instant, ready at starts and let-go at ends', () => {
    expect(nextSwitches(office, wednesdayNoon, 3)).toEqual([
      { at: Date.UTC(2026, 0, 7, 16), to: 'let-go' },
      { at: Date.UTC(2026, 0, 8, 8), to: 'ready' },
      { at: Date.UTC(2026, 0, 8, 16), to: 'let-go' },
    ]);
    expect(nextSwitches(office, Date.UTC(2026, 0, 8, 8), 1)).toEqual([{ at: Date.UTC(2026, 0, 8, 16), to: 'let-go' }]);
    expect(nextSwitches(office, wednesdayNoon, 0)).toEqual([]);
  });

  it('gives as many switches as asked, weeks ahead', () => {
    const switches = nextSwitches(spec([1], '09:00', '10:00', 'UTC'), Date.UTC(2026, 0, 5, 12), 10);
    expect(switches).toHaveLength(10);
    expect(switches[9]).toEqual({ at: Date.UTC(2026, 1, 9, 10), to: 'let-go' });
  });

  it('joins touching windows: mon-fri 00:00–24:00 is ready Monday 00:00 and let go Saturday 00:00, nothing between', () => {
    const s = spec(WEEKDAYS, '00:00', '24:00', 'UTC');
    expect(nextSwitches(s, Date.UTC(2026, 0, 3), 3)).toEqual([
      { at: Date.UTC(2026, 0, 5), to: 'ready' },
      { at: Date.UTC(2026, 0, 10), to: 'let-go' },
      { at: Date.UTC(2026, 0, 12), to: 'ready' },
    ]);
    expect(latestSwitch(s, Date.UTC(2026, 0, 7))).toEqual({ at: Date.UTC(2026, 0, 5), to: 'ready' });
  });

  it('joins overnight windows that touch: sat,sun 12:00–12:00 is one window from Saturday noon to Monday noon', () => {
    const s = spec([6, 7], '12:00', '12:00', 'America/New_York');
    expect(nextSwitches(s, Date.UTC(2026, 0, 6), 2)).toEqual([
      { at: Date.UTC(2026, 0, 10, 17), to: 'ready' },
      { at: Date.UTC(2026, 0, 12, 17), to: 'let-go' },
    ]);
  });

  it('has no switches when the windows touch all week round, and is always ready then', () => {
    const always = spec(EVERY_DAY, '00:00', '24:00', 'Europe/Paris');
    expect(nextSwitches(always, PARIS_SPRING, 4)).toEqual([]);
    expect(latestSwitch(always, PARIS_SPRING)).toBeUndefined();
    expect(stateAt(always, PARIS_SPRING + 90 * 60_000)).toBe('ready');
  });

  it('finds the latest boundary at or before an instant, over a weekend too', () => {
    expect(latestSwitch(office, wednesdayNoon)).toEqual({ at: Date.UTC(2026, 0, 7, 8), to: 'ready' });
    expect(latestSwitch(office, Date.UTC(2026, 0, 7, 8))).toEqual({ at: Date.UTC(2026, 0, 7, 8), to: 'ready' });
    expect(latestSwitch(office, Date.UTC(2026, 0, 11, 20))).toEqual({ at: Date.UTC(2026, 0, 9, 16), to: 'let-go' });
    expect(latestSwitch(spec([1], '09:00', '10:00', 'UTC'), Date.UTC(2026, 0, 12, 8))).toEqual({ at: Date.UTC(2026, 0, 5, 10), to: 'let-go' });
    expect(latestSwitch(spec([], '09:00', '10:00', 'UTC'), Date.UTC(2026, 0, 12, 8))).toBeUndefined();
  });

  it('is ready from a start, included, to an end, excluded', () => {
    expect(stateAt(office, Date.UTC(2026, 0, 7, 8) - 1)).toBe('let-go');
    expect(stateAt(office, Date.UTC(2026, 0, 7, 8))).toBe('ready');
    expect(stateAt(office, Date.UTC(2026, 0, 7, 16) - 1)).toBe('ready');
    expect(stateAt(office, Date.UTC(2026, 0, 7, 16))).toBe('let-go');
  });
});

describe('stateAt, latestSwitch and nextSwitches agree with windowsBetween', () => {
  const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'] as const;
  const changes = [PARIS_SPRING + HOUR, PARIS_AUTUMN + HOUR, NEW_YORK_SPRING + 7 * HOUR, NEW_YORK_AUTUMN + 6 * HOUR];
  const specs = fc.record({
    days: fc.subarray([1, 2, 3, 4, 5, 6, 7] as Weekday[], { minLength: 1 }),
    // Quarter hours, with extra weight on the hours a change skips or repeats.
    start: fc.oneof(fc.integer({ min: 0, max: 95 }).map((q) => q * 15), fc.constantFrom(60, 90, 120, 150, 180)),
    end: fc.oneof(fc.integer({ min: 1, max: 96 }).map((q) => q * 15), fc.constantFrom(60, 90, 120, 150, 180)),
    zone: fc.constantFrom(...zones),
  });
  const instants = fc.oneof(
    fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }),
    fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * DAY, max: 3 * DAY })).map(([change, delta]) => change + delta),
  );
  const toSpec = (raw: { days: Weekday[]; start: number; end: number; zone: string }): ScheduleSpec => ({
    entry: 'gpt2',
    days: raw.days,
    start: { hour: Math.floor(raw.start / 60), minute: raw.start % 60 },
    end: { hour: Math.floor(raw.end / 60), minute: raw.end % 60 },
    zone: raw.zone,
  });

  it('says ready exactly when the instant falls in a window', () => {
    fc.assert(
      fc.property(specs, instants, (raw, at) => {
        const s = toSpec(raw);
        const inside = windowsBetween(s, at - 3 * DAY, at + 3 * DAY).some((window) => window.start <= at && at < window.end);
        expect(stateAt(s, at)).toBe(inside ? 'ready' : 'let-go');
      }),
      { numRuns: 300 },
    );
  });

  it('puts the instant between the latest switch and the next one, and the latest switch says the state', () => {
    fc.assert(
      fc.property(specs, instants, (raw, at) => {
        const s = toSpec(raw);
        const latest = latestSwitch(s, at);
        const [next] = nextSwitches(s, at, 1);
        if (latest === undefined) {
          expect(next).toBeUndefined();
          expect(stateAt(s, at)).toBe('ready');
          return;
        }
        expect(latest.at).toBeLessThanOrEqual(at);
        expect(latest.to).toBe(stateAt(s, at));
        expect(next).toBeDefined();
        expect(next?.at).toBeGreaterThan(at);
        expect(next?.to).not.toBe(latest.to);
      }),
      { numRuns: 300 },
    );
  });
});

describe('windowsOverlap', () => {
  const from = Date.UTC(2026, 11, 1);

  it('sees office hours in Paris and New York overlap in the afternoon', () => {
    expect(windowsOverlap(spec(WEEKDAYS, '09:00', '17:00', 'Europe/Paris'), spec(WEEKDAYS, '09:00', '17:00', 'America/New_York'), from)).toBe(true);
  });

  it('sees Paris mornings and New York mornings never overlap, even in the weeks the two changes differ', () => {
    expect(windowsOverlap(spec(WEEKDAYS, '09:00', '12:00', 'Europe/Paris'), spec(WEEKDAYS, '09:00', '12:00', 'America/New_York'), from)).toBe(false);
  });

  it('finds an overlap that only summer time makes: UTC 08:00–09:00 against Paris 10:00–11:00', () => {
    expect(windowsOverlap(spec([1], '08:00', '09:00', 'UTC'), spec([1], '10:00', '11:00', 'Europe/Paris'), from)).toBe(true);
    // Over December alone the two only touch.
    expect(windowsOverlap(spec([1], '08:00', '09:00', 'UTC'), spec([1], '10:00', '11:00', 'Asia/Kolkata'), from)).toBe(false);
  });

  it('does not count windows that only touch across zones and days', () => {
    // Tokyo Monday 09:00 is Monday 00:00 UTC, where the UTC Sunday window ends.
    expect(windowsOverlap(spec([7], '23:00', '24:00', 'UTC'), spec([1], '09:00', '10:00', 'Asia/Tokyo'), from)).toBe(false);
    expect(windowsOverlap(spec([7], '23:00', '24:00', 'UTC'), spec([1], '08:59', '10:00', 'Asia/Tokyo'), from)).toBe(true);
  });

  it('sees weekdays and weekends apart in one zone, and an overnight window reaching into the next day', () => {
    expect(windowsOverlap(spec(WEEKDAYS, '09:00', '17:00', 'UTC'), spec([6, 7], '09:00', '17:00', 'UTC'), from)).toBe(false);
    expect(windowsOverlap(spec([5], '22:00', '10:00', 'UTC'), spec([6], '09:00', '17:00', 'UTC'), from)).toBe(true);
  });
});

describe('readyHoursPerWeek', () => {
  it('counts office hours as 40 and a whole week as 168', () => {
    expect(readyHoursPerWeek(spec(WEEKDAYS, '09:00', '17:00', 'UTC'), Date.UTC(2026, 0, 7, 11))).toBe(40);
    expect(readyHoursPerWeek(spec(EVERY_DAY, '00:00', '24:00', 'Europe/Paris'), Date.UTC(2026, 0, 7, 11))).toBe(168);
  });

  it('averages real hours, so four weeks with the spring night in them lose a quarter hour a week, and with the autumn night gain one', () => {
    expect(readyHoursPerWeek(spec(EVERY_DAY, '22:00', '06:00', 'Europe/Paris'), Date.UTC(2026, 2, 16, 11))).toBe(55.75);
    expect(readyHoursPerWeek(spec(EVERY_DAY, '22:00', '06:00', 'Europe/Paris'), Date.UTC(2026, 9, 12, 11))).toBe(56.25);
  });
});

describe('isValidZone', () => {
  it('accepts IANA zones and UTC, and refuses the rest', () => {
    expect(isValidZone('Europe/Paris')).toBe(true);
    expect(isValidZone('America/New_York')).toBe(true);
    expect(isValidZone('UTC')).toBe(true);
    expect(isValidZone('Europe/Pariss')).toBe(false);
    expect(isValidZone('Paris')).toBe(false);
    expect(isValidZone('')).toBe(false);
  });
});
