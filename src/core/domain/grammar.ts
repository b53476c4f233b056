import { RESTORE_USAGE, VERBS, type Command, type CommandWords, type RequestedPin, type RestoreCommand, type ScaleOption, type Verb } from './command.ts';
import { idDistance } from './close-ids.ts';
import { PinbotError } from './errors.ts';
import { describeChar, modelIdProblem } from './model-id.ts';
import { DEFAULT_COMPUTE_TYPE, isComputeType, type ComputeType } from './pin.ts';
import { isUsagePeriod, USAGE_PERIODS, type UsagePeriod } from './usage.ts';
import { parseScheduleArgs, parseUnscheduleArgs } from './schedule-words.ts';

/** Longest text parsed; longer text is refused before it is looked at. */
export const MAX_COMMAND_LENGTH = 4000;

/** How much of an over-long text is kept in the error's details. */
const TOO_LONG_INPUT_KEPT = 100;
/** Longer words are not compared with the verbs: no verb is close to them. */
const SUGGESTION_MAX_WORD_LENGTH = 32;
const SUGGESTION_MAX_DISTANCE = 2;
/** How much of a user's word is echoed back in a message. */
const SHOWN_MAX_LENGTH = 60;

const MODEL_ID_UNKNOWN_REASON = 'is not a Hugging Face repo id';
/** What can be a mistyped compute type after ':'; anything else (a URL, an emoji code) makes the whole word a bad id. */
const SUFFIX_WORD = /^[A-Za-z0-9]*$/;
export const CHANGE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A word that is meant as a period (`24h`, `2w`, `90d`): a number and a unit, never a name. */
const PERIOD_LIKE = /^\d+[a-z]+$/i;
const DEFAULT_USAGE_PERIOD: UsagePeriod = '24h';
/** `key=value`: an option of add and set, never a repo id (which has no `=`). */
const OPTION = /^([A-Za-z_]+)=(.*)$/s;
/** Unicode White_Space: tabs, newlines, NBSP, ideographic space… but not U+FEFF or zero-width characters, which stay inside a word and make it invalid. */
const WHITESPACE = /\p{White_Space}+/u;
/** Control, format and separator characters are shown as U+XXXX in messages. */
const INVISIBLE = /[\p{C}\p{Z}]/gu;

/** Quotes and code marks that Slack, Discord and phone keyboards put around a word. */
const WRAPPERS: readonly (readonly [string, string])[] = [
  ['```', '```'],
  ['`', '`'],
  ['"', '"'],
  ["'", "'"],
  ['\u201C', '\u201D'],
  ['\u2018', '\u2019'],
];

/** Words people type for a verb. They are suggestions only, never aliases. */
const SYNONYMS: ReadonlyMap<string, Verb> = new Map<string, Verb>([
  ['pin', 'add'],
  ['unpin', 'remove'],
  ['rm', 'remove'],
  ['del', 'remove'],
  ['delete', 'remove'],
  ['drop', 'remove'],
  ['ls', 'list'],
  ['show', 'list'],
  ['pins', 'list'],
  ['replace', 'set'],
  ['reset', 'clear'],
  ['undo', 'revert'],
  ['rollback', 'revert'],
  ['approve', 'pending'],
  ['approvals', 'pending'],
  ['log', 'history'],
  ['state', 'status'],
  ['stats', 'usage'],
  ['traffic', 'usage'],
  ['cost', 'usage'],
  ['costs', 'usage'],
  ['?', 'help'],
]);

const VERB_SET: ReadonlySet<string> = new Set(VERBS);

interface ModelArg {
  readonly modelId: string;
  /** The compute type written on the model itself (`gpt2:gpu`). */
  readonly computeType?: ComputeType;
}

interface ModelArgs {
  readonly models: readonly ModelArg[];
  /** The bare `cpu`/`gpu` word at the end, when there is one. */
  readonly trailing?: ComputeType;
}

/**
 * The one parser for every platform: turns what a person typed into a `Command`,
 * or throws a `PinbotError` whose message says what to type instead, in the words of the scope
 * it is typed in (`words`: its backend's).
 */
