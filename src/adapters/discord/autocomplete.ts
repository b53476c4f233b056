import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import { VERBS } from '../../core/domain/command.ts';
import type { Logger } from '../../core/ports.ts';
import { channelRefOf } from './channel-ref.ts';
import { AUTOCOMPLETED, OPTION } from './command-definitions.ts';
import type { HandlerDeps } from './deps.ts';
import { errorFields } from './discord-errors.ts';
import { principalOf } from './principal.ts';
import { attempt, outcomeOf, within } from './respond.ts';

/** Discord shows at most 25 choices; a choice's name and value are at most 100 characters. */
const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

/**
 * Choices for a model option from the live pinned list. For the space-separated `models` option
 * the last word is the one being typed; earlier words are kept and not suggested again.
 */
export function modelChoices(typed: string, pinned: readonly string[], severalModels: boolean): ApplicationCommandOptionChoiceData<string>[] {
  const words = typed.split(/\s+/).filter((word) => word !== '');
  const typing = /\s$/.test(typed) || words.length === 0 ? '' : (words.pop() ?? '');
  const earlier = severalModels ? words : [];
  const prefix = typing.toLowerCase();
  return pinned
    .filter((id) => id.toLowerCase().startsWith(prefix) && !earlier.includes(id))
    .map((id) => [...earlier, id].join(' '))
    .filter((value) => value.length <= MAX_CHOICE_LENGTH)
    .slice(0, MAX_CHOICES)
    .map((value) => ({ name: value, value }));
}

export async function handleAutocomplete(interaction: AutocompleteInteraction, deps: HandlerDeps, log: Logger): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const subcommand = interaction.options.getSubcommand(false);
  const verb = VERBS.find((candidate) => candidate === subcommand);
  const channel = channelRefOf(interaction);
  const scope = deps.scopeFor(channel);
  const modelOption = focused.name === OPTION.models || focused.name === OPTION.model;
  let choices: ApplicationCommandOptionChoiceData<string>[] = [];
  if (scope !== undefined && verb !== undefined && AUTOCOMPLETED.has(verb) && modelOption) {
    const context = { scope, principal: principalOf(interaction), channel };
    // Autocomplete has the same 3 s budget and cannot be deferred: no answer in time means no choices.
    const result = await within(outcomeOf(deps.service.execute({ verb: 'list' }, context)), deps.ackDeadlineMs);
    if (result?.ok && result.value.kind === 'list') {
      choices = modelChoices(focused.value, result.value.list.pins.map((pin) => pin.modelId), focused.name === OPTION.models);
    } else {
      log.warn(result === undefined ? { timedOut: true } : result.ok ? {} : errorFields(result.error), 'no autocomplete choices: the pinned list was not read in time');
    }
  }
  await attempt(log, 'respond', () => interaction.respond(choices));
}
