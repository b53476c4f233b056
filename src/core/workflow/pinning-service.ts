import { isChangeCommand, isScheduleChange, type ChangeCommand, type Command, type ScheduleChange } from '../domain/command.ts';
import { parseCommand } from '../domain/grammar.ts';
import { isPinbotError, PinbotError } from '../domain/errors.ts';
import type { HubCheck, ModelCatalog } from '../domain/model-catalog.ts';
import { checkModels } from './model-check.ts';
import type { ApplyContext, RecordContext, Supersession } from '../apply-context.ts';
import type { LiveState, ScopeBackend, SeenByProposal } from '../backend.ts';
import type { Plan } from '../domain/plan.ts';
import type { Policy } from './policy.ts';
import { samePrincipal, type Principal } from '../domain/principal.ts';
import type { Proposal, ProposalOutcome } from '../domain/proposal.ts';
import type {
  AuditLog, ChangeRecord, ChannelRef, Clock, HeldLock, Logger, Metrics, ModelStatus, ProposalStore, ScopeLock, SnapshotStore,
} from '../ports.ts';
import type { Line, Message } from '../domain/ui.ts';
import type { UsageReport } from '../domain/usage.ts';
import type { UsageService } from './usage-service.ts';
import type { Schedule, SwitchDirection } from '../domain/schedule.ts';
import { stateAt } from '../domain/schedule-times.ts';
import { switchLine } from '../words/schedule-lines.ts';
import { entryIn, judgeSwitch, schedulePrincipal, switchCommand, type ScheduleRequest, type ScheduleWorkflow, type SwitchResult } from './schedule-workflow.ts';

export interface PinningServiceDeps {
  /** Each scope's backend, bound to its token. */
  readonly backendFor: (scope: string) => ScopeBackend;
  readonly store: ProposalStore;
  readonly audit: AuditLog;
  readonly lock: ScopeLock;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly proposalTtlMs: number;
  /** Told of every proposal that reaches a final state, for notifications. */
  readonly onSettled?: (proposal: Proposal) => void;
  readonly metrics?: Metrics;
  /** Where the list pinbot applied is remembered, for drift detection. */
  readonly snapshots?: SnapshotStore;
  /** The Hub's model API bound to a scope's token; without it models are not checked before a card. */
  readonly catalogFor?: (scope: string) => ModelCatalog;
  /** How many Hub lookups one proposal runs at once. Default 4. */
  readonly hubConcurrency?: number;
  /** Answers `usage` from the sampled counts; without it every scope says it has none. */
  readonly usage?: UsageService;
  /** Schedules: proposed, approved and switched like any change; without it `schedule` is refused. */
  readonly schedules?: ScheduleWorkflow;
}

const DEFAULT_HUB_CONCURRENCY = 4;

/** Who asks, from where, about which scope. */
export interface RequestContext {
  readonly scope: string;
  readonly principal: Principal;
  readonly channel: ChannelRef;
}

export type StatusEntry =
  | { readonly modelId: string; readonly status: ModelStatus }
  | { readonly modelId: string; readonly error: PinbotError }
  /**
   * A model asked about by name that the scope does not pin: the API's load state of it would say
   * nothing about this scope. `onHub`: what the Hub said, when it was asked and answered.
   */
  | { readonly modelId: string; readonly notPinned: true; readonly onHub?: boolean };

/**
 * One applied change, the change it reverted when it was a `revert`, and `partial` when it is
 * what a write that stopped midway changed.
 */
export type HistoryEntry = ChangeRecord & { readonly revertOf?: string; readonly partial?: true; readonly schedule?: ScheduleChange };

/** `backend`: the scope's backend (its registry name), whose words the answer is given in. */
export type CommandResult =
  /** `lines`: the live state as the backend shows it. */
  | { readonly kind: 'list'; readonly scope: string; readonly list: LiveState; readonly lines: readonly Line[] }
  | { readonly kind: 'proposal'; readonly proposal: Proposal }
  | { readonly kind: 'status'; readonly scope: string; readonly entries: readonly StatusEntry[] }
  | { readonly kind: 'pending'; readonly scope: string; readonly proposals: readonly Proposal[] }
  | { readonly kind: 'history'; readonly scope: string; readonly changes: readonly HistoryEntry[]; readonly backend: string }
  /** The report itself, so a platform that can draw a chart attaches one beside the text. */
  | { readonly kind: 'usage'; readonly scope: string; readonly report: UsageReport; readonly backend: string }
  | { readonly kind: 'schedules'; readonly scope: string; readonly schedules: readonly Schedule[]; readonly backend: string; readonly now: number }
  | { readonly kind: 'help'; readonly scope: string; readonly rights: readonly string[]; readonly backend: string };

