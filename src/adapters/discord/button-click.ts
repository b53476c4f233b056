import { MessageFlags, type ButtonInteraction } from 'discord.js';
import { decodeAction } from '../../core/actions.ts';
import { hasCode, isPinbotError } from '../../core/errors.ts';
import { settledNotice } from '../../core/notifications.ts';
import type { ChannelRef, Logger } from '../../core/ports.ts';
import type { Principal } from '../../core/principal.ts';
import { isFinal, type Proposal } from '../../core/proposal.ts';
import { confirmationAnswered, describeError, renderApproveConfirmation, renderOutcome, renderProposalCard } from '../../core/replies.ts';
import { text } from '../../core/ui.ts';
import { channelRefOf } from './channel-ref.ts';
import { messageRefOf } from './channel-messages.ts';
import type { HandlerDeps } from './deps.ts';
import { errorFields } from './discord-errors.ts';
import { postProposal } from './post-proposal.ts';
import { principalOf } from './principal.ts';
import { DISCORD_STYLE, renderCard, renderMessage, renderNotification } from './render-embed.ts';
import { attempt, outcomeOf, tellClicker, within } from './respond.ts';

const UNKNOWN_BUTTON = 'This button is not one pinbot understands (it may be from an older version); nothing was done.';

/**
 * A click on a card's button, routed by its custom id alone: no in-memory state, so cards
 * posted before a restart keep working. The core decides who may act and whether anything is written.
 */
export async function handleButton(interaction: ButtonInteraction, deps: HandlerDeps, baseLog: Logger): Promise<void> {
  const action = decodeAction(interaction.customId);
  if (action === undefined) {
    await tellClicker(interaction, renderMessage({ visibility: 'private', lines: [[text(UNKNOWN_BUTTON)]] }, deps.marker), baseLog);
    return;
  }
  const log = baseLog.child({ proposalId: action.proposalId, action: action.kind });
  const principal = principalOf(interaction);
  switch (action.kind) {
    case 'approve':
      return askToConfirm(interaction, deps, log, action.proposalId, principal);
    case 'confirm':
      return confirmed(interaction, deps, log, deps.service.approve(action.proposalId, principal).then((result) => result.proposal));
    case 'back':
      await attempt(log, 'update', () => interaction.update({ ...renderMessage(confirmationAnswered('back'), deps.marker), components: [] }));
      return;
    case 'cancel':
      return decide(interaction, deps, log, deps.service.cancel(action.proposalId, principal));
    case 'repropose':
      return propose(interaction, deps, log, 'repropose', (context) => deps.service.repropose(action.proposalId, context));
    case 'restore':
      return propose(interaction, deps, log, 'restore', (context) => deps.service.restoreDrift(action.proposalId, context));
  }
}

/**
 * Approve or cancel. Fast work answers with `update()`; slower work (Hugging Face) is deferred
 * first and finished with an edit. The card then shows the new state and, once the proposal is
 * settled, the outcome is posted in the channel.
 */
async function decide(interaction: ButtonInteraction, deps: HandlerDeps, log: Logger, work: Promise<Proposal>): Promise<void> {
  const pending = outcomeOf(work);
  let result = await within(pending, deps.ackDeadlineMs);
  if (result === undefined) {
    await attempt(log, 'deferUpdate', () => interaction.deferUpdate());
    result = await pending;
  }
  if (!result.ok) {
    await refuse(interaction, deps, log, result.error);
    return;
  }
  const proposal = result.value;
  log.info({ state: proposal.state }, 'button handled');
  await showCard(interaction, deps, log, proposal);
  if (!isFinal(proposal.state)) return;
  // Through the shared notifier the message is keyed like recovery's and the sweep's: told once.
  if (deps.notifier) await deps.notifier.send(settledNotice(proposal, DISCORD_STYLE));
  else await deps.channels.send(interaction.channelId, renderMessage(renderOutcome(proposal, DISCORD_STYLE), deps.marker));
}

/**
 * Approve on a card asks first, privately, whether to replace the whole list (the core's wording,
 * as in Slack's dialog); nothing is written until Confirm. A click that cannot count is refused now.
 */
async function askToConfirm(interaction: ButtonInteraction, deps: HandlerDeps, log: Logger, proposalId: string, principal: Principal): Promise<void> {
  const checked = await outcomeOf(deps.service.checkApprovable(proposalId, principal));
  if (!checked.ok) {
    await refuse(interaction, deps, log, checked.error);
    return;
  }
  const { message, actions } = renderApproveConfirmation(checked.value, DISCORD_STYLE);
  await attempt(log, 'reply', () => interaction.reply({ ...renderNotification(message, actions, deps.marker), flags: MessageFlags.Ephemeral }));
}

/**
 * Confirm, on the private confirmation: the approval itself. The confirmation loses its buttons
 * and says what came of it; the card, a message of its own, is edited through the channel.
 */
