import { DateTime, IANAZone } from 'luxon';
import type { ScaleOption } from './command.ts';
import { idDistance } from './close-ids.ts';
import type { PinbotError } from './errors.ts';
import { CHANGE_ID, invalidCommand, scaleValue, show, unwrap } from './grammar.ts';
import { modelIdProblem } from './model-id.ts';
import { isComputeType, type ComputeType } from './pin.ts';
import type { ClockTime, ScheduleSpec, TypedScheduleSpec, Weekday } from './schedule.ts';
import { isValidZone } from './schedule-times.ts';

/** How a scope's backend words its schedules. */
export interface ScheduleWordsOptions {
  /** The word between the entry and the days: what the entry is while a window is open (`pinned`, say). */
  readonly readyWord: string;
  /** The backend's `key=N` option, where it has one. */
  readonly scaleOption?: ScaleOption;
  /** Whether entries take `:cpu` / `:gpu`. */
  readonly computeTypes: boolean;
  /** What the entry is called in the usage line and in sentences (`model`); `entry` when not given. */
  readonly thing?: string;
  /** What an entry's id is called when it is refused (`model id`); `name` when not given. */
  readonly idNoun?: string;
}

export const UNSCHEDULE_USAGE = 'unschedule <schedule id>';

const WEEKDAY_NAMES: readonly (readonly [Weekday, string, string])[] = [
  [1, 'mon', 'monday'],
  [2, 'tue', 'tuesday'],
  [3, 'wed', 'wednesday'],
  [4, 'thu', 'thursday'],
  [5, 'fri', 'friday'],
  [6, 'sat', 'saturday'],
  [7, 'sun', 'sunday'],
];
const DAY_GROUPS: ReadonlyMap<string, readonly Weekday[]> = new Map<string, readonly Weekday[]>([
  ['daily', [1, 2, 3, 4, 5, 6, 7]],
  ['weekdays', [1, 2, 3, 4, 5]],
  ['weekends', [6, 7]],
]);
const SHORT_DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const DAY_SUGGESTION_MAX_DISTANCE = 2;
/** `9:00-17:00`, with an en dash too, as phones and chat clients turn `-` into one. */
const TIME_WINDOW = /^(\d{1,2}):(\d{2})[-\u2013](\d{1,2}):(\d{2})$/;
const TIME_LIKE = /^[\d:.hH\u2013-]+$/;
const OPTION = /^([A-Za-z_]+)=(.*)$/s;
const ZONE_EXAMPLE = '`Europe/Paris`';

/** The usage line of `schedule`, in the scope's words. */
export function scheduleUsage(options: ScheduleWordsOptions): string {
  const compute = options.computeTypes ? '[:cpu|:gpu]' : '';
  const scale = options.scaleOption === undefined ? '' : ` [${options.scaleOption.key}=N]`;
  return `schedule <${options.thing ?? 'entry'}>${compute} ${options.readyWord} <days> <HH:MM>-<HH:MM> [zone]${scale}`;
}

/**
 * The words after `schedule`: `<entry>[:cpu|:gpu] <readyWord> <days> <HH:MM>-<HH:MM> [zone] [key=N]`.
 * The zone is absent when none is typed (the scope's default applies), as is the compute type.
 * Throws a `PinbotError` whose one sentence says what to type instead.
 */