export function parseCommand(text: string, words: CommandWords): Command {
  if (text.length > MAX_COMMAND_LENGTH) {
    const kept = text.slice(0, TOO_LONG_INPUT_KEPT);
    throw new PinbotError(
      'INVALID_COMMAND',
      `That message is too long (${text.length} characters); a command is at most ${MAX_COMMAND_LENGTH}.`,
      { input: `${kept}…` },
    );
  }
  const input = text.trim();
  const [first, ...args] = text.split(WHITESPACE).filter((word) => word !== '');
  if (first === undefined) return { verb: 'help' };

  const word = unwrap(first).toLowerCase();
  if (!isVerb(word)) throw unknownCommand(first, word, input, words);

  switch (word) {
    case 'list':
    case 'clear':
    case 'pending':
    case 'history':
      expectNoArguments(word, args, input, words);
      return { verb: word };
    case 'help':
      return { verb: 'help' };
    case 'add':
    case 'set': {
      const { scale, rest } = takeScale(word, args, input, words);
      const { models, trailing } = parseModelArgs(word, rest, input, words);
      if (models.length === 0) throw missingModels(word, input, words);
      const computeType = trailing ?? DEFAULT_COMPUTE_TYPE;
      const pins: RequestedPin[] = models.map((model) => ({ modelId: model.modelId, computeType: model.computeType ?? computeType }));
      return scale === undefined ? { verb: word, pins } : { verb: word, pins, scale };
    }
    case 'remove': {
      // A compute type on remove changes nothing (one entry per model), so a valid one is ignored.
      const { models } = parseModelArgs(word, args, input, words);
      if (models.length === 0) throw missingModels(word, input, words);
      return { verb: 'remove', modelIds: models.map((model) => model.modelId) };
    }
    case 'compute':
      if (words.computeRefusal !== undefined) throw invalidCommand(words.computeRefusal, input);
      return parseCompute(args, input, words);
    case 'status':
      return parseStatus(args, input, words);
    case 'revert':
      return parseRevert(args, input, words);
    case 'usage':
      return parseUsage(args, input, words);
    case 'schedules':
      expectNoArguments(word, args, input, words);
      return { verb: word };
    case 'schedule':
      return {
        verb: 'schedule',
        spec: parseScheduleArgs(args, {
          readyWord: words.readyWord, computeTypes: words.computeRefusal === undefined, thing: words.thing, idNoun: words.idNoun,
          ...(words.scaleOption ? { scaleOption: words.scaleOption } : {}),
        }),
      };
    case 'unschedule':
      return { verb: 'unschedule', scheduleId: parseUnscheduleArgs(args) };
  }
}

/**
 * `restore <alert id>`, which the console offers for a drift alert's Restore button: undefined when
 * the text is not a restore at all, a `PinbotError` saying how to write it when it is a bad one.
 */
export function parseRestore(text: string): RestoreCommand | undefined {
  const [first, ...args] = text.slice(0, MAX_COMMAND_LENGTH).split(WHITESPACE).filter((word) => word !== '');
  if (first === undefined || unwrap(first).toLowerCase() !== 'restore') return undefined;
  const input = text.trim().slice(0, TOO_LONG_INPUT_KEPT);
  const usage = `Usage: ${RESTORE_USAGE.split(' — ')[0] ?? 'restore <alert id>'}`;
  const [arg, ...extra] = args;
  if (arg === undefined) throw invalidCommand(`\`restore\` needs the id of an alert: each alert that offers a restore prints the command to type. ${usage}`, input);
  if (extra.length > 0) throw invalidCommand(`\`restore\` takes exactly one alert id. ${usage}`, input);
  const alertId = unwrap(arg);
  if (!CHANGE_ID.test(alertId)) throw invalidCommand(`\`${show(alertId)}\` is not an alert id: ids are 1 to 64 letters, digits, '-' or '_'. ${usage}`, input);
  return { verb: 'restore', alertId };
}

