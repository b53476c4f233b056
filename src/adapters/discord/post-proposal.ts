import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { Logger } from '../../core/ports.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import { text, type Card } from '../../core/domain/ui.ts';
import { messageRefOf } from './channel-messages.ts';
import type { HandlerDeps } from './deps.ts';
import { renderCard, renderMessage } from './render-embed.ts';
import { attempt } from './respond.ts';

/**
 * Posts a new proposal's card in the channel (so everyone can review and approve it) and tells
 * the requester, in their deferred private reply, where it is. If the bot cannot post there,
 * the card goes into that private reply instead, so the requester can still act on it.
 */
export async function postProposal(
  interaction: ChatInputCommandInteraction | ButtonInteraction,
  proposal: Proposal,
  rendered: Card,
  deps: HandlerDeps,
  log: Logger,
): Promise<void> {
  const card = renderCard(rendered, deps.marker);
  const channelId = interaction.channelId ?? proposal.channel.channelId;
  const posted = await deps.channels.send(channelId, card);
  if (posted) {
    await deps.service.attachMessage(proposal.id, messageRefOf(posted));
    log.info({ proposalId: proposal.id, messageId: posted.id }, 'proposal card posted');
    const note = renderMessage({ visibility: 'private', lines: [[text('Proposal posted for approval: '), text(posted.url)]] }, deps.marker);
    await attempt(log, 'editReply', () => deps.editOriginal(interaction, note));
    return;
  }
  const note = renderMessage({
    visibility: 'private',
    lines: [[text("I can't post in this channel (missing permission?), so only you can see this proposal.")]],
  }, deps.marker);
  await attempt(log, 'editReply', () => deps.editOriginal(interaction, { ...card, ...note }));
}