export function parseScheduleArgs(words: readonly string[], options: ScheduleWordsOptions): TypedScheduleSpec {
  const args = words.filter((word) => word !== '').map(unwrap);
  const input = ['schedule', ...words].join(' ').trim();
  const usage = ` Usage: ${scheduleUsage(options)}`;
  const refuse = (sentence: string): PinbotError<'INVALID_COMMAND'> => invalidCommand(`${sentence}${usage}`, input);
  const thing = options.thing ?? 'entry';
  const ready = options.readyWord;
  const example = `\`schedule ${exampleEntry(options)} ${ready} mon-fri 09:00-17:00\``;

  const [entryWord, readyWord, daysWord, timesWord, ...rest] = args;
  if (entryWord === undefined) throw refuse(`\`schedule\` needs a ${thing}, the word \`${ready}\`, days and a time window, as in ${example}.`);
  if (entryWord.toLowerCase() === ready) throw refuse(`\`schedule\` needs the ${thing} first, before \`${ready}\`, as in ${example}.`);
  const { entry, computeType } = parseEntry(entryWord, options, refuse);

  if (readyWord === undefined) throw refuse(`\`schedule\` needs the word \`${ready}\` after the ${thing}, then days and a time window, as in ${example}.`);
  if (readyWord.toLowerCase() !== ready) {
    if (looksLikeDays(readyWord)) throw refuse(`\`schedule\` needs the word \`${ready}\` between the ${thing} and the days, as in ${example}.`);
    throw refuse(`\`${show(readyWord)}\` is not this scope's word: its schedules say \`${ready}\`, as in ${example}.`);
  }

  if (daysWord === undefined) throw refuse(`\`schedule\` needs the days after \`${ready}\` (\`daily\`, \`weekdays\`, \`mon-fri\`, \`sat,sun\`…), then a time window, as in ${example}.`);
  if (TIME_LIKE.test(daysWord)) throw refuse(`\`schedule\` needs the days before the time window (\`daily\`, \`weekdays\`, \`mon-fri\`…), as in ${example}.`);
  const days = parseDays(daysWord, refuse);

  if (timesWord === undefined) throw refuse(`\`schedule\` needs a time window after the days, as in \`09:00-17:00\`.`);
  const { start, end } = parseTimeWindow(timesWord, refuse);

  let zone: string | undefined;
  let scale: number | undefined;
  let scaleSeen = false;
  for (const word of rest) {
    const option = OPTION.exec(word);
    if (option !== null) {
      const key = (option[1] ?? '').toLowerCase();
      const scaleOption = options.scaleOption;
      if (scaleOption === undefined || key !== scaleOption.key) {
        const offered = scaleOption === undefined ? 'takes no `key=` options here' : `takes only \`${scaleOption.key}=N\``;
        throw refuse(`\`${show(key)}=\` is not an option of \`schedule\`: it ${offered}.`);
      }
      if (scaleSeen) throw refuse(`\`${scaleOption.key}=\` is given twice; give it once.`);
      scaleSeen = true;
      scale = scaleValue(option[2] ?? '', scaleOption, input);
      continue;
    }
    if (zone !== undefined) throw refuse(`\`${show(word)}\` is one word too many: after the time window come only a zone${options.scaleOption === undefined ? '' : ` and \`${options.scaleOption.key}=N\``}.`);
    zone = parseZone(word, refuse);
  }

  return {
    entry,
    ...(computeType === undefined ? {} : { computeType }),
    ...(scale === undefined ? {} : { scale }),
    days,
    start,
    end,
    ...(zone === undefined ? {} : { zone }),
  };
}

/** The words after `unschedule`: exactly one schedule id. */
export function parseUnscheduleArgs(words: readonly string[]): string {
  const args = words.filter((word) => word !== '').map(unwrap);
  const input = ['unschedule', ...words].join(' ').trim();
  const usage = ` Usage: ${UNSCHEDULE_USAGE}`;
  const [id, ...extra] = args;
  if (id === undefined) throw invalidCommand(`\`unschedule\` needs the id of a schedule.${usage}`, input);
  if (extra.length > 0) throw invalidCommand(`\`unschedule\` takes exactly one schedule id.${usage}`, input);
  if (!CHANGE_ID.test(id)) throw invalidCommand(`\`${show(id)}\` is not a schedule id: ids are 1 to 64 letters, digits, '-' or '_'.${usage}`, input);
  return id;
}