/**
 * The scale option (`key=N`) on add and set, where the scope's backend has one: only its form is
 * checked here, each entry's own bounds by the backend. An option another backend has is refused
 * with that backend's sentence; any other `key=` is left to read as a (bad) name.
 */
function takeScale(verb: Verb, args: readonly string[], input: string, words: CommandWords): { scale?: number; rest: readonly string[] } {
  for (const word of args) {
    const key = OPTION.exec(unwrap(word))?.[1]?.toLowerCase();
    const refusal = key !== undefined ? words.foreignOptions?.[key] : undefined;
    if (refusal !== undefined) throw invalidCommand(refusal, input);
  }
  const option = words.scaleOption;
  if (option === undefined) return { rest: args };
  const isOption = (word: string): boolean => OPTION.exec(unwrap(word))?.[1]?.toLowerCase() === option.key;
  const given = args.filter(isOption);
  if (given.length === 0) return { rest: args };
  if (given.length > 1) throw invalidCommand(`\`${option.key}=\` is given ${given.length} times; give it once. Usage: ${words.usage[verb]}`, input);
  return { scale: scaleValue(OPTION.exec(unwrap(given[0] ?? ''))?.[2] ?? '', option, input), rest: args.filter((word) => !isOption(word)) };
}

export function scaleValue(value: string, option: ScaleOption, input: string): number {
  const scale = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(scale >= 1 && scale <= option.max)) {
    throw invalidCommand(`\`${option.key}=${show(value)}\` is not a number of ${option.noun}: use a whole number from 1 to ${option.max}, as in \`${option.key}=2\`.`, input);
  }
  return scale;
}

function isVerb(word: string): word is Verb {
  return VERB_SET.has(word);
}

function parseCompute(args: readonly string[], input: string, words: CommandWords): Command {
  const { models, trailing } = parseModelArgs('compute', args, input, words);
  if (trailing === undefined) {
    throw invalidCommand(`\`compute\` needs the compute type as its last word: \`cpu\` or \`gpu\`. Usage: ${words.usage.compute}`, input);
  }
  if (models.length === 0) throw missingModels('compute', input, words);
  const conflicting = models.find((model) => model.computeType !== undefined && model.computeType !== trailing);
  if (conflicting) {
    throw invalidCommand(
      `\`${show(conflicting.modelId)}:${conflicting.computeType ?? ''}\` disagrees with \`${trailing}\` at the end; write the compute type once, at the end. Usage: ${words.usage.compute}`,
      input,
    );
  }
  return { verb: 'compute', modelIds: models.map((model) => model.modelId), computeType: trailing };
}

function parseStatus(args: readonly string[], input: string, words: CommandWords): Command {
  const [arg, ...extra] = args;
  if (arg === undefined) return { verb: 'status' };
  if (extra.length > 0) throw invalidCommand(`\`status\` takes at most one ${words.thing}. Usage: ${words.usage.status}`, input);
  if (bareComputeType(arg) !== undefined) {
    if (words.computeRefusal !== undefined) throw invalidCommand(words.computeRefusal, input);
    throw invalidCommand(
      `\`${show(arg)}\` is a compute type, not a model; for a model with that name write \`${show(unwrap(arg))}:cpu\`. Usage: ${words.usage.status}`,
      input,
    );
  }
  // As on remove, a valid compute type written on the model is ignored.
  return { verb: 'status', modelId: parseModelArg(arg, words, input).modelId };
}

function parseRevert(args: readonly string[], input: string, words: CommandWords): Command {
  const [arg, ...extra] = args;
  if (arg === undefined) throw invalidCommand(`\`revert\` needs the id of a change; \`history\` lists them. Usage: ${words.usage.revert}`, input);
  if (extra.length > 0) throw invalidCommand(`\`revert\` takes exactly one change id. Usage: ${words.usage.revert}`, input);
  const changeId = unwrap(arg);
  if (!CHANGE_ID.test(changeId)) {
    throw invalidCommand(
      `\`${show(changeId)}\` is not a change id: ids are 1 to 64 letters, digits, '-' or '_'; \`history\` lists them. Usage: ${words.usage.revert}`,
      input,
    );
  }
  return { verb: 'revert', changeId };
}