async function confirmed(interaction: ButtonInteraction, deps: HandlerDeps, log: Logger, work: Promise<Proposal>): Promise<void> {
  const pending = outcomeOf(work);
  let result = await within(pending, deps.ackDeadlineMs);
  if (result === undefined) {
    await attempt(log, 'deferUpdate', () => interaction.deferUpdate());
    result = await pending;
  }
  const answer = result.ok ? confirmationAnswered('confirmed') : describeError(result.error, DISCORD_STYLE);
  const payload = { ...renderMessage(answer, deps.marker), components: [] };
  await attempt(log, interaction.deferred ? 'editReply' : 'update', interaction.deferred
    ? () => deps.editOriginal(interaction, payload)
    : () => interaction.update(payload));
  if (!result.ok) {
    if (isPinbotError(result.error)) log.info(errorFields(result.error), 'confirmation refused');
    else log.error(errorFields(result.error, deps.secrets), 'confirmation failed');
    // The proposal expired while its confirmation was open: the card loses its buttons too.
    if (hasCode(result.error, 'EXPIRED')) {
      const proposal = await deps.service.getProposal(result.error.details.proposalId);
      if (proposal.messageRef !== undefined) await deps.channels.edit(proposal.messageRef, renderCard(renderProposalCard(proposal, DISCORD_STYLE), deps.marker));
    }
    return;
  }
  const proposal = result.value;
  log.info({ state: proposal.state }, 'button handled');
  if (proposal.messageRef !== undefined) await deps.channels.edit(proposal.messageRef, renderCard(renderProposalCard(proposal, DISCORD_STYLE), deps.marker));
  if (!isFinal(proposal.state)) return;
  if (deps.notifier) await deps.notifier.send(settledNotice(proposal, DISCORD_STYLE));
  else await deps.channels.send(interaction.channelId, renderMessage(renderOutcome(proposal, DISCORD_STYLE), deps.marker));
}

/** Updates the clicked card through the interaction; through the channel when its token is gone. */
async function showCard(interaction: ButtonInteraction, deps: HandlerDeps, log: Logger, proposal: Proposal): Promise<void> {
  const payload = renderCard(renderProposalCard(proposal, DISCORD_STYLE), deps.marker);
  const viaToken = interaction.deferred
    ? () => deps.editOriginal(interaction, payload)
    : () => interaction.update(payload);
  if (await attempt(log, interaction.deferred ? 'editReply' : 'update', viaToken)) return;
  const edited = await deps.channels.edit(proposal.messageRef ?? messageRefOf(interaction.message), payload);
  log.info({ edited }, 'card edited through the channel instead');
}

/** A refusal only the clicker sees; nothing was written. An expired card is also brought up to date. */
async function refuse(interaction: ButtonInteraction, deps: HandlerDeps, log: Logger, error: unknown): Promise<void> {
  if (isPinbotError(error)) log.info(errorFields(error), 'click refused');
  else log.error(errorFields(error, deps.secrets), 'click failed');
  await tellClicker(interaction, renderMessage(describeError(error, DISCORD_STYLE), deps.marker), log);
  // This click expired the proposal: its card loses its buttons. A decided card was redrawn by its decider.
  if (hasCode(error, 'EXPIRED')) {
    const proposal = await deps.service.getProposal(error.details.proposalId);
    await deps.channels.edit(proposal.messageRef ?? messageRefOf(interaction.message), renderCard(renderProposalCard(proposal, DISCORD_STYLE), deps.marker));
  }
}

/** Redraws the card whose button was clicked in its proposal's current state, e.g. without a used button. */
async function redrawClickedCard(interaction: ButtonInteraction, deps: HandlerDeps): Promise<void> {
  const action = decodeAction(interaction.customId);
  if (!action) return;
  const proposal = await deps.service.getProposal(action.proposalId);
  await deps.channels.edit(proposal.messageRef ?? messageRefOf(interaction.message), renderCard(renderProposalCard(proposal, DISCORD_STYLE), deps.marker));
}

/**
 * "Propose again on the current list" from a stale card, or Restore from a drift alert: a new
 * proposal and a new card, through the same approval.
 */
async function propose(
  interaction: ButtonInteraction,
  deps: HandlerDeps,
  log: Logger,
  what: 'repropose' | 'restore',
  make: (context: { principal: Principal; channel: ChannelRef }) => Promise<Proposal>,
): Promise<void> {
  if (!(await attempt(log, 'deferReply', () => interaction.deferReply({ flags: MessageFlags.Ephemeral })))) return;
  try {
    const proposal = await make({
      principal: principalOf(interaction),
      channel: channelRefOf(interaction),
    });
    await postProposal(interaction, proposal, deps, log);
    if (what === 'repropose') await redrawClickedCard(interaction, deps);
  } catch (error) {
    if (isPinbotError(error)) log.info(errorFields(error), `${what} refused`);
    else log.error(errorFields(error, deps.secrets), `${what} failed`);
    await attempt(log, 'editReply', () => deps.editOriginal(interaction, renderMessage(describeError(error, DISCORD_STYLE), deps.marker)));
    if (hasCode(error, 'ALREADY_REPROPOSED')) await redrawClickedCard(interaction, deps);
  }
}
