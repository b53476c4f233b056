import { describe, expect, it } from 'vitest';
import { PinbotError } from '../../src/core/domain/errors.ts';
import type { ScheduleSpec } from '../../src/core/domain/schedule.ts';
import {
  describeDays,
  describeWindow,
  formatSwitchTime,
  parseScheduleArgs,
  parseUnscheduleArgs,
  scheduleUsage,
  type ScheduleWordsOptions,
} from '../../src/core/domain/schedule-words.ts';

const WARM: ScheduleWordsOptions = {
  readyWord: 'warm',
  scaleOption: { key: 'replicas', noun: 'replicas', max: 10 },
  computeTypes: false,
  thing: 'endpoint',
  idNoun: 'endpoint name or model repository',
};
const PINNED: ScheduleWordsOptions = { readyWord: 'pinned', computeTypes: true, thing: 'model', idNoun: 'model id' };

function parse(text: string, options: ScheduleWordsOptions = PINNED): ReturnType<typeof parseScheduleArgs> {
  return parseScheduleArgs(text.split(' ').filter((word) => word !== ''), options);
}

/** The sentence a refused `schedule` gives, checked to be an INVALID_COMMAND that ends with the usage line and keeps the input. */
function refusal(text: string, options: ScheduleWordsOptions = PINNED): string {
  let thrown: unknown;
  try {
    parse(text, options);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PinbotError);
  const error = thrown as PinbotError;
  expect(error.code).toBe('INVALID_COMMAND');
  expect(error.details).toEqual({ input: `schedule ${text}`.trim() });
  expect(error.message.endsWith(` Usage: ${scheduleUsage(options)}`)).toBe(true);
  return error.message.slice(0, error.message.indexOf(' Usage: '));
}

