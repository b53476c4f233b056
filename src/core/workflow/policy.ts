import type { Proposal } from '../domain/proposal.ts';
import { samePrincipal, type Principal } from '../domain/principal.ts';

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/** Who may do what in a scope. Adapters only build principals; the decision is made here. */
export interface Policy {
  canPropose(scope: string, who: Principal): Decision;
  canApprove(proposal: Proposal, who: Principal): Decision;
  canCancel(proposal: Proposal, who: Principal): Decision;
  approvalsRequired(scope: string): number;
  /** How long a proposal in this scope waits for approval; the service default when absent. */
  proposalTtlMs?(scope: string): number;
  /** Sentences for `help`: the scope's rules and what `who` may do. */
  describe?(scope: string, who: Principal): string[];
}

const ALLOWED: Decision = { allowed: true };

/** The default without a policy file: anyone may propose, and anyone, the requester included, may approve or cancel. */
export const openPolicy: Policy = {
  canPropose: () => ALLOWED,
  canApprove: () => ALLOWED,
  canCancel: () => ALLOWED,
  approvalsRequired: () => 1,
};

/** Anyone may propose; only the requester may approve or cancel their own proposal. */
export const requesterOnlyPolicy: Policy = {
  canPropose: () => ALLOWED,
  canApprove: (proposal, who) =>
    samePrincipal(proposal.requester, who) ? ALLOWED : { allowed: false, reason: 'Only the person who asked for this change may approve it.' },
  canCancel: (proposal, who) =>
    samePrincipal(proposal.requester, who) ? ALLOWED : { allowed: false, reason: 'Only the person who asked for this change may cancel it.' },
  approvalsRequired: () => 1,
};
