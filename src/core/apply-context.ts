import { isPinbotError } from './domain/errors.ts';
import type { Pin } from './domain/pin.ts';
import type { Clock, Logger, SnapshotStore } from './ports.ts';
import type { Proposal, ProposalOutcome } from './domain/proposal.ts';
import type { DiffLine } from './domain/proposal.ts';

/** What the pinning service lends an apply, and a recovery after a crash, to record and settle its outcome. */
export interface RecordContext {
  readonly snapshots: SnapshotStore | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly newId: () => string;
  /** Records an applied (or partly applied) change in the audit log, as the state really went; returns its id. */
  readonly recordChange: (proposal: Proposal, before: readonly Pin[], after: readonly Pin[]) => Promise<string>;
  readonly settle: (proposal: Proposal, state: 'applied' | 'failed' | 'stale', outcome: ProposalOutcome) => Promise<Proposal>;
  /**
   * Settles stale, at once, each pending proposal of the scope that `changedUnder` says the
   * settled one changed the ground under (it could only ever go stale at approval), so its
   * Approve button goes now instead of waiting for a click that could not write.
   */
  readonly supersede: (settled: Proposal, changedUnder: (pending: Proposal) => Supersession | undefined) => Promise<void>;
}

/** What an apply under the scope's lock needs besides recording. */
export interface ApplyContext extends RecordContext {
  /** Puts the proposal back to `pending` when nothing was written and the live state is unreadable. */
  readonly release: (proposal: Proposal) => Promise<void>;
  /** Throws `LOCK_LOST` when the scope's lock is no longer held, so no write goes out without it. */
  readonly confirmLock: () => Promise<void>;
  /** Leaves the proposal `applying`, saying why, for recovery to settle from the live state later. */
  readonly leaveUnconfirmed: (proposal: Proposal, message: string) => Promise<Proposal>;
}

/**
 * The live state an apply reads before it writes. When it cannot be read nothing was written, so
 * the proposal goes back to `pending` (the same card can be approved again) and the error is thrown on.
 */
export async function readBeforeWrite<T>(proposal: Proposal, context: ApplyContext, read: () => Promise<T>, what: string): Promise<T> {
  try {
    return await read();
  } catch (error) {
    await context.release(proposal);
    context.log.warn({ code: isPinbotError(error) ? error.code : 'UNKNOWN' }, `${what} unreadable at approval; nothing written`);
    throw error;
  }
}

/** A pending proposal that an apply made stale: what changed under it, and the cap now. */
export interface Supersession {
  readonly changedUnderneath: readonly DiffLine[];
  readonly allowedNow: number;
}
