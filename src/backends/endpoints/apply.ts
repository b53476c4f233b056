import { hasCode, isPinbotError } from '../../core/domain/errors.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { readBeforeWrite, type ApplyContext, type RecordContext } from '../../core/apply-context.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import type { EndpointsApi, NamespaceState } from './api.ts';
import { costCapRefusal } from './cost-cap.ts';
import {
  changedEndpointLine, readableSteps, sameScaling, scalingOf, seenScalings, UNREADABLE_PROPOSAL, warmPins, warmSettings, withWrites, type ScalingStep,
} from './plan.ts';

/**
 * Applies a proposal made on Inference Endpoints, under the scope's lock: reads the namespace (one
 * GET of the list) and writes nothing if the scaling of an endpoint the plan touches moved since
 * the proposal, or if the warm set as it is now, with this change, would exceed `max_warm` or cost
 * more than `max_cost_per_hour` (another change may have warmed one in between). Then one PUT per changed endpoint, in the plan's order,
 * stopping at the first failure. What is recorded (audit, drift snapshot) is the warm set read
 * here with exactly the writes made; a write that stops midway is reported exactly, recorded, and
 * offered for restore.
 */
export async function applyStepwise(proposal: Proposal, api: EndpointsApi, context: ApplyContext): Promise<Proposal> {
  const { log } = context;
  const seen = seenScalings(proposal);
  const steps = readableSteps(proposal);
  if (seen === undefined || steps === undefined) return unreadable(proposal, context);
  const live = await readBeforeWrite(proposal, context, () => api.readNamespace(), 'endpoints');
  const current = new Map(live.endpoints.map((endpoint) => [endpoint.name, endpoint]));

  const changedUnderneath = Object.keys(seen).flatMap((name) => {
    const was = seen[name];
    const now = current.get(name);
    if (was === undefined || (now !== undefined && sameScaling(was, scalingOf(now)))) return [];
    return [changedEndpointLine(name, was, now && scalingOf(now))];
  });
  if (changedUnderneath.length > 0) {
    log.info({ changed: changedUnderneath.length }, 'endpoints changed since the proposal; nothing written');
    return context.settle(proposal, 'stale', { kind: 'stale', changedUnderneath, allowedBefore: proposal.allowed, allowedNow: live.allowed });
  }

  const before = warmPins(live.endpoints);
  const planned = withWrites(before, steps);
  if (planned.length > live.allowed && planned.length > before.length) {
    log.info({ warm: before.length, after: planned.length, allowed: live.allowed }, 'change would exceed max_warm at approval; nothing written');
    return context.settle(proposal, 'failed', {
      kind: 'failed',
      code: 'MAX_WARM_EXCEEDED',
      message: `Can't keep ${planned.length} endpoints warm: this scope's max_warm is ${live.allowed}, and ${before.length} ${before.length === 1 ? 'is' : 'are'} warm now `
        + `(${before.map((pin) => pin.modelId).join(', ')}). Nothing was written.`,
    });
  }
  const overCost = costCapRefusal({
    cap: live.maxCostPerHour, endpoints: live.endpoints, catalogueUnread: live.catalogueUnread, before: warmSettings(before), after: warmSettings(planned),
  }, 'apply');
  if (overCost) {
    log.info({ code: overCost.code, allowed: live.maxCostPerHour }, 'change would exceed max_cost_per_hour at approval; nothing written');
    return context.settle(proposal, 'failed', { kind: 'failed', code: overCost.code, message: overCost.message });
  }

  const written: ScalingStep[] = [];
  for (const [index, step] of steps.entries()) {
    const endpoint = current.get(step.name);
    if (!endpoint) continue;
    try {
      await context.confirmLock();
      await api.writeMinReplica(step.name, step.minReplica, endpoint, seen[step.name]?.coldTimeout);
      written.push(step);
    } catch (error) {
      // A PUT that timed out or met a 5xx may still have landed: look once before saying it did not.
      if (hasCode(error, 'HF_UNAVAILABLE') && await landed(api, step.name, step.minReplica)) {
        written.push(step);
        continue;
      }
      const reason = isPinbotError(error) ? error.message : 'an unexpected error';
      const code = isPinbotError(error) ? error.code : 'UNKNOWN';
      const notTried = steps.slice(index + 1).map((later) => later.name);
      if (written.length === 0) {
        log.warn({ code }, 'first endpoint write failed; nothing written');
        return context.settle(proposal, 'failed', {
          kind: 'failed',
          code,
          message: `Nothing was written: the update of ${step.name} failed (${reason})${notTried.length > 0 ? `; ${notTried.join(', ')} ${notTried.length === 1 ? 'was' : 'were'} not tried` : ''}.`,
        });
      }
      return settlePartly(proposal, context, {
        before, after: withWrites(before, written), allowed: live.allowed,
        changed: written.map((done) => done.name), unchanged: [step.name, ...notTried],
        failed: step.name, reason, code,
      });
    }
  }

  const after = withWrites(before, written);
  const changeId = await context.recordChange(proposal, before, after);
  await context.snapshots?.recordSeen(proposal.scope, { pins: after, allowed: live.allowed, at: context.clock.now() });
  log.info({ changeId, endpoints: written.length }, 'endpoints written');
  const summary = steps.map((step) => `${step.name} (min ${seen[step.name]?.min ?? 0} → ${step.minReplica})`).join(', ');
  return supersedeTouching(await context.settle(proposal, 'applied', {
    kind: 'applied',
    message: `Updated ${written.length} endpoint${written.length === 1 ? '' : 's'}: ${summary}.`,
    changeId,
  }), context);
}

