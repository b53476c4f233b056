import { MessageFlags, type ChatInputCommandInteraction } from 'discord.js';
import { isPinbotError } from '../../core/errors.ts';
import type { Logger } from '../../core/ports.ts';
import { describeError, renderResult } from '../../core/replies.ts';
import { text } from '../../core/ui.ts';
import { channelRefOf } from './channel-ref.ts';
import { COMMAND_NAME } from './command-definitions.ts';
import type { HandlerDeps } from './deps.ts';
import { errorFields } from './discord-errors.ts';
import { optionsToCommand, readPinsOptions } from './options-to-command.ts';
import { postProposal } from './post-proposal.ts';
import { principalOf } from './principal.ts';
import { DISCORD_STYLE, renderMessage, type TextPayload } from './render-embed.ts';
import { attempt } from './respond.ts';

const UNBOUND_CHANNEL = 'This channel is not bound to a pinbot scope, so /pins does nothing here. Ask an admin to add it to discord_channels, or its server to discord_guilds.';

/**
 * `/pins <subcommand>`: acknowledged at once with a private deferral, so every answer and every
 * refusal stays private; a change's card is then posted in the channel for review.
 */
export async function handleSlashCommand(interaction: ChatInputCommandInteraction, deps: HandlerDeps, log: Logger): Promise<void> {
  if (interaction.commandName !== COMMAND_NAME) return;
  if (!(await attempt(log, 'deferReply', () => interaction.deferReply({ flags: MessageFlags.Ephemeral })))) return;
  await deps.turn();
  const answer = (payload: TextPayload) => attempt(log, 'editReply', () => deps.editOriginal(interaction, payload));

  const channel = channelRefOf(interaction);
  const scope = deps.scopeFor(channel);
  if (scope === undefined) {
    await answer(renderMessage({ visibility: 'private', lines: [[text(UNBOUND_CHANNEL)]] }, deps.marker));
    return;
  }
  try {
    const command = optionsToCommand(readPinsOptions(interaction), (text) => deps.service.parse(text, scope));
    const scoped = log.child({ scope, verb: command.verb });
    const result = await deps.service.execute(command, { scope, principal: principalOf(interaction), channel });
    await deps.turn();
    if (result.kind === 'proposal') {
      await postProposal(interaction, result.proposal, deps, scoped);
      return;
    }
    await answer(renderMessage(renderResult(result, DISCORD_STYLE), deps.marker));
  } catch (error) {
    if (isPinbotError(error)) log.info(errorFields(error), 'command refused');
    else log.error(errorFields(error, deps.secrets), 'command failed');
    await answer(renderMessage(describeError(error, DISCORD_STYLE), deps.marker));
  }
}