/** Days as people read them: `daily`, `Mon–Fri`, `Fri–Mon`, `Sat, Sun`, `Mon–Wed, Fri`. */
export function describeDays(days: readonly Weekday[]): string {
  const chosen = new Set<number>(days);
  if (chosen.size === 7) return 'daily';
  if (chosen.size === 0) return 'no days';
  // Start the walk on a chosen day whose previous day is not chosen, so a run across Sunday stays one.
  const first = [1, 2, 3, 4, 5, 6, 7].find((day) => chosen.has(day) && !chosen.has(((day + 5) % 7) + 1)) ?? 1;
  const runs: number[][] = [];
  for (let step = 0; step < 7; step += 1) {
    const day = ((first - 1 + step) % 7) + 1;
    if (!chosen.has(day)) continue;
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (run !== undefined && previous !== undefined && (previous % 7) + 1 === day) run.push(day);
    else runs.push([day]);
  }
  return runs
    .flatMap((run) => {
      const names = run.map(dayName);
      return run.length >= 3 ? [`${names[0] ?? ''}\u2013${names[names.length - 1] ?? ''}`] : names;
    })
    .join(', ');
}

/** `Mon–Fri 09:00–17:00 Europe/Paris`. */
export function describeWindow(spec: ScheduleSpec): string {
  return `${describeDays(spec.days)} ${clock(spec.start)}\u2013${clock(spec.end)} ${spec.zone}`;
}

/** An instant in `zone` as a switch is announced: `Mon 7 Dec 09:00 CET`. */
export function formatSwitchTime(at: number, zone: string): string {
  const time = DateTime.fromMillis(at, { zone: IANAZone.create(zone) });
  const when = time.setLocale('en-GB').toFormat('ccc d LLL HH:mm');
  // Each English locale knows its own zone abbreviations; use one that names the zone rather than its offset.
  const names = ['en-US', 'en-GB'].map((locale) => time.setLocale(locale).toFormat('ZZZZ'));
  const name = names.find((candidate) => !/^(GMT|UTC)[+\u2212-]/.test(candidate)) ?? names[0] ?? '';
  return `${when} ${name}`;
}

function clock(time: ClockTime): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

function dayName(day: number): string {
  return SHORT_DAY_NAMES[day - 1] ?? '';
}

function exampleEntry(options: ScheduleWordsOptions): string {
  return options.computeTypes ? 'gpt2:gpu' : 'my-model';
}

type Refuse = (sentence: string) => PinbotError<'INVALID_COMMAND'>;

/** `gpt2`, `org/name:gpu`: the id is checked before the suffix, as other commands do. */
function parseEntry(word: string, options: ScheduleWordsOptions, refuse: Refuse): { entry: string; computeType?: ComputeType } {
  const colon = word.lastIndexOf(':');
  const entry = colon === -1 ? word : word.slice(0, colon);
  const suffix = colon === -1 ? undefined : word.slice(colon + 1);
  const problem = modelIdProblem(entry);
  if (problem !== undefined) throw refuse(`\`${show(entry)}\` is not a valid ${options.idNoun ?? 'name'}: it ${problem}.`);
  if (suffix === undefined) return { entry };
  const computeType = suffix.toLowerCase();
  if (!options.computeTypes) throw refuse(`This scope has no compute types: write \`${show(entry)}\` without \`:${show(suffix)}\`.`);
  if (!isComputeType(computeType)) throw refuse(`\`${show(suffix)}\` is not a compute type: use \`cpu\` or \`gpu\`, as in \`${show(entry)}:gpu\`.`);
  return { entry, computeType };
}

function looksLikeDays(word: string): boolean {
  return word.toLowerCase().split(/[,\-\u2013]/).every((part) => dayNumber(part) !== undefined || DAY_GROUPS.has(part));
}