/**
 * Entries written one at a time are checked one at a time at approval: a pending proposal that
 * touches an endpoint this apply changed can only ever be stale, and is settled so at once; one on
 * other endpoints still applies, and stays.
 */
async function supersedeTouching(settled: Proposal, context: RecordContext): Promise<Proposal> {
  const outcome = settled.outcome;
  const changed = outcome?.kind === 'applied' ? settled.diff : outcome?.kind === 'failed' ? outcome.partial?.changed ?? [] : [];
  if (changed.length === 0) return settled;
  await context.supersede(settled, (pending) => {
    const underneath = changed.filter((line) => pending.diff.some((mine) => mine.modelId === line.modelId));
    return underneath.length > 0 ? { changedUnderneath: underneath, allowedNow: pending.allowed } : undefined;
  });
  return settled;
}

/** A proposal whose view of the endpoints cannot be read back is settled failed before any request. */
function unreadable(proposal: Proposal, context: RecordContext): Promise<Proposal> {
  context.log.error({}, 'stored view of the endpoints unreadable; nothing written');
  return context.settle(proposal, 'failed', { kind: 'failed', code: 'PROPOSAL_UNREADABLE', message: UNREADABLE_PROPOSAL });
}

/**
 * Settles an endpoints proposal found `applying` at start-up (its process stopped mid-apply), from
 * the namespace as read now: each endpoint of the plan is written (it has the planned minimum
 * replicas), not written (still the ones seen at proposal), or unknown (gone, or changed by someone
 * else). All written: applied. Some: partly applied, recorded and offered for restore, as a write
 * that stopped midway. None: not applied.
 */
