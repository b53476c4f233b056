import type { RequestContext } from '../workflow/pinning-service.ts';
import type { Proposal } from '../domain/proposal.ts';
import { renderOutcome, renderProposalCard } from '../words/replies.ts';
import type { Card, Message } from '../domain/ui.ts';
import type { CardSurface, InteractionDeps } from './chat-surface.ts';

/**
 * What the person at a surface without buttons answers, there and then: yes, no, or nothing at all
 * (the input ended), with the surface's own words for that.
 */
export type Answer =
  | { readonly kind: 'yes' }
  | { readonly kind: 'no' }
  | { readonly kind: 'unanswered'; readonly note: Message };

/**
 * A surface where the person who asked is the one who decides, at once (the terminal console): no
 * buttons, no one else to approve later, and no channel to tell.
 */
export interface AskingSurface extends CardSurface {
  /** Shows a new proposal's card. */
  postCard(proposal: Proposal, card: Card): Promise<void>;
  /** Shows `message` to the person at the surface. */
  answerPrivately(message: Message): Promise<void>;
  /** Asks and waits: apply the change on the card just shown? or, after a write that stopped midway, restore what it changed? */
  ask(question: 'apply' | 'restore', proposal: Proposal): Promise<Answer>;
}

/**
 * Shows a new proposal and decides it there: yes approves it and shows the card as it ended; no,
 * or no answer, cancels it, as nobody else can approve it here. After a write that stopped midway
 * the surface is asked whether to restore what it changed, and that proposal is decided the same
 * way. True when the change was applied.
 */
export async function decideAtOnce(
  deps: Pick<InteractionDeps, 'service'>, surface: AskingSurface, proposal: Proposal, request: Omit<RequestContext, 'scope'>,
): Promise<boolean> {
  await surface.postCard(proposal, renderProposalCard(proposal, surface.style));
  const answer = await surface.ask('apply', proposal);
  if (answer.kind !== 'yes') {
    const cancelled = await deps.service.cancel(proposal.id, request.principal);
    // No one answered (the input closed, e.g. a script): saying a person cancelled it would mislead.
    await surface.answerPrivately(answer.kind === 'unanswered' ? answer.note : renderOutcome(cancelled, surface.style));
    return false;
  }
  const result = await deps.service.approve(proposal.id, request.principal);
  await surface.editCard(result.proposal, renderProposalCard(result.proposal, surface.style));
  await offerRestore(deps, surface, result.proposal, request);
  return result.kind === 'settled' && result.proposal.state === 'applied';
}

/** The Restore button of a write that stopped midway, as a question: propose putting back what it changed. */
async function offerRestore(
  deps: Pick<InteractionDeps, 'service'>, surface: AskingSurface, proposal: Proposal, request: Omit<RequestContext, 'scope'>,
): Promise<void> {
  const outcome = proposal.outcome;
  if (outcome?.kind !== 'failed' || outcome.restoreAlertId === undefined) return;
  if ((await surface.ask('restore', proposal)).kind !== 'yes') return;
  await decideAtOnce(deps, surface, await deps.service.restoreDrift(outcome.restoreAlertId, request), request);
}