export type ApproveResult =
  /** The proposal reached a final state: applied, stale or failed. */
  | { readonly kind: 'settled'; readonly proposal: Proposal }
  /** More approvals are needed; this one was counted. */
  | { readonly kind: 'approval-recorded'; readonly proposal: Proposal }
  /**
   * The write went out but was not confirmed (timeout, connection lost, 5xx). The proposal stays
   * `applying` until reconciliation reads the live list and settles it.
   */
  | { readonly kind: 'unconfirmed'; readonly proposal: Proposal };

const HISTORY_LIMIT = 10;
/** How many recent changes' proposals a plan may look back on for what the live state no longer shows. */
const EARLIER_LOOKBACK = 50;

function alreadyReproposed(proposalId: string, reproposed: { readonly proposalId: string; readonly by: Principal }): PinbotError {
  return new PinbotError(
    'ALREADY_REPROPOSED',
    `This change was already proposed again, as proposal ${reproposed.proposalId}; approve that card instead. Nothing was written.`,
    { proposalId, newProposalId: reproposed.proposalId, by: reproposed.by },
  );
}

/**
 * A second click of one approver counts for nothing while others' approvals are missing: they are
 * told how many. With every approval given (an apply that could not read the live list put the
 * proposal back), any approver's click tries the apply again.
 */
function refuseRepeatApproval(proposal: Proposal, approver: Principal): void {
  const missing = proposal.approvalsRequired - proposal.approvals.length;
  if (missing <= 0 || !proposal.approvals.some((given) => samePrincipal(given, approver))) return;
  throw new PinbotError(
    'ALREADY_APPROVED',
    `You have already approved this change; ${missing} more approval${missing === 1 ? ' is' : 's are'} needed from ${missing === 1 ? 'another approver' : 'other approvers'}. Nothing was written yet.`,
    { proposalId: proposal.id, missing },
  );
}

/**
 * The one pinning workflow behind every chat platform: read the live list, propose the full new
 * list, and on approval re-read, compare, and write it exactly once.
 */
export class PinningService {
  /** "Propose again" clicks being served, by stale proposal: a second click at once waits for the first. */
  private readonly reproposing = new Map<string, Promise<Proposal>>();

  constructor(private readonly deps: PinningServiceDeps) {}

  async execute(command: Command, context: RequestContext): Promise<CommandResult> {
    try {
      const result = await this.run(command, context);
      this.deps.metrics?.commandHandled(command.verb, 'ok');
      return result;
    } catch (error) {
      this.deps.metrics?.commandHandled(command.verb, isPinbotError(error) ? 'refused' : 'error');
      throw error;
    }
  }

  /**
   * Parses what a person typed in a scope's channel: a refusal speaks of that scope's own things,
   * in its backend's words, with its usage.
   */
  parse(text: string, scope: string): Command {
    return parseCommand(text, this.deps.backendFor(scope).words.command);
  }

  private async run(command: Command, context: RequestContext): Promise<CommandResult> {
    if (isChangeCommand(command) || command.verb === 'schedule' || command.verb === 'unschedule') {
      return { kind: 'proposal', proposal: await this.propose(command, context) };
    }
    const { scope } = context;
    switch (command.verb) {
      case 'list': {
        const backend = this.deps.backendFor(scope);
        const live = await backend.read();
        return { kind: 'list', scope, list: live, lines: backend.describe(scope, live) };
      }
      case 'status':
        return { kind: 'status', scope, entries: await this.status(scope, command.modelId) };
      case 'pending':
        return { kind: 'pending', scope, proposals: await this.deps.store.listByState(scope, 'pending') };
      case 'history':
        return { kind: 'history', scope, changes: await this.history(scope), backend: this.deps.backendFor(scope).kind };
      case 'usage': {
        const report = this.deps.usage
          ? await this.deps.usage.report(scope, command.period, command.entry)
          : { kind: 'unavailable' as const, scope, reason: 'pinbot keeps no usage here.' };
        return { kind: 'usage', scope, report, backend: this.deps.backendFor(scope).kind };
      }
      case 'schedules':
        return {
          kind: 'schedules', scope, schedules: await this.scheduling().store.active(scope), backend: this.deps.backendFor(scope).kind, now: this.deps.clock.now(),
        };
      case 'help':
        return { kind: 'help', scope, rights: this.deps.policy.describe?.(scope, context.principal) ?? [], backend: this.deps.backendFor(scope).kind };
    }
  }

