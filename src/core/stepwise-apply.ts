import { hasCode, isPinbotError } from './errors.ts';
import type { Pin } from './pin.ts';
import type { Clock, EndpointInfo, EndpointsApi, Logger, SnapshotStore } from './ports.ts';
import type { Proposal, ProposalOutcome } from './proposal.ts';
import { changedEndpointLine, labelReplicas, sameScaling, scalingOf, seenScalings } from './warm-endpoints.ts';

/** What the pinning service lends the endpoint-by-endpoint apply. */
export interface StepwiseApplyContext {
  readonly api: EndpointsApi;
  readonly snapshots: SnapshotStore | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly newId: () => string;
  /** Records an applied (or partly applied) change in the audit log; returns its id. */
  readonly recordChange: (proposal: Proposal, after: readonly Pin[]) => Promise<string>;
  readonly settle: (proposal: Proposal, state: 'applied' | 'failed' | 'stale', outcome: ProposalOutcome) => Promise<Proposal>;
  /** Puts the proposal back to `pending` when nothing was written and the live state is unreadable. */
  readonly release: (proposal: Proposal) => Promise<void>;
  /** Throws `LOCK_LOST` when the scope's lock is no longer held, so no PUT goes out without it. */
  readonly confirmLock: () => Promise<void>;
}

/**
 * Applies a proposal made on Inference Endpoints, under the scope's lock: reads each endpoint the
 * plan touches (one GET each) and writes nothing if any one's scaling or `updatedAt` moved since
 * the proposal; then one PUT per changed endpoint, in the plan's order, stopping at the first
 * failure. A write that stops midway is reported exactly, recorded, and offered for restore.
 */
export async function applyStepwise(proposal: Proposal, context: StepwiseApplyContext): Promise<Proposal> {
  const { api, log } = context;
  const seen = seenScalings(proposal);
  const names = Object.keys(seen);
  let current: Map<string, EndpointInfo | undefined>;
  try {
    current = new Map(await Promise.all(names.map(async (name) => [name, await readOrGone(api, name)] as const)));
  } catch (error) {
    await context.release(proposal);
    log.warn({ code: isPinbotError(error) ? error.code : 'UNKNOWN' }, 'endpoints unreadable at approval; nothing written');
    throw error;
  }

  const changedUnderneath = names.flatMap((name) => {
    const was = seen[name];
    const now = current.get(name);
    if (was === undefined || (now !== undefined && sameScaling(was, scalingOf(now)))) return [];
    return [changedEndpointLine(name, was, now && scalingOf(now))];
  });
  if (changedUnderneath.length > 0) {
    log.info({ changed: changedUnderneath.length }, 'endpoints changed since the proposal; nothing written');
    return context.settle(proposal, 'stale', { kind: 'stale', changedUnderneath, allowedBefore: proposal.allowed, allowedNow: proposal.allowed });
  }

  const steps = proposal.diff.map((line) => ({
    name: line.modelId,
    minReplica: line.kind === 'removed' ? 0 : labelReplicas(line.kind === 'added' ? line.computeType : line.to),
  }));
  const written: string[] = [];
  for (const [index, step] of steps.entries()) {
    const endpoint = current.get(step.name);
    if (!endpoint) continue;
    try {
      await context.confirmLock();
      await api.writeMinReplica(step.name, step.minReplica, endpoint);
      written.push(step.name);
    } catch (error) {
      // A PUT that timed out or met a 5xx may still have landed: look once before saying it did not.
      if (hasCode(error, 'HF_UNAVAILABLE') && await landed(api, step.name, step.minReplica)) {
        written.push(step.name);
        continue;
      }
      const reason = isPinbotError(error) ? error.message : 'an unexpected error';
      const notTried = steps.slice(index + 1).map((later) => later.name);
      return stopped(proposal, context, { written, failed: step.name, notTried, reason, code: isPinbotError(error) ? error.code : 'UNKNOWN' });
    }
  }

  const changeId = await context.recordChange(proposal, proposal.proposed);
  await context.snapshots?.recordSeen(proposal.scope, { pins: proposal.proposed, allowed: proposal.allowed, at: context.clock.now() });
  log.info({ changeId, endpoints: written.length }, 'endpoints written');
  const summary = steps.map((step) => `${step.name} (min ${seen[step.name]?.min ?? 0} → ${step.minReplica})`).join(', ');
  return context.settle(proposal, 'applied', {
    kind: 'applied',
    message: `Updated ${written.length} endpoint${written.length === 1 ? '' : 's'}: ${summary}.`,
    changeId,
  });
}

