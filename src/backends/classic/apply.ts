import { hasCode, isPinbotError } from '../../core/domain/errors.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { diffLists, sameAssignments } from '../../core/domain/plan.ts';
import type { Proposal, ProposalOutcome } from '../../core/domain/proposal.ts';
import { readBeforeWrite, type ApplyContext, type RecordContext } from '../../core/apply-context.ts';
import type { PinnedList, PinnedModelsApi } from './api.ts';
import { listVersion } from './plan.ts';

type ListApi = Pick<PinnedModelsApi, 'readPins' | 'writePins'>;

/**
 * Applies a proposal made on a pinned list, under the scope's lock: re-reads the list and writes
 * nothing if it changed since the proposal (its version) or if the plan's cap no longer allows it;
 * then writes the full list once, checks the answer, records the change and the list as pinbot
 * last wrote it. A write that cannot be confirmed is looked for once, else left for recovery.
 */
export async function applyWholeList(proposal: Proposal, api: ListApi, context: ApplyContext): Promise<Proposal> {
  const { log } = context;
  const live = await readBeforeWrite(proposal, context, () => api.readPins(), 'live list');

  if (listVersion(live.pins) !== proposal.baseVersion) {
    const outcome: ProposalOutcome = {
      kind: 'stale',
      changedUnderneath: diffLists(proposal.base, live.pins),
      allowedBefore: proposal.allowed,
      allowedNow: live.allowed,
    };
    log.info({}, 'live list changed since the proposal; nothing written');
    return context.settle(proposal, 'stale', outcome);
  }
  if (proposal.proposed.length > live.allowed && proposal.proposed.length > 0) {
    return context.settle(proposal, 'failed', {
      kind: 'failed',
      code: 'QUOTA_EXCEEDED',
      message: `The plan now allows ${live.allowed} pinned models; this change needs ${proposal.proposed.length}. Nothing was written.`,
    });
  }

  try {
    await context.confirmLock();
    const answer = await api.writePins(proposal.proposed);
    if (answer.pins && !sameAssignments(answer.pins, proposal.proposed)) {
      log.error({}, 'Hugging Face reported a different list than the one written');
      return context.settle(proposal, 'failed', {
        kind: 'failed',
        code: 'WRITE_NOT_CONFIRMED',
        message: 'Hugging Face accepted the write but reported a different list. Check it with `list`.',
      });
    }
    const changeId = await recordWritten(proposal, proposal.proposed, live.allowed, context);
    log.info({ changeId }, 'pinned list written');
    const applied = await context.settle(proposal, 'applied', { kind: 'applied', message: answer.message, changeId });
    await supersedeOthers(applied, live.allowed, context);
    return applied;
  } catch (error) {
    const code = isPinbotError(error) ? error.code : 'UNKNOWN';
    const message = isPinbotError(error) ? error.message : 'The write failed for an unexpected reason.';
    if (hasCode(error, 'HF_UNAVAILABLE')) return unconfirmedWrite(proposal, message, api, context);
    log.warn({ code }, 'write failed');
    return context.settle(proposal, 'failed', { kind: 'failed', code, message });
  }
}

/**
 * A timeout, a lost connection or a 5xx after retries says nothing about whether the list was
 * written. Look once; if the list is not visibly ours yet, leave the proposal `applying` so that
 * reconciliation settles it from the live list later, instead of reporting a failure that may be false.
 */
async function unconfirmedWrite(proposal: Proposal, reason: string, api: ListApi, context: ApplyContext): Promise<Proposal> {
  try {
    const live = await api.readPins();
    if (sameAssignments(live.pins, proposal.proposed)) {
      const changeId = await recordWritten(proposal, live.pins, live.allowed, context);
      context.log.info({ changeId }, 'write unconfirmed but visible in the live list');
      return context.settle(proposal, 'applied', {
        kind: 'applied', message: 'Hugging Face did not confirm the write, but the live list now matches it.', changeId,
      });
    }
  } catch {
    // Unreadable too: reconciliation will look again.
  }
  context.log.warn({}, 'write unconfirmed; left for reconciliation');
  return context.leaveUnconfirmed(proposal, `${reason} pinbot will check the live list and update this card.`);
}

/**
 * Settles a proposal found `applying` at start-up (or left unconfirmed) from the live list read
 * under the scope's lock, where nobody else can be applying: it was written if the list is the
 * one it proposed, else not.
 */
export async function recoverWholeList(proposal: Proposal, live: PinnedList, context: RecordContext): Promise<Proposal> {
  if (sameAssignments(live.pins, proposal.proposed)) {
    const changeId = await recordWritten(proposal, live.pins, live.allowed, context);
    context.log.info({ changeId }, 'interrupted apply found written; recorded as applied');
    return context.settle(proposal, 'applied', {
      kind: 'applied',
      message: 'The write of this change was interrupted or not confirmed, but the live list matches it, so it was applied.',
      changeId,
    });
  }
  context.log.warn({}, 'interrupted apply not found on Hugging Face; marked failed');
  return context.settle(proposal, 'failed', {
    kind: 'failed',
    code: 'INTERRUPTED',
    message: 'The write of this change was interrupted or not confirmed, and the live list does not match it, so it was not applied. Propose it again.',
  });
}

/** The change in the audit log, and the list as written as the drift watcher's baseline; the change's id. */
async function recordWritten(proposal: Proposal, written: readonly Pin[], allowed: number, context: RecordContext): Promise<string> {
  const changeId = await context.recordChange(proposal, proposal.base, proposal.proposed);
  await context.snapshots?.recordSeen(proposal.scope, { pins: written, allowed, at: context.clock.now() });
  return changeId;
}

/**
 * Pending proposals of the scope made on the list this apply replaced can only ever be stale: the
 * whole list is written, so every one of them would be compared with a list it did not see.
 */
async function supersedeOthers(applied: Proposal, allowedNow: number, context: RecordContext): Promise<void> {
  const version = listVersion(applied.proposed);
  await context.supersede(applied, (pending) => pending.baseVersion === version
    ? undefined
    : { changedUnderneath: diffLists(pending.base, applied.proposed), allowedNow });
}