  /** Reads the live list and records a pending proposal for the full list the change implies. */
  async propose(command: ChangeCommand | ScheduleRequest, context: RequestContext): Promise<Proposal> {
    const decision = this.deps.policy.canPropose(context.scope, context.principal);
    if (!decision.allowed) throw new PinbotError('NOT_ALLOWED', decision.reason, { action: 'propose', reason: decision.reason });
    if (command.verb === 'schedule' || command.verb === 'unschedule') {
      const backend = this.deps.backendFor(context.scope);
      const { change, plan } = await this.scheduling().plan(command, context.scope, backend, await backend.read());
      return this.record(change, plan, backend.kind, context);
    }
    const revertTo = command.verb === 'revert'
      ? (await this.changeToRevert(context.scope, command.changeId)).before
      : command.verb === 'restore' ? (await this.alertToRestore(context.scope, command.alertId)).previous.pins : undefined;
    const backend = this.deps.backendFor(context.scope);
    const live = await backend.read();
    const plan = await backend.plan({
      command, live, ...(revertTo !== undefined ? { restoreTo: revertTo } : {}),
      earlierSeen: () => this.earlierSeen(context.scope, backend.kind),
    });
    // After the plan's own refusals, so a change refused anyway costs no Hub request.
    const hubChecks = await this.checkOnHub(context.scope, backend.modelsToCheck(plan, live));
    return this.record(command, plan, backend.kind, context, hubChecks);
  }

  /** Records a pending proposal for a plan. */
  private async record(
    command: Proposal['command'], plan: Plan, backend: string, context: RequestContext, hubChecks?: readonly HubCheck[],
  ): Promise<Proposal> {
    const now = this.deps.clock.now();
    const proposal: Proposal = {
      id: this.deps.newId(),
      scope: context.scope,
      state: 'pending',
      command,
      requester: context.principal,
      channel: context.channel,
      backend,
      base: plan.base,
      baseVersion: plan.baseVersion,
      ...(plan.seen !== undefined ? { seen: plan.seen } : {}),
      proposed: plan.proposed,
      diff: plan.diff,
      allowed: plan.allowed,
      createdAt: now,
      expiresAt: now + (this.deps.policy.proposalTtlMs?.(context.scope) ?? this.deps.proposalTtlMs),
      approvals: [],
      approvalsRequired: Math.max(1, this.deps.policy.approvalsRequired(context.scope)),
      ...(hubChecks ? { hubChecks } : {}),
    };
    await this.deps.store.create(proposal);
    this.log(proposal).info({ diff: plan.diff.length }, 'proposal created');
    return proposal;
  }

  /** What the proposals behind the scope's recent changes saw, newest first, those of this backend only. */
  private async earlierSeen(scope: string, backend: string): Promise<SeenByProposal[]> {
    const earlier: SeenByProposal[] = [];
    for (const change of await this.deps.audit.recent(scope, EARLIER_LOOKBACK)) {
      const made = await this.deps.store.get(change.proposalId);
      if (made?.backend === backend && made.seen !== undefined) earlier.push({ proposalId: made.id, seen: made.seen });
    }
    return earlier;
  }

  /** Each model the change adds or moves, as the Hub sees it with the scope's token. */
  private async checkOnHub(scope: string, modelIds: readonly string[]): Promise<HubCheck[] | undefined> {
    if (!this.deps.catalogFor) return undefined;
    if (modelIds.length === 0) return undefined;
    return checkModels(this.deps.catalogFor(scope), modelIds, this.deps.hubConcurrency ?? DEFAULT_HUB_CONCURRENCY);
  }

  /** Proposes putting back the list a drift alert saw replaced, for the alert's Restore button. */
  async restoreDrift(alertId: string, context: Omit<RequestContext, 'scope'>): Promise<Proposal> {
    const alert = await this.deps.snapshots?.getAlert(alertId);
    if (!alert) throw new PinbotError('ALERT_NOT_FOUND', 'pinbot no longer knows that alert, so it cannot restore the list from it.', { alertId });
    return this.propose({ verb: 'restore', alertId }, { ...context, scope: alert.scope });
  }

  /** Proposes removing the entry an idle alert found unused, for the alert's Let it go cold button. */
  async letGoCold(alertId: string, context: Omit<RequestContext, 'scope'>): Promise<Proposal> {
    const alert = await this.deps.snapshots?.getAlert(alertId);
    const idle = alert?.previous.pins.find((pin) => !alert.current.pins.some((kept) => kept.modelId === pin.modelId));
    if (alert === undefined || idle === undefined) {
      throw new PinbotError('ALERT_NOT_FOUND', 'pinbot no longer knows that alert, so it cannot propose letting it go cold.', { alertId });
    }
    return this.propose({ verb: 'remove', modelIds: [idle.modelId] }, { ...context, scope: alert.scope });
  }