/** `daily`, `weekdays`, `weekends`, `mon`, `Monday`, `sat,sun`, `mon-fri`, `fri-mon`, `mon-wed,fri`: sorted, without repeats. */
function parseDays(word: string, refuse: Refuse): Weekday[] {
  const chosen = new Set<Weekday>();
  for (const part of word.toLowerCase().split(',')) {
    if (part === '') throw refuse(`\`${show(word)}\` has an empty day between commas: write days as \`sat,sun\`.`);
    const group = DAY_GROUPS.get(part);
    if (group !== undefined) {
      group.forEach((day) => chosen.add(day));
      continue;
    }
    const range = part.split(/[-\u2013]/);
    if (range.length > 2) throw refuse(`\`${show(part)}\` is not a day range: write a range as two days, as in \`mon-fri\`.`);
    const [from, to = from] = range.map((name) => dayOrRefuse(name, refuse));
    if (from === undefined || to === undefined) throw refuse(`\`${show(part)}\` is not a day.`);
    for (let day = from; ; day = ((day % 7) + 1) as Weekday) {
      chosen.add(day);
      if (day === to) break;
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

function dayOrRefuse(name: string, refuse: Refuse): Weekday {
  const day = dayNumber(name);
  if (day !== undefined) return day;
  const suggestion = closestDayWord(name);
  const hint = suggestion === undefined ? '' : ` Did you mean \`${suggestion}\`?`;
  throw refuse(`\`${show(name)}\` is not a day: use \`daily\`, \`weekdays\`, \`weekends\`, \`mon\`…\`sun\`, lists like \`sat,sun\` or ranges like \`mon-fri\`.${hint}`);
}

function dayNumber(name: string): Weekday | undefined {
  return WEEKDAY_NAMES.find(([, short, long]) => name === short || name === long)?.[0];
}

/** The day word a mistyped one most likely meant, in its short form. */
function closestDayWord(name: string): string | undefined {
  const candidates: (readonly [string, string])[] = [
    ...WEEKDAY_NAMES.flatMap(([, short, long]) => [[short, short] as const, [long, short] as const]),
    ...[...DAY_GROUPS.keys()].map((group) => [group, group] as const),
  ];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const [candidate, shown] of candidates) {
    const distance = idDistance(name, candidate);
    if (distance < bestDistance) {
      best = shown;
      bestDistance = distance;
    }
  }
  return bestDistance <= DAY_SUGGESTION_MAX_DISTANCE && bestDistance < name.length ? best : undefined;
}

function parseTimeWindow(word: string, refuse: Refuse): { start: ClockTime; end: ClockTime } {
  const match = TIME_WINDOW.exec(word);
  if (match === null) throw refuse(`\`${show(word)}\` is not a time window: write it as \`HH:MM-HH:MM\`, as in \`09:00-17:00\`.`);
  const start = { hour: Number(match[1]), minute: Number(match[2]) };
  const end = { hour: Number(match[3]), minute: Number(match[4]) };
  if (start.hour === 24 && start.minute === 0) throw refuse('`24:00` can only end a window; a window that starts at midnight starts at `00:00`.');
  for (const time of [start, end]) {
    const isMidnightEnd = time === end && time.hour === 24 && time.minute === 0;
    if (!isMidnightEnd && (time.hour > 23 || time.minute > 59)) {
      throw refuse(`\`${clock(time)}\` is not a time of day: use \`00:00\` to \`23:59\`, and \`24:00\` only as an end.`);
    }
  }
  if (start.hour * 60 + start.minute === end.hour * 60 + end.minute) {
    throw refuse(`A window from \`${clock(start)}\` to \`${clock(end)}\` has no length: for the whole day write \`00:00-24:00\`.`);
  }
  return { start, end };
}

/** An IANA zone as the zone database spells it (`europe/paris` is `Europe/Paris`), or `UTC`. */
function parseZone(word: string, refuse: Refuse): string {
  if (word.toUpperCase() === 'UTC') return 'UTC';
  // Offsets like `+01:00` are refused even where the runtime knows them: a schedule follows a place's daylight-saving rules.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(word) || !isValidZone(word)) {
    throw refuse(`\`${show(word)}\` is not a time zone pinbot knows: it must be an IANA zone like ${ZONE_EXAMPLE}, or \`UTC\`.`);
  }
  return new Intl.DateTimeFormat('en-US', { timeZone: word }).resolvedOptions().timeZone;
}
