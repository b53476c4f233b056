import { readBeforeWrite, type ApplyContext, type RecordContext } from '../apply-context.ts';
import type { LiveState, ScopeBackend } from '../backend.ts';
import type { Command, ScheduleChange } from '../domain/command.ts';
import { isPinbotError, PinbotError } from '../domain/errors.ts';
import { DEFAULT_COMPUTE_TYPE, type Pin } from '../domain/pin.ts';
import type { Plan } from '../domain/plan.ts';
import type { Principal } from '../domain/principal.ts';
import type { Proposal } from '../domain/proposal.ts';
import type { Schedule, ScheduleSpec, SwitchDirection } from '../domain/schedule.ts';
import { latestSwitch, windowsOverlap } from '../domain/schedule-times.ts';
import { describeWindow } from '../domain/schedule-words.ts';
import type { Clock, ScheduleStore } from '../ports.ts';

/** A command that proposes a schedule or its removal, as typed. */
export type ScheduleRequest = Extract<Command, { verb: 'schedule' | 'unschedule' }>;

export interface ScheduleWorkflowDeps {
  readonly store: ScheduleStore;
  readonly clock: Clock;
  /** The zone a schedule typed without one is read in: the scope's `timezone`. */
  readonly defaultZone: (scope: string) => string;
}

/** What a switch found under the scope's lock, and did. */
export type SwitchResult =
  /** The entry was already as the switch wants it: nothing written. */
  | { readonly kind: 'already'; readonly current?: Pin }
  /** A person changed the entry since the schedule last left it, to something else than the switch wants: not undone. */
  | { readonly kind: 'overridden'; readonly current?: Pin; readonly left?: Pin }
  /** The change was refused before any write (a cap, say): why. */
  | { readonly kind: 'refused'; readonly error: PinbotError }
  /** The change went through the backend's apply: how it ended. */
  | { readonly kind: 'written'; readonly proposal: Proposal }
  /** A let-go while another schedule of the same entry keeps it ready (`to`, its id): left to that one, nothing written. */
  | { readonly kind: 'handed-over'; readonly to: string };

/** The entry as the scope has it now, if it keeps it ready. */
export function entryIn(pins: readonly Pin[], entry: string): Pin | undefined {
  return pins.find((pin) => pin.modelId === entry);
}

/** Who a switch is made by: the schedule itself, named so history and the channel can tell. */
export function schedulePrincipal(schedule: Schedule): Principal {
  return { platform: schedule.channel.platform, userId: `schedule:${schedule.id}`, displayName: `schedule ${schedule.id}` };
}

/** The schedule a switch was made by, from its principal; undefined for a person. */
export function scheduleIdOf(principal: Principal): string | undefined {
  return principal.userId.startsWith('schedule:') ? principal.userId.slice('schedule:'.length) : undefined;
}

/** The change a switch makes: keep the entry ready with the schedule's setting, or let it go. */
export function switchCommand(spec: ScheduleSpec, to: SwitchDirection) {
  return to === 'ready'
    ? { verb: 'add' as const, pins: [{ modelId: spec.entry, computeType: spec.computeType ?? DEFAULT_COMPUTE_TYPE }], ...(spec.scale !== undefined ? { scale: spec.scale } : {}) }
    : { verb: 'remove' as const, modelIds: [spec.entry] };
}

/**
 * How a switch meets the entry: already as wanted; changed by a person since the schedule last
 * left it (and not to what the switch wants), which the schedule never undoes; or to be written.
 */
export function judgeSwitch(
  schedule: Schedule, to: SwitchDirection, live: LiveState, version: (pins: readonly Pin[]) => string,
): 'already' | 'overridden' | 'write' {
  const current = entryIn(live.pins, schedule.spec.entry);
  if ((to === 'ready') === (current !== undefined)) return 'already';
  const left = schedule.left.pin;
  const changedSince = version(current ? [current] : []) !== version(left ? [left] : []);
  return changedSince ? 'overridden' : 'write';
}

/**
 * Schedules as proposals: planning one (checked against the backend and the scope's other
 * schedules), starting it when approved, and removing it. Approving a schedule writes nothing to
 * the live state; its switches do, later, each through the backend's apply.
 */
export class ScheduleWorkflow {
  constructor(private readonly deps: ScheduleWorkflowDeps) {}

  get store(): ScheduleStore {
    return this.deps.store;
  }

  /** The proposal's change and a plan that leaves the live state as it is; throws a coded refusal. */
  async plan(request: ScheduleRequest, scope: string, backend: ScopeBackend, live: LiveState): Promise<{ change: ScheduleChange; plan: Plan }> {
    const unchanged: Plan = { base: live.pins, baseVersion: backend.version(live.pins), proposed: live.pins, diff: [], allowed: live.allowed };
    if (request.verb === 'unschedule') {
      const schedule = await this.activeSchedule(scope, request.scheduleId);
      return { change: { verb: 'unschedule', scheduleId: schedule.id, spec: schedule.spec }, plan: unchanged };
    }
    const typed: ScheduleSpec = { ...request.spec, zone: request.spec.zone ?? this.deps.defaultZone(scope) };
    const { spec, ready } = await this.readyEntry(typed, backend, live);
    this.refuseOverlap(spec, await this.deps.store.active(scope));
    const cost = ready !== undefined ? backend.usage?.readyCostPerHour(ready, live) : undefined;
    return { change: { verb: 'schedule', spec, ...(cost !== undefined ? { readyCostPerHour: cost } : {}) }, plan: unchanged };
  }

