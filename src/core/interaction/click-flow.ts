import { hasCode, isPinbotError } from '../domain/errors.ts';
import { settledNotice } from '../follow-ups/notifications.ts';
import { switchNotice } from '../follow-ups/schedule-switcher.ts';
import { isFinal, type Proposal } from '../domain/proposal.ts';
import { confirmationAnswered, describeError, renderApproveConfirmation, renderOutcome, renderProposalCard } from '../words/replies.ts';
import type { ChatSurface, Click, InteractionDeps } from './chat-surface.ts';

/**
 * What a button click leads to, on every platform. The service decides who may act and who wins;
 * this decides what is shown after: the card drawn again, the outcome told once in the channel,
 * a new card posted, or a refusal only the clicker sees. Never throws.
 */
export async function handleClick(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  try {
    switch (click.kind) {
      case 'approve':
        if (surface.askToConfirm) await askToConfirm(deps, surface, click, surface.askToConfirm.bind(surface));
        else await approve(deps, surface, click);
        return;
      case 'confirm':
        await approve(deps, surface, click);
        return;
      case 'back':
        // Slack never sends it: its confirmation is a dialog of its own.
        if (surface.askToConfirm) await surface.answerPrivately(confirmationAnswered('back'));
        return;
      case 'cancel':
        await decide(deps, surface, click, deps.service.cancel(click.id, click.principal));
        return;
      case 'repropose':
        await repropose(deps, surface, click);
        return;
      case 'restore':
        await restore(deps, surface, click);
        return;
      case 'letgocold':
        await letGoCold(deps, surface, click);
        return;
      case 'resume':
        await resumeSchedule(deps, surface, click);
        return;
      case 'unschedule':
        await proposeUnschedule(deps, surface, click);
        return;
    }
  } catch (error) {
    await refuse(deps, surface, click, error);
  }
}

/** Approve asks first where the platform asks with buttons; only a click that can count is asked. */
async function askToConfirm(deps: InteractionDeps, surface: ChatSurface, click: Click, ask: NonNullable<ChatSurface['askToConfirm']>): Promise<void> {
  const proposal = await deps.service.checkApprovable(click.id, click.principal);
  await ask(renderApproveConfirmation(proposal, surface.style));
}

/** The approval itself. */
async function approve(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  await decide(deps, surface, click, deps.service.approve(click.id, click.principal).then((result) => result.proposal));
}

/**
 * An approval or cancellation: the card shows the proposal's new state (an approval recorded, an
 * apply under way, or how it ended) and, once it has ended, the channel is told.
 */
async function decide(deps: InteractionDeps, surface: ChatSurface, click: Click, work: Promise<Proposal>): Promise<void> {
  await surface.acknowledgeDecision?.(work);
  const proposal = await work;
  // Confirmed on a private confirmation: it loses its buttons and says so; the card is a message of its own.
  if (click.kind === 'confirm' && surface.askToConfirm) await surface.answerPrivately(confirmationAnswered('confirmed'));
  click.logger.info({ state: proposal.state }, 'button handled');
  await surface.editCard(proposal, renderProposalCard(proposal, surface.style));
  if (isFinal(proposal.state)) await announce(deps, surface, proposal);
}

/**
 * "Propose again on the current list" from a stale card: a new proposal and a new card, through
 * the same approval; the stale card is drawn again without its button.
 */
async function repropose(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  if (surface.acknowledgeProposal && !(await surface.acknowledgeProposal())) return;
  const channel = click.channel ?? (await deps.service.getProposal(click.id)).channel;
  const fresh = await deps.service.repropose(click.id, { principal: click.principal, channel });
  await surface.postCard(fresh, renderProposalCard(fresh, surface.style));
  const stale = await deps.service.getProposal(click.id);
  await surface.editCard(stale, renderProposalCard(stale, surface.style));
}

/** A Restore button (a drift alert's, or a partial write's): a normal proposal, through the same approval. */
async function restore(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  if (surface.acknowledgeProposal && !(await surface.acknowledgeProposal())) return;
  if (click.channel === undefined) return;
  const proposal = await deps.service.restoreDrift(click.id, { principal: click.principal, channel: click.channel });
  await surface.postCard(proposal, renderProposalCard(proposal, surface.style));
}

/** An idle alert's Let it go cold button: a normal proposal to remove the entry, through the same approval. */
async function letGoCold(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  if (surface.acknowledgeProposal && !(await surface.acknowledgeProposal())) return;
  if (click.channel === undefined) return;
  const proposal = await deps.service.letGoCold(click.id, { principal: click.principal, channel: click.channel });
  await surface.postCard(proposal, renderProposalCard(proposal, surface.style));
}

/** An override notice's Resume button: the schedule takes the entry as it is and switches to what should hold now. */
async function resumeSchedule(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  // The switch is written at once, which can take longer than a platform waits for its answer.
  if (surface.acknowledgeProposal && !(await surface.acknowledgeProposal())) return;
  const { schedule, result, line } = await deps.service.resumeSchedule(click.id, click.principal);
  await surface.answerPrivately({ ...line, visibility: 'private' });
  // A switch written is read in the channel under the schedule's card, as one made on time; a
  // click that found nothing to write (a repeat, say) is the clicker's business only.
  if (result.kind !== 'written') return;
  if (deps.notifier) {
    const card = await deps.service.getProposal(schedule.proposalId).catch(() => undefined);
    await deps.notifier.send(switchNotice(schedule, card?.messageRef, schedule.left.at, result, line));
  } else {
    await surface.announce(result.proposal, { ...line, visibility: 'channel' });
  }
}

/** An override notice's Remove button: a proposal to remove the schedule, through the same approval. */
async function proposeUnschedule(deps: InteractionDeps, surface: ChatSurface, click: Click): Promise<void> {
  if (surface.acknowledgeProposal && !(await surface.acknowledgeProposal())) return;
  if (click.channel === undefined) return;
  const schedule = await deps.service.scheduleOf(click.id);
  const proposal = await deps.service.propose({ verb: 'unschedule', scheduleId: click.id }, { scope: schedule.scope, principal: click.principal, channel: click.channel });
  await surface.postCard(proposal, renderProposalCard(proposal, surface.style));
}

/**
 * The one channel message about how a proposal ended, posted by the click that ended it; through
 * the shared notifier when there is one, so it is keyed like recovery's and the sweep's.
 */
async function announce(deps: InteractionDeps, surface: ChatSurface, proposal: Proposal): Promise<void> {
  if (deps.notifier) await deps.notifier.send(settledNotice(proposal, surface.style));
  else await surface.announce(proposal, renderOutcome(proposal, surface.style));
}

/**
 * A refusal or failure only the clicker sees; nothing was written. A card whose button this click
 * found unable to act (it expired the proposal, or the change was already proposed again) is drawn
 * again without it; a decided card was drawn by its decider.
 */
async function refuse(deps: InteractionDeps, surface: ChatSurface, click: Click, error: unknown): Promise<void> {
  if (isPinbotError(error)) click.logger.info({ code: error.code }, 'click refused');
  else click.logger.error(surface.failureFields(error), 'click failed');
  await surface.answerPrivately(describeError(error, surface.style));
  if (!hasCode(error, 'EXPIRED') && !hasCode(error, 'ALREADY_REPROPOSED')) return;
  try {
    const proposal = await deps.service.getProposal(click.id);
    if (isFinal(proposal.state)) await surface.editCard(proposal, renderProposalCard(proposal, surface.style));
  } catch (failure) {
    click.logger.warn(surface.failureFields(failure), 'card could not be refreshed');
  }
}
