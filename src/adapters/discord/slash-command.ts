import type { ChatInputCommandInteraction } from 'discord.js';
import { handleCommand } from '../../core/interaction/command-flow.ts';
import type { Logger } from '../../core/ports.ts';
import { text } from '../../core/domain/ui.ts';
import { channelRefOf } from './channel-ref.ts';
import { COMMAND_NAME } from './command-definitions.ts';
import type { HandlerDeps } from './deps.ts';
import { DiscordSurface } from './discord-surface.ts';
import { optionsToCommand, readPinsOptions } from './options-to-command.ts';
import { principalOf } from './principal.ts';

const UNBOUND_CHANNEL = 'This channel is not bound to a pinbot scope, so /pins does nothing here. Ask an admin to add it to discord_channels, or its server to discord_guilds.';

/**
 * `/pins <subcommand>`: acknowledged at once with a private deferral, so every answer and every
 * refusal stays private; a change's card is then posted in the channel for review.
 */
export async function handleSlashCommand(interaction: ChatInputCommandInteraction, deps: HandlerDeps, log: Logger): Promise<void> {
  if (interaction.commandName !== COMMAND_NAME) return;
  const surface = new DiscordSurface(interaction, deps, log);
  if (!(await surface.deferPrivately())) return;
  await deps.turn();

  const channel = channelRefOf(interaction);
  const scope = deps.scopeFor(channel);
  if (scope === undefined) {
    await surface.answerPrivately({ visibility: 'private', lines: [[text(UNBOUND_CHANNEL)]] });
    return;
  }
  await handleCommand(deps, surface, {
    command: () => optionsToCommand(readPinsOptions(interaction), (typed) => deps.service.parse(typed, scope)),
    context: { scope, principal: principalOf(interaction), channel },
    logger: log.child({ scope }),
  });
}
