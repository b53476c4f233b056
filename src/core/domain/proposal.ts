import type { ProposalCommand } from './command.ts';
import type { HubCheck } from './model-catalog.ts';
import type { Pin } from './pin.ts';
import type { ChannelRef } from './channel.ts';
import type { Principal } from './principal.ts';

export type ProposalState = 'pending' | 'applying' | 'applied' | 'failed' | 'cancelled' | 'expired' | 'stale';

export const FINAL_STATES: readonly ProposalState[] = ['applied', 'failed', 'cancelled', 'expired', 'stale'];

export type DiffLine =
  | { readonly kind: 'added'; readonly modelId: string; readonly computeType: string }
  | { readonly kind: 'removed'; readonly modelId: string; readonly computeType: string }
  | { readonly kind: 'compute'; readonly modelId: string; readonly from: string; readonly to: string };

/**
 * A write in several steps that stopped midway: exactly which changes landed and which did not,
 * and the state the writes made, so every reply can say what it really is.
 */
export interface PartialWrite {
  /** The diff lines that were written. */
  readonly changed: readonly DiffLine[];
  /** The diff lines that were not: the one that failed first, then those not tried. */
  readonly unchanged: readonly DiffLine[];
  /** The entry whose write failed, when one did (a process that stopped mid-apply names none). */
  readonly failed?: string;
  /** Why it stopped: the failed write's reason, or that pinbot stopped during the apply. */
  readonly reason: string;
  /** The list (warm set) after the writes that were made. */
  readonly after: readonly Pin[];
  /** The audit entry that records what was changed. */
  readonly changeId: string;
}

/** How a proposal ended, for the card and the channel. */
export type ProposalOutcome =
  | { readonly kind: 'applied'; readonly message: string; readonly changeId: string }
  /**
   * `partial`: a write that stopped midway, with exactly what it changed; `restoreAlertId`: the
   * Restore button for what it changed.
   */
  | { readonly kind: 'failed'; readonly code: string; readonly message: string; readonly partial?: PartialWrite; readonly restoreAlertId?: string }
  | {
    readonly kind: 'stale';
    readonly changedUnderneath: readonly DiffLine[];
    readonly allowedBefore: number;
    readonly allowedNow: number;
    /** Set once "propose again" was used: the proposal it made, and who asked; the button is then gone. */
    readonly reproposed?: { readonly proposalId: string; readonly by: Principal };
    /** Set when pinbot itself changed the list under it: the proposal whose apply did, so its card is redrawn at once. */
    readonly supersededBy?: string;
  }
  | { readonly kind: 'cancelled' }
  /** Still `applying`: the write went out but Hugging Face did not confirm it; reconciled from the live list. */
  | { readonly kind: 'unconfirmed'; readonly message: string }
  | { readonly kind: 'expired' };

export interface Proposal {
  readonly id: string;
  readonly scope: string;
  readonly state: ProposalState;
  readonly command: ProposalCommand;
  readonly requester: Principal;
  readonly channel: ChannelRef;
  /** The backend that planned it (its registry name): the one that may apply it, and whose words its card uses. */
  readonly backend: string;
  /** The live entries when the proposal was made, and their version. */
  readonly base: readonly Pin[];
  readonly baseVersion: string;
  /**
   * What the backend kept of the live state it planned on, beyond `base` (the settings of each
   * entry it touches, say); only that backend reads it back, and validates it when it does.
   */
  readonly seen?: unknown;
  /** The full list that approval writes. */
  readonly proposed: readonly Pin[];
  readonly diff: readonly DiffLine[];
  readonly allowed: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly approvals: readonly Principal[];
  readonly approvalsRequired: number;
  /** What the Hub said, when proposed, about each model the change adds or moves. */
  readonly hubChecks?: readonly HubCheck[];
  readonly decidedBy?: Principal;
  readonly decidedAt?: number;
  readonly outcome?: ProposalOutcome;
  /** The platform's id of the card message, so it can be edited later. */
  readonly messageRef?: string;
}

export function isFinal(state: ProposalState): boolean {
  return FINAL_STATES.includes(state);
}
