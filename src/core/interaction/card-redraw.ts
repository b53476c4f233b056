import type { Proposal } from '../domain/proposal.ts';
import { renderProposalCard } from '../words/replies.ts';
import type { CardSurface } from './chat-surface.ts';

/**
 * Draws a proposal's card again in its current state, for proposals settled outside a click (the
 * expiry sweep, recovery after a restart, another proposal's apply). Only the platform the card was
 * posted on draws it, and only a card whose place was recorded.
 */
export async function redrawCard(surface: CardSurface, proposal: Proposal): Promise<void> {
  if (proposal.channel.platform !== surface.platform || proposal.messageRef === undefined) return;
  await surface.editCard(proposal, renderProposalCard(proposal, surface.style));
}
