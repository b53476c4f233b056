import { samePrincipal, type Principal } from '../core/domain/principal.ts';
import { isFinal, type Proposal, type ProposalState } from '../core/domain/proposal.ts';
import type { ProposalPatch, ProposalStore } from '../core/ports.ts';

/**
 * Proposals in this process's memory. Transitions are atomic because each runs to completion
 * without awaiting; it does not survive a restart and must not be shared by several replicas.
 */
export class MemoryProposalStore implements ProposalStore {
  private readonly proposals = new Map<string, Proposal>();

  async create(proposal: Proposal): Promise<void> {
    if (this.proposals.has(proposal.id)) throw new Error(`proposal ${proposal.id} exists`);
    this.proposals.set(proposal.id, proposal);
  }

  async get(id: string): Promise<Proposal | undefined> {
    return this.proposals.get(id);
  }

  async transition(id: string, from: ProposalState, to: ProposalState, patch: ProposalPatch = {}): Promise<Proposal | undefined> {
    const current = this.proposals.get(id);
    if (current?.state !== from) return undefined;
    const next: Proposal = { ...current, ...patch, state: to };
    this.proposals.set(id, next);
    return next;
  }

  async addApproval(id: string, approver: Principal): Promise<Proposal | undefined> {
    const current = this.proposals.get(id);
    if (current?.state !== 'pending') return undefined;
    if (current.approvals.some((a) => samePrincipal(a, approver))) return current;
    const next: Proposal = { ...current, approvals: [...current.approvals, approver] };
    this.proposals.set(id, next);
    return next;
  }

  async setMessageRef(id: string, messageRef: string): Promise<void> {
    const current = this.proposals.get(id);
    if (current) this.proposals.set(id, { ...current, messageRef });
  }

  async listByState(scope: string | undefined, state: ProposalState): Promise<Proposal[]> {
    return [...this.proposals.values()]
      .filter((p) => (scope === undefined || p.scope === scope) && p.state === state)
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  async listSettledSince(since: number): Promise<Proposal[]> {
    return [...this.proposals.values()]
      .filter((p) => isFinal(p.state) && (p.decidedAt ?? -Infinity) >= since)
      .sort((a, b) => (a.decidedAt ?? 0) - (b.decidedAt ?? 0));
  }

  async listExpired(now: number): Promise<Proposal[]> {
    return [...this.proposals.values()].filter((p) => p.state === 'pending' && p.expiresAt <= now);
  }
}
