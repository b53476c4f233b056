import { describe, expect, it } from 'vitest';
import { isPinbotError } from '../../../src/core/domain/errors.ts';
import { parseCommand } from '../../../src/core/domain/grammar.ts';
import { commandText, optionsToCommand, type PinsOptions } from '../../../src/adapters/discord/options-to-command.ts';
import { PINNED_COMMAND_WORDS } from '../../../src/backends/classic/words.ts';

/** Each slash invocation and the text a Slack user types for the same request. */
const SAME_AS_SLACK: readonly [PinsOptions, string][] = [
  [{ subcommand: 'list' }, 'list'],
  [{ subcommand: 'add', models: 'gpt2' }, 'add gpt2'],
  [{ subcommand: 'add', models: 'gpt2 org/name:gpu', compute: 'cpu' }, 'add gpt2 org/name:gpu cpu'],
  [{ subcommand: 'remove', models: 'gpt2 distilgpt2' }, 'remove gpt2 distilgpt2'],
  [{ subcommand: 'set', models: 'a:gpu b', compute: 'gpu' }, 'set a:gpu b gpu'],
  [{ subcommand: 'compute', models: 'gpt2', compute: 'gpu' }, 'compute gpt2 gpu'],
  [{ subcommand: 'clear' }, 'clear'],
  [{ subcommand: 'status' }, 'status'],
  [{ subcommand: 'status', model: 'gpt2' }, 'status gpt2'],
  [{ subcommand: 'pending' }, 'pending'],
  [{ subcommand: 'history' }, 'history'],
  [{ subcommand: 'revert', change: 'abc123' }, 'revert abc123'],
  [{ subcommand: 'schedule', schedule: 'gpt2:gpu pinned mon-fri 09:00-17:00 Europe/Paris' }, 'schedule gpt2:gpu pinned mon-fri 09:00-17:00 Europe/Paris'],
  [{ subcommand: 'schedules' }, 'schedules'],
  [{ subcommand: 'unschedule', id: 'AbC123xy' }, 'unschedule AbC123xy'],
  [{ subcommand: 'help' }, 'help'],
];

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isPinbotError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** What a pinned-list scope's parse does with the text. */
const parsePinned = (text: string) => parseCommand(text, PINNED_COMMAND_WORDS);

describe('slash command options become the same core commands as Slack text', () => {
  it.each(SAME_AS_SLACK)('%o reads like "%s"', (options, slackText) => {
    expect(commandText(options)).toBe(slackText);
    expect(optionsToCommand(options, parsePinned)).toEqual(parseCommand(slackText, PINNED_COMMAND_WORDS));
  });

  it('gets the grammar\'s refusals, not a second set of rules', () => {
    expect(refusal(() => optionsToCommand({ subcommand: 'add', models: 'gpt2 gpt2' }, parsePinned))).toBe('DUPLICATE_MODEL');
    expect(refusal(() => optionsToCommand({ subcommand: 'add', models: 'bad id!' }, parsePinned))).toBe('INVALID_MODEL_ID');
    expect(refusal(() => optionsToCommand({ subcommand: 'status', model: 'a b' }, parsePinned))).toBe('INVALID_COMMAND');
    expect(refusal(() => optionsToCommand({ subcommand: 'revert', change: 'x y' }, parsePinned))).toBe('INVALID_COMMAND');
    expect(refusal(() => optionsToCommand({ subcommand: 'unpin', models: 'gpt2' }, parsePinned))).toBe('INVALID_COMMAND');
  });

  it('cannot smuggle a second verb through an option', () => {
    expect(optionsToCommand({ subcommand: 'remove', models: 'list' }, parsePinned)).toEqual({ verb: 'remove', modelIds: ['list'] });
  });
});
