import type { ChatInputCommandInteraction } from 'discord.js';
import { z } from 'zod';
import type { Command } from '../../core/domain/command.ts';
import { OPTION } from './command-definitions.ts';

/** What a `/pins` invocation carries, as read from the interaction. */
const pinsOptionsSchema = z.object({
  subcommand: z.string().min(1),
  models: z.string().optional(),
  model: z.string().optional(),
  compute: z.string().optional(),
  change: z.string().optional(),
  period: z.string().optional(),
  schedule: z.string().optional(),
  id: z.string().optional(),
});

export type PinsOptions = z.infer<typeof pinsOptionsSchema>;

/**
 * The text a Slack user would type for the same request: the subcommand is the verb and the
 * option values follow in the grammar's order (models, then the compute type).
 */
export function commandText(options: PinsOptions): string {
  const args = [options.schedule, options.id, options.models, options.model, options.change, options.compute, options.period].filter((value): value is string => value !== undefined);
  return [options.subcommand, ...args].join(' ');
}

/**
 * Options → the core `Command`, through the one parser every platform uses (`parse`: the scope's,
 * so a refusal speaks of its own things). Throws `PinbotError`.
 */
export function optionsToCommand(options: PinsOptions, parse: (text: string) => Command): Command {
  return parse(commandText(pinsOptionsSchema.parse(options)));
}

export function readPinsOptions(interaction: ChatInputCommandInteraction): PinsOptions {
  const { options } = interaction;
  const value = (name: string): string | undefined => options.getString(name) ?? undefined;
  return pinsOptionsSchema.parse({
    subcommand: options.getSubcommand(true),
    models: value(OPTION.models),
    model: value(OPTION.model),
    compute: value(OPTION.compute),
    change: value(OPTION.change),
    period: value(OPTION.period),
    schedule: value(OPTION.schedule),
    id: value(OPTION.id),
  });
}