/** `usage [entry] [24h|7d|30d]`: the period may come first or last; one entry at most. */
function parseUsage(args: readonly string[], input: string, words: CommandWords): Command {
  const periods = args.filter((word) => PERIOD_LIKE.test(unwrap(word)));
  const named = args.filter((word) => !PERIOD_LIKE.test(unwrap(word)));
  const choices = USAGE_PERIODS.map((period) => `\`${period}\``).join(', ');
  if (periods.length > 1) throw invalidCommand(`\`usage\` takes one period: ${choices}. Usage: ${words.usage.usage}`, input);
  const [given] = periods;
  const period = given === undefined ? DEFAULT_USAGE_PERIOD : unwrap(given).toLowerCase();
  if (!isUsagePeriod(period)) {
    throw invalidCommand(`\`${show(given ?? period)}\` is not a period \`usage\` answers for: use ${choices} (default ${DEFAULT_USAGE_PERIOD}). Usage: ${words.usage.usage}`, input);
  }
  if (named.length > 1) throw invalidCommand(`\`usage\` takes at most one ${words.thing}. Usage: ${words.usage.usage}`, input);
  const [arg] = named;
  if (arg === undefined) return { verb: 'usage', period };
  if (bareComputeType(arg) !== undefined && words.computeRefusal !== undefined) throw invalidCommand(words.computeRefusal, input);
  return { verb: 'usage', entry: parseModelArg(arg, words, input).modelId, period };
}

/**
 * Models for add, set, remove and compute. A bare `cpu`/`gpu` is never read as a model id:
 * last, it is the compute type for every model without its own; anywhere else it is an error.
 */
function parseModelArgs(verb: Verb, args: readonly string[], input: string, words: CommandWords): ModelArgs {
  const last = args[args.length - 1];
  const trailing = last === undefined ? undefined : bareComputeType(last);
  const named = trailing === undefined ? args : args.slice(0, -1);
  if (trailing !== undefined && words.computeRefusal !== undefined) throw invalidCommand(words.computeRefusal, input);
  const seen = new Set<string>();
  const models: ModelArg[] = [];
  for (const word of named) {
    const stray = bareComputeType(word);
    if (stray !== undefined) {
      if (words.computeRefusal !== undefined) throw invalidCommand(words.computeRefusal, input);
      throw invalidCommand(
        `\`${show(word)}\` can only come last, where it applies to every model without its own \`:cpu\` or \`:gpu\`; for a model with that name write \`${show(unwrap(word))}:${stray}\`. Usage: ${words.usage[verb]}`,
        input,
      );
    }
    const model = parseModelArg(word, words, input);
    if (seen.has(model.modelId)) {
      throw new PinbotError('DUPLICATE_MODEL', `\`${show(model.modelId)}\` is named twice; name each ${words.thing} once.`, { modelId: model.modelId });
    }
    seen.add(model.modelId);
    models.push(model);
  }
  return trailing === undefined ? { models } : { models, trailing };
}

/**
 * `gpt2`, `org/name:gpu`, `` `gpt2` ``… The id is checked before the suffix, so a link or mention
 * is reported as a bad id; only a plain word after ':' (`gpt2:tpu`) is reported as a compute type.
 */
function parseModelArg(word: string, words: CommandWords, input: string): ModelArg {
  const token = unwrap(word);
  const colon = token.lastIndexOf(':');
  const modelId = colon === -1 ? token : unwrap(token.slice(0, colon));
  const suffix = colon === -1 ? undefined : token.slice(colon + 1);
  if (suffix !== undefined && !SUFFIX_WORD.test(suffix)) throw invalidModelId(token, words);
  if (modelIdProblem(modelId) !== undefined) {
    throw invalidModelId(suffix === undefined || isComputeType(suffix.toLowerCase()) ? modelId : token, words);
  }
  if (suffix === undefined) return { modelId };
  if (words.computeRefusal !== undefined) throw invalidCommand(words.computeRefusal, input);
  const computeType = suffix.toLowerCase();
  if (!isComputeType(computeType)) {
    const shownSuffix = suffix === '' ? `\`${show(token)}\` has nothing after ':'` : `\`${show(suffix)}\` is not a compute type`;
    throw new PinbotError(
      'INVALID_COMPUTE_TYPE',
      `${shownSuffix}: use \`cpu\` or \`gpu\`, as in \`${show(modelId)}:gpu\`.`,
      { value: suffix },
    );
  }
  return { modelId, computeType };
}