  /**
   * Proposes the same change again on the current list, for a stale card's button, once: the stale
   * proposal remembers the new one, so its card can drop the button and a later click is told.
   */
  async repropose(proposalId: string, context: Omit<RequestContext, 'scope'>): Promise<Proposal> {
    const inFlight = this.reproposing.get(proposalId);
    if (inFlight !== undefined) {
      // Two clicks at once: the first proposes, the second is told of the proposal it made.
      const fresh = await inFlight;
      throw alreadyReproposed(proposalId, { proposalId: fresh.id, by: context.principal });
    }
    const work = this.reproposeOnce(proposalId, context);
    this.reproposing.set(proposalId, work);
    try {
      return await work;
    } finally {
      this.reproposing.delete(proposalId);
    }
  }

  private async reproposeOnce(proposalId: string, context: Omit<RequestContext, 'scope'>): Promise<Proposal> {
    const original = await this.find(proposalId);
    const stale = original.state === 'stale' && original.outcome?.kind === 'stale' ? original.outcome : undefined;
    if (stale === undefined) {
      throw new PinbotError('NOT_STALE', `Only a change that went stale can be proposed again; this one is ${original.state}. Nothing was proposed.`, {
        proposalId: original.id, state: original.state,
      });
    }
    if (stale.reproposed) throw alreadyReproposed(original.id, stale.reproposed);
    const command = original.command;
    const fresh = await this.propose(
      isScheduleChange(command) ? (command.verb === 'schedule' ? { verb: 'schedule', spec: command.spec } : { verb: 'unschedule', scheduleId: command.scheduleId }) : command,
      { ...context, scope: original.scope },
    );
    await this.deps.store.transition(original.id, 'stale', 'stale', {
      outcome: { ...stale, reproposed: { proposalId: fresh.id, by: context.principal } },
    });
    return fresh;
  }

  /**
   * Approves a proposal. Exactly one caller moves it out of `pending`; only that caller talks to
   * Hugging Face, under the scope's lock, and writes only if the live list is still the one proposed on.
   */
  async approve(proposalId: string, approver: Principal): Promise<ApproveResult> {
    const proposal = await this.pendingProposal(proposalId);
    const decision = this.deps.policy.canApprove(proposal, approver);
    if (!decision.allowed) throw new PinbotError('NOT_ALLOWED', decision.reason, { action: 'approve', reason: decision.reason });
    refuseRepeatApproval(proposal, approver);

    // Every approval is recorded atomically first, so concurrent approvers never lose one another's
    // click; whoever sees the count reach the threshold goes on to apply.
    const recorded = await this.deps.store.addApproval(proposal.id, approver);
    if (!recorded) throw await this.alreadyDecided(proposal.id);
    if (recorded.approvals.length < recorded.approvalsRequired) return { kind: 'approval-recorded', proposal: recorded };

    // `applying` exists only while its applier holds the scope's lock, so recovery can tell a
    // crashed apply from one in progress by taking the lock itself.
    return this.deps.lock.withLock(proposal.scope, async (held) => {
      const applying = await this.deps.store.transition(proposal.id, 'pending', 'applying', {
        decidedBy: approver,
        decidedAt: this.deps.clock.now(),
      });
      if (!applying) throw await this.alreadyDecided(proposal.id);
      const started = this.deps.clock.now();
      try {
        const result = await this.apply(applying, held);
        return { kind: result.state === 'applying' ? 'unconfirmed' : 'settled', proposal: result };
      } finally {
        this.deps.metrics?.applySeconds((this.deps.clock.now() - started) / 1000);
      }
    });
  }

    /**
   * Refuses now what `approve` would refuse before it writes (decided, expired, not allowed), so a
   * platform that asks "replace the whole list?" first only asks when the answer can count.
   */
  async checkApprovable(proposalId: string, approver: Principal): Promise<Proposal> {
    const proposal = await this.pendingProposal(proposalId);
    const decision = this.deps.policy.canApprove(proposal, approver);
    if (!decision.allowed) throw new PinbotError('NOT_ALLOWED', decision.reason, { action: 'approve', reason: decision.reason });
    refuseRepeatApproval(proposal, approver);
    return proposal;
  }

