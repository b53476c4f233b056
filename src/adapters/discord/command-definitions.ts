import { InteractionContextType, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody, type SlashCommandStringOption } from 'discord.js';
import type { Verb } from '../../core/domain/command.ts';
import { USAGE } from '../../backends/classic/words.ts';
import { USAGE_PERIODS } from '../../core/domain/usage.ts';

export const COMMAND_NAME = 'pins';

/**
 * Option names. Several models go in ONE space-separated string option (`models`), exactly as
 * they are typed after the verb in Slack (`gpt2 org/name:gpu`), so both platforms share one grammar.
 */
export const OPTION = { models: 'models', model: 'model', compute: 'compute', change: 'change', period: 'period', schedule: 'schedule', id: 'id' } as const;

/** Subcommands whose model option autocompletes from the live pinned list. */
export const AUTOCOMPLETED: ReadonlySet<Verb> = new Set<Verb>(['remove', 'compute', 'status', 'usage']);

const COMPUTE_CHOICES = [
  { name: 'cpu', value: 'cpu' },
  { name: 'gpu', value: 'gpu' },
];

/** The `USAGE` text after the dash, within Discord's 100-character description limit. */
function describe(verb: Verb): string {
  const summary = USAGE[verb].split(' — ')[1] ?? verb;
  return summary.charAt(0).toUpperCase() + summary.slice(1, 100);
}

const models = (description: string, autocomplete = false) => (option: SlashCommandStringOption) =>
  option.setName(OPTION.models).setDescription(description).setRequired(true).setMaxLength(1000).setAutocomplete(autocomplete);

const compute = (required: boolean, description: string) => (option: SlashCommandStringOption) =>
  option.setName(OPTION.compute).setDescription(description).setRequired(required).addChoices(...COMPUTE_CHOICES);

/** `/pins` with one subcommand per verb of the core grammar. */
export function pinsCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName(COMMAND_NAME)
    .setDescription('Manage the Hugging Face pinned models (changes need approval)')
    .setContexts(InteractionContextType.Guild);
  command
    .addSubcommand((s) => s.setName('list').setDescription(describe('list')))
    .addSubcommand((s) =>
      s.setName('add').setDescription(describe('add'))
        .addStringOption(models('Model ids separated by spaces; a model may carry :cpu or :gpu, e.g. gpt2 org/name:gpu'))
        .addStringOption(compute(false, 'Compute type for models without their own (default cpu)')))
    .addSubcommand((s) =>
      s.setName('remove').setDescription(describe('remove'))
        .addStringOption(models('Pinned model ids separated by spaces', true)))
    .addSubcommand((s) =>
      s.setName('set').setDescription(describe('set'))
        .addStringOption(models('The whole new list: model ids separated by spaces, each may carry :cpu or :gpu'))
        .addStringOption(compute(false, 'Compute type for models without their own (default cpu)')))
    .addSubcommand((s) =>
      s.setName('compute').setDescription(describe('compute'))
        .addStringOption(models('Pinned model ids separated by spaces', true))
        .addStringOption(compute(true, 'The compute type to move them to')))
    .addSubcommand((s) => s.setName('clear').setDescription(describe('clear')))
    .addSubcommand((s) =>
      s.setName('status').setDescription(describe('status'))
        .addStringOption((o) => o.setName(OPTION.model).setDescription('One pinned model (default: all)').setAutocomplete(true).setMaxLength(200)))
    .addSubcommand((s) => s.setName('pending').setDescription(describe('pending')))
    .addSubcommand((s) => s.setName('history').setDescription(describe('history')))
    .addSubcommand((s) =>
      s.setName('revert').setDescription(describe('revert'))
        .addStringOption((o) => o.setName(OPTION.change).setDescription('Change id, as shown by /pins history').setRequired(true).setMaxLength(64)))
    .addSubcommand((s) =>
      s.setName('usage').setDescription('Requests, errors and what keeping ready cost over a period')
        .addStringOption((o) => o.setName(OPTION.model).setDescription('One entry (default: all)').setAutocomplete(true).setMaxLength(200))
        .addStringOption((o) => o.setName(OPTION.period).setDescription('The period (default 24h)')
          .addChoices(...USAGE_PERIODS.map((period) => ({ name: period, value: period })))))
    .addSubcommand((s) =>
      s.setName('schedule').setDescription('Keep an entry ready in some hours only (changes need approval)')
        // The words after the verb, as typed in Slack, so both platforms share the schedule grammar.
        .addStringOption((o) => o.setName(OPTION.schedule).setRequired(true).setMaxLength(300)
          .setDescription('Entry, warm or pinned, days, hours, zone: my-endpoint warm mon-fri 09:00-17:00 Europe/Paris')))
    .addSubcommand((s) => s.setName('schedules').setDescription(describe('schedules')))
    .addSubcommand((s) =>
      s.setName('unschedule').setDescription(describe('unschedule'))
        .addStringOption((o) => o.setName(OPTION.id).setDescription('Schedule id, as shown by /pins schedules').setRequired(true).setMaxLength(64)))
    .addSubcommand((s) => s.setName('help').setDescription(describe('help')));
  return command;
}

/** The JSON body Discord's bulk-overwrite endpoint takes. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [pinsCommand().toJSON()];
}