export async function recoverStepwise(proposal: Proposal, live: NamespaceState, context: RecordContext): Promise<Proposal> {
  const seen = seenScalings(proposal);
  const steps = readableSteps(proposal);
  if (seen === undefined || steps === undefined) return unreadable(proposal, context);
  const current = new Map(live.endpoints.map((endpoint) => [endpoint.name, endpoint]));
  const written: ScalingStep[] = [];
  const notWritten: string[] = [];
  const unknown: string[] = [];
  for (const step of steps) {
    const now = current.get(step.name);
    if (now?.minReplica === step.minReplica) written.push(step);
    else if (now !== undefined && now.minReplica === seen[step.name]?.min) notWritten.push(step.name);
    else unknown.push(step.name);
  }
  const after = warmPins(live.endpoints);
  // The warm set just before the apply, as far as the endpoints tell: the written ones as they were seen.
  const before = withWrites(after, written.map((step) => ({ name: step.name, minReplica: seen[step.name]?.min ?? 0 })));
  const { log } = context;

  if (written.length === steps.length) {
    const changeId = await context.recordChange(proposal, before, after);
    await context.snapshots?.recordSeen(proposal.scope, { pins: after, allowed: live.allowed, at: context.clock.now() });
    log.info({ changeId }, 'interrupted apply found written; recorded as applied');
    return supersedeTouching(await context.settle(proposal, 'applied', {
      kind: 'applied',
      message: 'The write of this change was interrupted, but every endpoint it touches shows its new scaling, so it was applied.',
      changeId,
    }), context);
  }
  if (written.length > 0) {
    const others = unknown.length > 0 ? `; ${unknown.join(', ')} ${unknown.length === 1 ? 'shows' : 'show'} neither the old nor the new scaling` : '';
    return settlePartly(proposal, context, {
      before, after, allowed: live.allowed,
      changed: written.map((step) => step.name), unchanged: [...notWritten, ...unknown],
      reason: `pinbot stopped during the apply${others}`, code: 'INTERRUPTED',
    });
  }
  log.warn({ unknown: unknown.length }, 'interrupted apply not found on Hugging Face; marked failed');
  return context.settle(proposal, 'failed', {
    kind: 'failed',
    code: 'INTERRUPTED',
    message: 'The write of this change was interrupted or not confirmed, and the live list does not match it, so it was not applied. Propose it again.',
  });
}

interface PartialReport {
  /** The warm set before the first write, and after the last one that was made. */
  readonly before: readonly Pin[];
  readonly after: readonly Pin[];
  readonly allowed: number;
  readonly changed: readonly string[];
  readonly unchanged: readonly string[];
  /** The endpoint whose update failed; none when pinbot stopped during the apply. */
  readonly failed?: string;
  /** Why it stopped, as a clause. */
  readonly reason: string;
  /** What stopped it, for the log. */
  readonly code: string;
}

/** A change some of whose endpoints were written: recorded as it went, with a Restore for the changed ones. */
async function settlePartly(proposal: Proposal, context: RecordContext, report: PartialReport): Promise<Proposal> {
  const { before, after, allowed, changed, unchanged, failed, reason, code } = report;
  const why = failed !== undefined ? `the update of ${failed} failed: ${reason}` : reason;
  const changeId = await context.recordChange(proposal, before, after);
  const at = context.clock.now();
  let restoreAlertId: string | undefined;
  if (context.snapshots) {
    restoreAlertId = context.newId();
    const previous = { pins: before, allowed, at };
    const now = { pins: after, allowed, at };
    await context.snapshots.saveAlert({ id: restoreAlertId, scope: proposal.scope, previous, current: now, detectedAt: at });
    await context.snapshots.recordSeen(proposal.scope, now);
  }
  context.log.warn({ code, changeId, written: changed.length, unchanged: unchanged.length }, 'endpoint writes stopped midway');
  const restore = restoreAlertId !== undefined ? 'Restore proposes putting the changed endpoints back' : `Undo the changed endpoints with revert ${changeId}`;
  return supersedeTouching(await context.settle(proposal, 'failed', {
    kind: 'failed',
    code: 'PARTIAL_WRITE',
    message: `Stopped partway: changed ${changed.join(', ')}; not changed: ${unchanged.join(', ')} (${why}). `
      + `Recorded as change ${changeId}. ${restore}.`,
    partial: {
      changed: proposal.diff.filter((line) => changed.includes(line.modelId)),
      unchanged: proposal.diff.filter((line) => !changed.includes(line.modelId)),
      ...(failed !== undefined ? { failed } : {}),
      reason, after, changeId,
    },
    ...(restoreAlertId !== undefined ? { restoreAlertId } : {}),
  }), context);
}

async function landed(api: EndpointsApi, name: string, minReplica: number): Promise<boolean> {
  try {
    return (await api.readEndpoint(name)).minReplica === minReplica;
  } catch {
    return false;
  }
}