  async cancel(proposalId: string, actor: Principal): Promise<Proposal> {
    const proposal = await this.pendingProposal(proposalId);
    const decision = this.deps.policy.canCancel(proposal, actor);
    if (!decision.allowed) throw new PinbotError('NOT_ALLOWED', decision.reason, { action: 'cancel', reason: decision.reason });
    const cancelled = await this.deps.store.transition(proposal.id, 'pending', 'cancelled', {
      decidedBy: actor,
      decidedAt: this.deps.clock.now(),
      outcome: { kind: 'cancelled' },
    });
    if (!cancelled) throw await this.alreadyDecided(proposal.id);
    this.log(cancelled).info({}, 'proposal cancelled');
    this.deps.metrics?.proposalSettled('cancelled');
    this.deps.onSettled?.(cancelled);
    return cancelled;
  }

  /** Moves every pending proposal past its expiry to `expired`; returns those this call moved. */
  async expireDue(): Promise<Proposal[]> {
    const now = this.deps.clock.now();
    const expired: Proposal[] = [];
    for (const proposal of await this.deps.store.listExpired(now)) {
      const moved = await this.expire(proposal, now);
      if (moved) expired.push(moved);
    }
    return expired;
  }

  /**
   * Proposals that reached a final state in the last `withinMs` (and at least `settledForMs` ago),
   * to check they were announced.
   */
  async recentlySettled(withinMs: number, settledForMs = 0): Promise<Proposal[]> {
    const now = this.deps.clock.now();
    const settled = await this.deps.store.listSettledSince(now - withinMs);
    return settled.filter((proposal) => (proposal.decidedAt ?? now) <= now - settledForMs);
  }

  async getProposal(proposalId: string): Promise<Proposal> {
    return this.find(proposalId);
  }

  /** Remembers where a proposal's card was posted, so it can be edited when the proposal settles. */
  async attachMessage(proposalId: string, messageRef: string): Promise<void> {
    await this.deps.store.setMessageRef(proposalId, messageRef);
  }

  /** Runs under the scope's lock, with the proposal in `applying`. */
  private async apply(proposal: Proposal, held: HeldLock): Promise<Proposal> {
    const backend = this.deps.backendFor(proposal.scope);
    if (proposal.backend !== backend.kind) return this.settleForeign(proposal, backend.kind);
    const context = this.applying(proposal, held);
    const command = proposal.command;
    return isScheduleChange(command) ? this.scheduling().apply(proposal, command, backend, context) : backend.apply(proposal, context);
  }

  /** What an apply under the scope's lock is lent. */
  private applying(proposal: Proposal, held: HeldLock): ApplyContext {
    return {
      ...this.recording(this.log(proposal)),
      confirmLock: () => held.confirm(),
      release: async (released) => {
        await this.deps.store.transition(released.id, 'applying', 'pending', { decidedBy: undefined, decidedAt: undefined });
      },
      leaveUnconfirmed: async (unconfirmed, message) => {
        const outcome: ProposalOutcome = { kind: 'unconfirmed', message };
        return (await this.deps.store.transition(unconfirmed.id, 'applying', 'applying', { outcome })) ?? { ...unconfirmed, outcome };
      },
    };
  }

  /**
   * A proposal made while the scope had another backend (its configuration changed since) cannot
   * be checked against what this one reads: it is settled failed, nothing written.
   */
  private settleForeign(proposal: Proposal, now: string): Promise<Proposal> {
    this.log(proposal).warn({ madeBy: proposal.backend, now }, 'proposal made for another backend; nothing written');
    return this.settle(proposal, 'failed', {
      kind: 'failed',
      code: 'BACKEND_CHANGED',
      message: `This change was proposed when the scope used the ${proposal.backend} backend; it now uses ${now}, so it cannot be checked. Nothing was written; propose it again.`,
    });
  }

  /**
   * Settles proposals left in `applying` by a stopped process or an unconfirmed write: under the
   * scope's lock nobody else can be applying, so the live list alone tells whether the write
   * happened. A scope whose list cannot be read is left for the next run. Returns those it settled.
   */
  async recoverInterrupted(): Promise<Proposal[]> {
    const recovered: Proposal[] = [];
    const interrupted = await this.deps.store.listByState(undefined, 'applying');
    for (const scope of new Set(interrupted.map((p) => p.scope))) {
      await this.deps.lock.withLock(scope, async () => {
        const stuckHere = await this.deps.store.listByState(scope, 'applying');
        if (stuckHere.length === 0) return;
        const backend = this.deps.backendFor(scope);
        let live: LiveState;
        try {
          live = await backend.read();
        } catch (error) {
          this.deps.logger.warn({ scope, code: isPinbotError(error) ? error.code : 'UNKNOWN' }, 'cannot reconcile yet: live list unreadable');
          return;
        }
        for (const stuck of stuckHere) {
          const command = stuck.command;
          const record = this.recording(this.log(stuck));
          if (stuck.backend !== backend.kind) recovered.push(await this.settleForeign(stuck, backend.kind));
          else if (isScheduleChange(command)) recovered.push(await this.scheduling().recover(stuck, command, live, record));
          else recovered.push(await backend.recover(stuck, live, record));
        }
      });
    }
    return recovered;
  }