function bareComputeType(word: string): ComputeType | undefined {
  const lower = unwrap(word).toLowerCase();
  return isComputeType(lower) ? lower : undefined;
}

/** Strips matching quotes or code marks around a word; anything else is left for the id check to refuse. */
export function unwrap(word: string): string {
  let current = word;
  for (;;) {
    const wrapper = WRAPPERS.find(
      ([open, close]) => current.length >= open.length + close.length && current.startsWith(open) && current.endsWith(close),
    );
    if (wrapper === undefined) return current;
    current = current.slice(wrapper[0].length, current.length - wrapper[1].length);
  }
}

function expectNoArguments(verb: Verb, args: readonly string[], input: string, words: CommandWords): void {
  if (args.length > 0) throw invalidCommand(`\`${verb}\` takes no arguments. Usage: ${words.usage[verb]}`, input);
}

function missingModels(verb: Verb, input: string, words: CommandWords): PinbotError<'INVALID_COMMAND'> {
  const hint = verb === 'set' ? ` ${words.clearHint}` : '';
  return invalidCommand(`\`${verb}\` needs at least one ${words.thing}.${hint} Usage: ${words.usage[verb]}`, input);
}

function invalidModelId(modelId: string, words: CommandWords): PinbotError<'INVALID_MODEL_ID'> {
  const reason = modelIdProblem(modelId) ?? MODEL_ID_UNKNOWN_REASON;
  return new PinbotError('INVALID_MODEL_ID', `\`${show(modelId)}\` is not a valid ${words.idNoun}: it ${reason}.`, { modelId, reason });
}

export function invalidCommand(message: string, input: string, suggestion?: Verb): PinbotError<'INVALID_COMMAND'> {
  return new PinbotError('INVALID_COMMAND', message, suggestion === undefined ? { input } : { input, suggestion });
}

function unknownCommand(original: string, word: string, input: string, words: CommandWords): PinbotError<'INVALID_COMMAND'> {
  const suggestion = suggestVerb(word, words.verbs);
  const shown = `Unknown command \`${show(original)}\`.`;
  if (suggestion !== undefined) return invalidCommand(`${shown} Did you mean \`${suggestion}\`?`, input, suggestion);
  return invalidCommand(`${shown} Commands: ${words.verbs.join(', ')}.`, input);
}

/** The verb a mistyped or synonymous word most likely meant, if any. */
export function suggestVerb(word: string, verbs: readonly Verb[] = VERBS): Verb | undefined {
  const lower = word.toLowerCase();
  const synonym = SYNONYMS.get(lower);
  if (synonym !== undefined && verbs.includes(synonym)) return synonym;
  if (lower.length > SUGGESTION_MAX_WORD_LENGTH) return undefined;
  let best: Verb | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const verb of verbs) {
    const distance = idDistance(lower, verb);
    if (distance < bestDistance) {
      best = verb;
      bestDistance = distance;
    }
  }
  // A one- or two-letter word is within 2 edits of too much to mean anything.
  return bestDistance <= SUGGESTION_MAX_DISTANCE && bestDistance < lower.length ? best : undefined;
}

/** A user's word as it can be echoed inside a code span: no backticks, invisible characters named, bounded length. */
export function show(word: string): string {
  const visible = word.replaceAll('`', "'").replace(INVISIBLE, (char) => `<${describeChar(char)}>`);
  const chars = Array.from(visible);
  return chars.length > SHOWN_MAX_LENGTH ? `${chars.slice(0, SHOWN_MAX_LENGTH).join('')}…` : visible;
}