  /**
   * The entry as a window would keep it, planned by the backend (which refuses an entry it does
   * not have, or a setting it does not allow), named as the backend names it.
   */
  private async readyEntry(spec: ScheduleSpec, backend: ScopeBackend, live: LiveState): Promise<{ spec: ScheduleSpec; ready?: Pin }> {
    try {
      const plan = await backend.plan({ command: switchCommand(spec, 'ready'), live, earlierSeen: async () => [] });
      const added = plan.diff.find((line) => line.kind !== 'removed');
      const entry = added?.modelId ?? spec.entry;
      return { spec: { ...spec, entry }, ready: entryIn(plan.proposed, entry) };
    } catch (error) {
      // Kept ready already, with that setting: the schedule is as valid as any.
      if (isPinbotError(error) && error.is('NO_CHANGE')) {
        const held = live.pins.find((pin) => pin.modelId === spec.entry) ?? entryIn(error.details.current, spec.entry);
        return { spec, ...(held !== undefined ? { ready: held } : {}) };
      }
      throw error;
    }
  }

  private refuseOverlap(spec: ScheduleSpec, active: readonly Schedule[]): void {
    const now = this.deps.clock.now();
    const clash = active.find((other) => other.spec.entry === spec.entry && windowsOverlap(spec, other.spec, now));
    if (clash === undefined) return;
    throw new PinbotError(
      'SCHEDULE_OVERLAP',
      `Those windows overlap schedule \`${clash.id}\` of \`${spec.entry}\` (${describeWindow(clash.spec)}); one entry's schedules may not overlap. Nothing was proposed.`,
      { entry: spec.entry, otherId: clash.id },
    );
  }

  private async activeSchedule(scope: string, scheduleId: string): Promise<Schedule> {
    const schedule = await this.deps.store.get(scheduleId);
    if (schedule === undefined || schedule.scope !== scope || schedule.removedAt !== undefined) {
      throw new PinbotError('SCHEDULE_NOT_FOUND', `This scope has no schedule \`${scheduleId}\`; \`schedules\` lists them.`, { scheduleId });
    }
    return schedule;
  }

  /**
   * Starts, or removes, the schedule an approved proposal holds; runs under the scope's lock with the
   * proposal `applying`. The schedule's id is its proposal's.
   */
  async apply(proposal: Proposal, change: ScheduleChange, backend: ScopeBackend, context: ApplyContext): Promise<Proposal> {
    const live = await readBeforeWrite(proposal, context, () => backend.read(), backend.target);
    const now = this.deps.clock.now();
    if (change.verb === 'unschedule') {
      if (!(await this.deps.store.remove(change.scheduleId, now))) {
        return context.settle(proposal, 'failed', { kind: 'failed', code: 'SCHEDULE_NOT_FOUND', message: `Schedule \`${change.scheduleId}\` was already removed; nothing changed.` });
      }
      const changeId = await context.recordChange(proposal, live.pins, live.pins);
      const current = entryIn(live.pins, change.spec.entry);
      return context.settle(proposal, 'applied', {
        kind: 'applied', changeId,
        message: `Schedule \`${change.scheduleId}\` removed: it switches \`${change.spec.entry}\` no more, and leaves it as it is now (${current ? 'kept ready' : 'not kept ready'}).`,
      });
    }
    const clash = (await this.deps.store.active(proposal.scope))
      .find((other) => other.spec.entry === change.spec.entry && windowsOverlap(change.spec, other.spec, now));
    if (clash !== undefined) {
      return context.settle(proposal, 'failed', {
        kind: 'failed', code: 'SCHEDULE_OVERLAP',
        message: `Schedule \`${clash.id}\` of \`${change.spec.entry}\` was approved meanwhile and its windows overlap these; nothing was started.`,
      });
    }
    const current = entryIn(live.pins, change.spec.entry);
    await this.deps.store.create({
      id: proposal.id,
      scope: proposal.scope,
      backend: backend.kind,
      spec: change.spec,
      proposalId: proposal.id,
      requester: proposal.requester,
      approver: proposal.decidedBy ?? proposal.requester,
      channel: proposal.channel,
      createdAt: now,
      // Boundaries before the approval are not the schedule's: its first switch is the next one.
      handledBoundary: latestSwitch(change.spec, now)?.at ?? 0,
      doneBoundary: latestSwitch(change.spec, now)?.at ?? 0,
      left: { ...(current !== undefined ? { pin: current } : {}), at: now },
    });
    const changeId = await context.recordChange(proposal, live.pins, live.pins);
    return context.settle(proposal, 'applied', {
      kind: 'applied', changeId,
      message: `Schedule \`${proposal.id}\` is on: \`${change.spec.entry}\` ${describeWindow(change.spec)}. Nothing was written now; it switches at the times on the card.`,
    });
  }

  /** A schedule's proposal left `applying` by a stopped process: the store alone says whether it took. */
  async recover(proposal: Proposal, change: ScheduleChange, live: LiveState, context: RecordContext): Promise<Proposal> {
    const schedule = await this.deps.store.get(change.verb === 'schedule' ? proposal.id : change.scheduleId);
    const took = change.verb === 'schedule' ? schedule !== undefined : schedule?.removedAt !== undefined;
    if (!took) {
      return context.settle(proposal, 'failed', { kind: 'failed', code: 'INTERRUPTED', message: 'pinbot stopped before this took effect; nothing changed. Propose it again.' });
    }
    const changeId = await context.recordChange(proposal, live.pins, live.pins);
    return context.settle(proposal, 'applied', { kind: 'applied', changeId, message: change.verb === 'schedule' ? `Schedule \`${proposal.id}\` is on.` : `Schedule \`${change.scheduleId}\` removed.` });
  }
}