  /** Settles stale each pending proposal of the scope the settled one changed the ground under. */
  private async supersedePending(settled: Proposal, changedUnder: (pending: Proposal) => Supersession | undefined): Promise<void> {
    for (const other of await this.deps.store.listByState(settled.scope, 'pending')) {
      if (other.id === settled.id) continue;
      const underneath = changedUnder(other);
      if (underneath !== undefined) await this.supersede(other, settled, underneath);
    }
  }

  private async supersede(other: Proposal, applied: Proposal, { changedUnderneath, allowedNow }: Supersession): Promise<void> {
    const outcome: ProposalOutcome = {
      kind: 'stale',
      changedUnderneath: [...changedUnderneath],
      allowedBefore: other.allowed,
      allowedNow,
      supersededBy: applied.id,
    };
    const stale = await this.deps.store.transition(other.id, 'pending', 'stale', { decidedAt: this.deps.clock.now(), outcome });
    if (!stale) return;
    this.log(stale).info({ supersededBy: applied.id }, 'pending proposal superseded by an applied change; nothing written');
    this.deps.metrics?.proposalSettled('stale');
    this.deps.onSettled?.(stale);
  }


  private async settle(proposal: Proposal, state: 'applied' | 'failed' | 'stale', outcome: ProposalOutcome): Promise<Proposal> {
    const settled = await this.deps.store.transition(proposal.id, 'applying', state, { outcome });
    // Only this caller holds the `applying` state, so the transition cannot be lost.
    const final = settled ?? { ...proposal, state, outcome };
    this.deps.metrics?.proposalSettled(state);
    this.deps.onSettled?.(final);
    return final;
  }

  /** What an apply and its recovery need to record and settle. */
  private recording(log: Logger): RecordContext {
    return {
      snapshots: this.deps.snapshots,
      clock: this.deps.clock,
      log,
      newId: this.deps.newId,
      recordChange: (applied, before, after) => this.recordChange(applied, after, before),
      settle: (settling, state, outcome) => this.settle(settling, state, outcome),
      supersede: (settled, changedUnder) => this.supersedePending(settled, changedUnder),
    };
  }

  private async recordChange(proposal: Proposal, after: Proposal['proposed'] = proposal.proposed, before: Proposal['base'] = proposal.base): Promise<string> {
    const changeId = this.deps.newId();
    await this.deps.audit.record({
      id: changeId,
      scope: proposal.scope,
      proposalId: proposal.id,
      before,
      after,
      requester: proposal.requester,
      approver: proposal.decidedBy ?? proposal.requester,
      channel: proposal.channel,
      proposedAt: proposal.createdAt,
      appliedAt: this.deps.clock.now(),
    });
    return changeId;
  }

  /** The recent changes; a revert names the change it undid, from the proposal that made it. */
  private async history(scope: string): Promise<HistoryEntry[]> {
    const changes = await this.deps.audit.recent(scope, HISTORY_LIMIT);
    return Promise.all(changes.map(async (change): Promise<HistoryEntry> => {
      const proposal = await this.deps.store.get(change.proposalId);
      const command = proposal?.command;
      const partial = proposal?.outcome?.kind === 'failed' && (proposal.outcome.partial !== undefined || proposal.outcome.code === 'PARTIAL_WRITE');
      return {
        ...change,
        ...(command !== undefined && isScheduleChange(command) ? { schedule: command } : {}),
        ...(command?.verb === 'revert' ? { revertOf: command.changeId } : {}),
        ...(partial ? { partial: true as const } : {}),
      };
    }));
  }

  private scheduling(): ScheduleWorkflow {
    if (this.deps.schedules === undefined) throw new PinbotError('NOT_ALLOWED', 'Schedules are not kept by this pinbot.', { action: 'propose', reason: 'no schedules' });
    return this.deps.schedules;
  }