interface StopReport {
  readonly written: readonly string[];
  readonly failed: string;
  readonly notTried: readonly string[];
  readonly reason: string;
  readonly code: string;
}

async function stopped(proposal: Proposal, context: StepwiseApplyContext, report: StopReport): Promise<Proposal> {
  const { written, failed, notTried, reason, code } = report;
  const unchanged = [failed, ...notTried];
  if (written.length === 0) {
    context.log.warn({ code }, 'first endpoint write failed; nothing written');
    return context.settle(proposal, 'failed', {
      kind: 'failed',
      code,
      message: `Nothing was written: the update of ${failed} failed (${reason})${notTried.length > 0 ? `; ${notTried.join(', ')} ${notTried.length === 1 ? 'was' : 'were'} not tried` : ''}.`,
    });
  }
  const partial = partlyApplied(proposal, written);
  const changeId = await context.recordChange(proposal, partial);
  const at = context.clock.now();
  let restoreAlertId: string | undefined;
  if (context.snapshots) {
    restoreAlertId = context.newId();
    const previous = { pins: proposal.base, allowed: proposal.allowed, at: proposal.createdAt };
    const now = { pins: partial, allowed: proposal.allowed, at };
    await context.snapshots.saveAlert({ id: restoreAlertId, scope: proposal.scope, previous, current: now, detectedAt: at });
    await context.snapshots.recordSeen(proposal.scope, now);
  }
  context.log.warn({ code, changeId, written: written.length, unchanged: unchanged.length }, 'endpoint writes stopped midway');
  const restore = restoreAlertId !== undefined ? 'Restore proposes putting the changed endpoints back' : `Undo the changed endpoints with revert ${changeId}`;
  return context.settle(proposal, 'failed', {
    kind: 'failed',
    code: 'PARTIAL_WRITE',
    message: `Stopped partway: changed ${written.join(', ')}; not changed: ${unchanged.join(', ')} (the update of ${failed} failed: ${reason}). `
      + `Recorded as change ${changeId}. ${restore}.`,
    partial: {
      changed: proposal.diff.filter((line) => written.includes(line.modelId)),
      unchanged: proposal.diff.filter((line) => !written.includes(line.modelId)),
      failed, reason, after: partial, changeId,
    },
    ...(restoreAlertId !== undefined ? { restoreAlertId } : {}),
  });
}

/** The warm set after only `written` endpoints took their new scaling. */
function partlyApplied(proposal: Proposal, written: readonly string[]): Pin[] {
  const result: Pin[] = [];
  for (const pin of proposal.base) {
    if (!written.includes(pin.modelId)) result.push(pin);
    else {
      const next = proposal.proposed.find((candidate) => candidate.modelId === pin.modelId);
      if (next) result.push(next);
    }
  }
  for (const pin of proposal.proposed) {
    if (written.includes(pin.modelId) && !proposal.base.some((candidate) => candidate.modelId === pin.modelId)) result.push(pin);
  }
  return result;
}

async function readOrGone(api: EndpointsApi, name: string): Promise<EndpointInfo | undefined> {
  try {
    return await api.readEndpoint(name);
  } catch (error) {
    if (hasCode(error, 'HF_UNKNOWN_ENDPOINT')) return undefined;
    throw error;
  }
}

async function landed(api: EndpointsApi, name: string, minReplica: number): Promise<boolean> {
  try {
    return (await api.readEndpoint(name)).minReplica === minReplica;
  } catch {
    return false;
  }
}