describe('parseScheduleArgs: what it accepts', () => {
  it('reads an entry, the ready word, days, a window, a zone and the scale option', () => {
    expect(parse('my-endpoint warm mon-fri 09:00-17:00 Europe/Paris replicas=2', WARM)).toEqual({
      entry: 'my-endpoint',
      scale: 2,
      days: [1, 2, 3, 4, 5],
      start: { hour: 9, minute: 0 },
      end: { hour: 17, minute: 0 },
      zone: 'Europe/Paris',
    });
  });

  it('leaves the zone and compute type out when none is typed, and reads :gpu where compute types exist', () => {
    expect(parse('gpt2 pinned daily 9:30-17:00')).toEqual({ entry: 'gpt2', days: [1, 2, 3, 4, 5, 6, 7], start: { hour: 9, minute: 30 }, end: { hour: 17, minute: 0 } });
    expect(parse('org/model:GPU pinned weekends 22:00-06:00 UTC')).toMatchObject({ entry: 'org/model', computeType: 'gpu', days: [6, 7], zone: 'UTC' });
  });

  it('takes the option before the zone, the ready word in any case, and quoted words', () => {
    expect(parse('my-endpoint WARM `weekdays` 08:00-18:00 replicas=3 America/New_York', WARM)).toMatchObject({ scale: 3, zone: 'America/New_York', days: [1, 2, 3, 4, 5] });
  });

  it('reads day names in short or full form, any case, lists, ranges, wrapping ranges and mixes', () => {
    const daysOf = (days: string): readonly number[] => parse(`gpt2 pinned ${days} 09:00-17:00`).days;
    expect(daysOf('mon')).toEqual([1]);
    expect(daysOf('Sunday')).toEqual([7]);
    expect(daysOf('sat,sun')).toEqual([6, 7]);
    expect(daysOf('SAT,Sun,sat')).toEqual([6, 7]);
    expect(daysOf('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(daysOf('fri-mon')).toEqual([1, 5, 6, 7]);
    expect(daysOf('mon-wed,fri')).toEqual([1, 2, 3, 5]);
    expect(daysOf('tuesday-thursday')).toEqual([2, 3, 4]);
    expect(daysOf('weekends,mon')).toEqual([1, 6, 7]);
  });

  it('takes 24:00 as an end, an end before the start as overnight, and an en dash between the times', () => {
    expect(parse('gpt2 pinned mon 18:00-24:00')).toMatchObject({ start: { hour: 18, minute: 0 }, end: { hour: 24, minute: 0 } });
    expect(parse('gpt2 pinned mon 22:00-06:00')).toMatchObject({ start: { hour: 22, minute: 0 }, end: { hour: 6, minute: 0 } });
    expect(parse('gpt2 pinned mon 09:00\u201317:00')).toMatchObject({ end: { hour: 17, minute: 0 } });
  });

  it('spells a zone as the zone database does', () => {
    expect(parse('gpt2 pinned mon 09:00-17:00 europe/paris').zone).toBe('Europe/Paris');
    expect(parse('gpt2 pinned mon 09:00-17:00 utc').zone).toBe('UTC');
  });
});

describe('parseScheduleArgs: each refusal says what to type', () => {
  it('refuses missing parts, one at a time', () => {
    expect(refusal('')).toBe('`schedule` needs a model, the word `pinned`, days and a time window, as in `schedule gpt2:gpu pinned mon-fri 09:00-17:00`.');
    expect(refusal('gpt2')).toBe('`schedule` needs the word `pinned` after the model, then days and a time window, as in `schedule gpt2:gpu pinned mon-fri 09:00-17:00`.');
    expect(refusal('gpt2 pinned')).toContain('`schedule` needs the days after `pinned`');
    expect(refusal('gpt2 pinned mon-fri')).toBe('`schedule` needs a time window after the days, as in `09:00-17:00`.');
    expect(refusal('gpt2 pinned 09:00-17:00')).toContain('needs the days before the time window');
    expect(refusal('pinned mon-fri 09:00-17:00')).toContain('needs the model first, before `pinned`');
    expect(refusal('gpt2 mon-fri 09:00-17:00')).toContain('needs the word `pinned` between the model and the days');
  });

  it('names the word this scope uses when another is typed', () => {
    expect(refusal('gpt2 warm mon-fri 09:00-17:00')).toBe("`warm` is not this scope's word: its schedules say `pinned`, as in `schedule gpt2:gpu pinned mon-fri 09:00-17:00`.");
    expect(refusal('my-endpoint pinned mon-fri 09:00-17:00', WARM)).toBe(
      "`pinned` is not this scope's word: its schedules say `warm`, as in `schedule my-model warm mon-fri 09:00-17:00`.",
    );
  });

  it('refuses an entry that is not a valid id, and a compute type where there are none or a wrong one', () => {
    expect(refusal('bad--id pinned mon 09:00-17:00')).toBe("`bad--id` is not a valid model id: it cannot contain '--' or '..'.");
    expect(refusal('my-endpoint:gpu warm mon 09:00-17:00', WARM)).toBe('This scope has no compute types: write `my-endpoint` without `:gpu`.');
    expect(refusal('gpt2:tpu pinned mon 09:00-17:00')).toBe('`tpu` is not a compute type: use `cpu` or `gpu`, as in `gpt2:gpu`.');
  });

  it('refuses a bad day name and suggests the closest', () => {
    expect(refusal('gpt2 pinned mnday 09:00-17:00')).toBe(
      '`mnday` is not a day: use `daily`, `weekdays`, `weekends`, `mon`…`sun`, lists like `sat,sun` or ranges like `mon-fri`. Did you mean `mon`?',
    );
    expect(refusal('gpt2 pinned mon-fir 09:00-17:00')).toContain('`fir` is not a day: ');
    expect(refusal('gpt2 pinned mon-fir 09:00-17:00')).toContain('Did you mean `fri`?');
    expect(refusal('gpt2 pinned weekdys 09:00-17:00')).toContain('Did you mean `weekdays`?');
    expect(refusal('gpt2 pinned xyzzy 09:00-17:00')).not.toContain('Did you mean');
    expect(refusal('gpt2 pinned mon,,fri 09:00-17:00')).toBe('`mon,,fri` has an empty day between commas: write days as `sat,sun`.');
    expect(refusal('gpt2 pinned mon-wed-fri 09:00-17:00')).toBe('`mon-wed-fri` is not a day range: write a range as two days, as in `mon-fri`.');
  });

  it('refuses bad times', () => {
    expect(refusal('gpt2 pinned mon 9-17')).toBe('`9-17` is not a time window: write it as `HH:MM-HH:MM`, as in `09:00-17:00`.');
    expect(refusal('gpt2 pinned mon 09:00')).toContain('`09:00` is not a time window');
    expect(refusal('gpt2 pinned mon 25:00-17:00')).toBe('`25:00` is not a time of day: use `00:00` to `23:59`, and `24:00` only as an end.');
    expect(refusal('gpt2 pinned mon 09:60-17:00')).toContain('`09:60` is not a time of day');
    expect(refusal('gpt2 pinned mon 09:00-24:30')).toContain('`24:30` is not a time of day');
    expect(refusal('gpt2 pinned mon 24:00-06:00')).toBe('`24:00` can only end a window; a window that starts at midnight starts at `00:00`.');
    expect(refusal('gpt2 pinned mon 09:00-9:00')).toBe('A window from `09:00` to `09:00` has no length: for the whole day write `00:00-24:00`.');
  });

  it('refuses a zone that is not an IANA zone', () => {
    const sentence = (zone: string): string => `\`${zone}\` is not a time zone pinbot knows: it must be an IANA zone like \`Europe/Paris\`, or \`UTC\`.`;
    expect(refusal('gpt2 pinned mon 09:00-17:00 Paris')).toBe(sentence('Paris'));
    expect(refusal('gpt2 pinned mon 09:00-17:00 Europe/Pariss')).toBe(sentence('Europe/Pariss'));
    expect(refusal('gpt2 pinned mon 09:00-17:00 +01:00')).toBe(sentence('+01:00'));
  });

  it('refuses a scale option where there is none, another option, a value out of range and a repeat', () => {
    expect(refusal('gpt2 pinned mon 09:00-17:00 replicas=2')).toBe('`replicas=` is not an option of `schedule`: it takes no `key=` options here.');
    expect(refusal('my-endpoint warm mon 09:00-17:00 size=2', WARM)).toBe('`size=` is not an option of `schedule`: it takes only `replicas=N`.');
    expect(() => parse('my-endpoint warm mon 09:00-17:00 replicas=11', WARM)).toThrow('`replicas=11` is not a number of replicas: use a whole number from 1 to 10, as in `replicas=2`.');
    expect(() => parse('my-endpoint warm mon 09:00-17:00 replicas=0', WARM)).toThrow(PinbotError);
    expect(() => parse('my-endpoint warm mon 09:00-17:00 replicas=two', WARM)).toThrow('`replicas=two` is not a number of replicas');
    expect(refusal('my-endpoint warm mon 09:00-17:00 replicas=2 replicas=3', WARM)).toBe('`replicas=` is given twice; give it once.');
  });

  it('refuses extra words', () => {
    expect(refusal('gpt2 pinned mon 09:00-17:00 UTC please')).toBe('`please` is one word too many: after the time window come only a zone.');
    expect(refusal('my-endpoint warm mon 09:00-17:00 UTC replicas=1 extra', WARM)).toBe(
      '`extra` is one word too many: after the time window come only a zone and `replicas=N`.',
    );
  });

  it('shows user words safely: no backticks, invisible characters named, length bounded', () => {
    expect(refusal('gpt2 pinned mon 09:00-17:00 Eu`rope')).toContain("`Eu'rope` is not a time zone");
    expect(refusal('gpt2 pinned m\u200Bon 09:00-17:00')).toContain('`m<U+200B>on` is not a day');
    expect(refusal(`gpt2 pinned mon 09:00-17:00 ${'Z'.repeat(200)}`)).toContain(`\`${'Z'.repeat(60)}…\``);
  });
});

describe('parseUnscheduleArgs', () => {
  it('reads one schedule id', () => {
    expect(parseUnscheduleArgs(['sch_01-AB'])).toBe('sch_01-AB');
    expect(parseUnscheduleArgs(['`sch1`'])).toBe('sch1');
  });

  it('refuses no id, two ids and a malformed id, with the usage line', () => {
    expect(() => parseUnscheduleArgs([])).toThrow('`unschedule` needs the id of a schedule. Usage: unschedule <schedule id>');
    expect(() => parseUnscheduleArgs(['a', 'b'])).toThrow('`unschedule` takes exactly one schedule id. Usage: unschedule <schedule id>');
    expect(() => parseUnscheduleArgs(['a/b'])).toThrow("`a/b` is not a schedule id: ids are 1 to 64 letters, digits, '-' or '_'. Usage: unschedule <schedule id>");
    expect(() => parseUnscheduleArgs(['x'.repeat(65)])).toThrow(PinbotError);
  });
});

describe('describing schedules', () => {
  it('describes days as people read them', () => {
    expect(describeDays([1, 2, 3, 4, 5])).toBe('Mon\u2013Fri');
    expect(describeDays([1, 2, 3, 4, 5, 6, 7])).toBe('daily');
    expect(describeDays([6, 7])).toBe('Sat, Sun');
    expect(describeDays([1, 5, 6, 7])).toBe('Fri\u2013Mon');
    expect(describeDays([1, 2, 3, 5])).toBe('Mon\u2013Wed, Fri');
    expect(describeDays([3])).toBe('Wed');
  });

  it('describes a window with its days, times and zone', () => {
    const spec: ScheduleSpec = { entry: 'gpt2', days: [1, 2, 3, 4, 5], start: { hour: 9, minute: 0 }, end: { hour: 17, minute: 0 }, zone: 'Europe/Paris' };
    expect(describeWindow(spec)).toBe('Mon\u2013Fri 09:00\u201317:00 Europe/Paris');
    expect(describeWindow({ ...spec, days: [6], start: { hour: 18, minute: 30 }, end: { hour: 24, minute: 0 }, zone: 'UTC' })).toBe('Sat 18:30\u201324:00 UTC');
  });

  it('formats a switch time in the zone, with the zone named by its abbreviation', () => {
    expect(formatSwitchTime(Date.UTC(2026, 11, 7, 8), 'Europe/Paris')).toBe('Mon 7 Dec 09:00 CET');
    expect(formatSwitchTime(Date.UTC(2026, 6, 7, 8), 'Europe/Paris')).toBe('Tue 7 Jul 10:00 CEST');
    expect(formatSwitchTime(Date.UTC(2026, 6, 7, 8), 'America/New_York')).toBe('Tue 7 Jul 04:00 EDT');
    expect(formatSwitchTime(Date.UTC(2026, 11, 7, 8), 'UTC')).toBe('Mon 7 Dec 08:00 UTC');
  });
});