  /**
   * One switch of an approved schedule, under the scope's lock: nothing when the entry is already
   * as the switch wants it or a person changed it since the schedule last left it (never undone);
   * otherwise the change goes through the backend's apply like an approved proposal, made by the
   * schedule and approved by its approver (`by`: who asked to resume it, when someone did).
   * `adopt`: the entry as it is now is taken as the schedule's own (a held schedule's next window).
   */
  async switchBySchedule(schedule: Schedule, to: SwitchDirection, options: { readonly by?: Principal; readonly adopt?: boolean } = {}): Promise<SwitchResult> {
    const by = options.by ?? schedule.approver;
    const schedules = this.scheduling().store;
    return this.deps.lock.withLock(schedule.scope, async (held) => {
      const backend = this.deps.backendFor(schedule.scope);
      const live = await backend.read();
      const current = entryIn(live.pins, schedule.spec.entry);
      const mine = options.adopt === true ? { ...schedule, left: { ...(current ? { pin: current } : {}), at: this.deps.clock.now() } } : schedule;
      const judged = judgeSwitch(mine, to, live, (pins) => backend.version(pins));
      if (judged === 'overridden') return { kind: 'overridden', ...(current ? { current } : {}), ...(schedule.left.pin ? { left: schedule.left.pin } : {}) };
      if (judged === 'already') {
        await schedules.setLeft(schedule.id, { ...(current ? { pin: current } : {}), at: this.deps.clock.now() });
        return { kind: 'already', ...(current ? { current } : {}) };
      }
      const context: RequestContext = { scope: schedule.scope, principal: schedulePrincipal(schedule), channel: schedule.channel };
      let plan: Plan;
      try {
        plan = await backend.plan({ command: switchCommand(schedule.spec, to), live, earlierSeen: () => this.earlierSeen(schedule.scope, backend.kind) });
      } catch (error) {
        if (isPinbotError(error)) return { kind: 'refused', error };
        throw error;
      }
      const pending = await this.record(switchCommand(schedule.spec, to), plan, backend.kind, context);
      const applying = await this.deps.store.transition(pending.id, 'pending', 'applying', { decidedBy: by, decidedAt: this.deps.clock.now(), approvals: [by] });
      if (!applying) return { kind: 'written', proposal: await this.find(pending.id) };
      const proposal = await backend.apply(applying, this.applying(applying, held));
      if (proposal.state === 'applied') {
        const left = entryIn(proposal.proposed, schedule.spec.entry);
        await schedules.setLeft(schedule.id, { ...(left ? { pin: left } : {}), at: this.deps.clock.now() });
      }
      return { kind: 'written', proposal };
    });
  }

  /** An active schedule by id. */
  async scheduleOf(scheduleId: string): Promise<Schedule> {
    const schedule = await this.scheduling().store.get(scheduleId);
    if (schedule === undefined || schedule.removedAt !== undefined) {
      throw new PinbotError('SCHEDULE_NOT_FOUND', `Schedule \`${scheduleId}\` was removed or never existed; \`schedules\` lists those there are.`, { scheduleId });
    }
    return schedule;
  }

  /**
   * The Resume button of an override notice: the schedule takes the entry as it is now for its own
   * and switches it to what it says should hold now. Who clicks must be allowed to propose here, and
   * is named as the switch's approver.
   */
  async resumeSchedule(scheduleId: string, who: Principal): Promise<{ schedule: Schedule; result: SwitchResult; line: Message }> {
    const schedules = this.scheduling().store;
    const schedule = await this.scheduleOf(scheduleId);
    const decision = this.deps.policy.canPropose(schedule.scope, who);
    if (!decision.allowed) throw new PinbotError('NOT_ALLOWED', decision.reason, { action: 'propose', reason: decision.reason });
    const backend = this.deps.backendFor(schedule.scope);
    const current = entryIn((await backend.read()).pins, schedule.spec.entry);
    const now = this.deps.clock.now();
    const taken: Schedule = { ...schedule, left: { ...(current ? { pin: current } : {}), at: now } };
    await schedules.setLeft(schedule.id, taken.left);
    await schedules.setOverride(schedule.id, undefined);
    this.deps.logger.info({ scope: schedule.scope, scheduleId }, 'schedule resumed');
    const to = stateAt(schedule.spec, now);
    const result = await this.switchBySchedule(taken, to, { by: who });
    return { schedule: taken, result, line: switchLine(taken, to, now, result, backend.words) };
  }

  private async status(scope: string, modelId: string | undefined): Promise<StatusEntry[]> {
    const backend = this.deps.backendFor(scope);
    const live = await backend.read();
    // Asked by name about an entry the scope does not hold: its backend's answer would read as if it did.
    if (modelId !== undefined && !backend.holds(modelId, live)) {
      const onHub = await this.hubKnows(scope, modelId);
      return [{ modelId, notPinned: true, ...(onHub !== undefined ? { onHub } : {}) }];
    }
    const ids = modelId !== undefined ? [modelId] : live.pins.map((pin) => pin.modelId);
    return Promise.all(
      ids.map(async (id): Promise<StatusEntry> => {
        try {
          return { modelId: id, status: await backend.status(id) };
        } catch (error) {
          if (isPinbotError(error)) return { modelId: id, error };
          throw error;
        }
      }),
    );
  }

  /** Whether the Hub has the model; undefined when there is no Hub to ask or it did not answer. */
  private async hubKnows(scope: string, modelId: string): Promise<boolean | undefined> {
    const lookup = await this.deps.catalogFor?.(scope).lookUp(modelId);
    if (lookup === undefined || lookup.kind === 'unreachable') return undefined;
    return lookup.kind !== 'not-found';
  }

  private async alertToRestore(scope: string, alertId: string) {
    const alert = await this.deps.snapshots?.getAlert(alertId);
    if (alert?.scope !== scope) {
      throw new PinbotError('ALERT_NOT_FOUND', 'pinbot no longer knows that alert, so it cannot restore the list from it.', { alertId });
    }
    return alert;
  }

  private async changeToRevert(scope: string, changeId: string): Promise<ChangeRecord> {
    const change = await this.deps.audit.get(scope, changeId);
    if (!change) {
      throw new PinbotError('CHANGE_NOT_FOUND', `There is no change \`${changeId}\` in this scope's history.`, { changeId });
    }
    const made = (await this.deps.store.get(change.proposalId))?.command;
    if (made !== undefined && isScheduleChange(made)) {
      const scheduleId = made.verb === 'schedule' ? change.proposalId : made.scheduleId;
      throw new PinbotError(
        'NOT_A_LIST_CHANGE',
        `Change \`${changeId}\` ${made.verb === 'schedule' ? 'started' : 'removed'} schedule \`${scheduleId}\` and wrote nothing, so there is nothing to revert; ${made.verb === 'schedule' ? `remove it with \`unschedule ${scheduleId}\`` : 'propose the schedule again to bring it back'}.`,
        { changeId, scheduleId },
      );
    }
    return change;
  }

  private async pendingProposal(proposalId: string): Promise<Proposal> {
    const proposal = await this.find(proposalId);
    if (proposal.state !== 'pending') throw this.decidedError(proposal);
    const now = this.deps.clock.now();
    if (proposal.expiresAt <= now) {
      await this.expire(proposal, now);
      throw new PinbotError('EXPIRED', 'This proposal has expired; nothing was written. Propose the change again.', {
        proposalId,
        expiredAt: proposal.expiresAt,
      });
    }
    return proposal;
  }

  private async expire(proposal: Proposal, now: number): Promise<Proposal | undefined> {
    const expired = await this.deps.store.transition(proposal.id, 'pending', 'expired', { decidedAt: now, outcome: { kind: 'expired' } });
    if (expired) {
      this.log(expired).info({}, 'proposal expired');
      this.deps.metrics?.proposalSettled('expired');
      this.deps.onSettled?.(expired);
    }
    return expired;
  }

  private async find(proposalId: string): Promise<Proposal> {
    const proposal = await this.deps.store.get(proposalId);
    if (!proposal) {
      throw new PinbotError('PROPOSAL_NOT_FOUND', 'That proposal no longer exists; nothing was written.', { proposalId });
    }
    return proposal;
  }

  private async alreadyDecided(proposalId: string): Promise<PinbotError> {
    return this.decidedError(await this.find(proposalId));
  }

  private decidedError(proposal: Proposal): PinbotError {
    if (proposal.state === 'expired') {
      return new PinbotError('EXPIRED', 'This proposal has expired; nothing was written. Propose the change again.', {
        proposalId: proposal.id,
        expiredAt: proposal.expiresAt,
      });
    }
    return new PinbotError('ALREADY_DECIDED', `This proposal is already ${proposal.state}.`, {
      proposalId: proposal.id,
      state: proposal.state,
      ...(proposal.decidedBy ? { by: proposal.decidedBy } : {}),
    });
  }

  private log(proposal: Proposal): Logger {
    return this.deps.logger.child({ scope: proposal.scope, proposalId: proposal.id });
  }
}

