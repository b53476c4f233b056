import type { WordsOf } from '../backend.ts';
import { isPinbotError } from '../domain/errors.ts';
import type { Schedule, ScheduledSwitch, ScheduleSpec } from '../domain/schedule.ts';
import { latestSwitch, nextSwitches } from '../domain/schedule-times.ts';
import type { Message } from '../domain/ui.ts';
import type { Clock, Logger, ReadyTimeStore, ScheduleStore } from '../ports.ts';
import { overrideNotice, switchLine } from '../words/schedule-lines.ts';
import type { PinningService } from '../workflow/pinning-service.ts';
import type { SwitchResult } from '../workflow/schedule-workflow.ts';
import type { Notification, Notifier } from './notifications.ts';

export interface ScheduleSwitcherOptions {
  readonly service: PinningService;
  readonly schedules: ScheduleStore;
  readonly readyTimes?: ReadyTimeStore;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly wordsOf: WordsOf;
  /** How often due switches are looked for. */
  readonly tickMs?: number;
  /** How early a switch to ready starts while the entry has no learned ready time. */
  readonly defaultLeadMs?: number;
  /** How old an unfinished claim must be before another pass takes the switch up. */
  readonly claimLeaseMs?: number;
}

/** How often due switches are looked for: a switch fires at most this late. */
export const DEFAULT_SCHEDULE_TICK_MS = 15_000;
/** The lead time of an entry never seen becoming ready. */
export const DEFAULT_LEAD_MS = 10 * 60_000;
/**
 * How long a claimed switch may run before another pass takes it for lost (its process died) and
 * does it again. Longer than the slowest switch that still finishes: up to 2 min waiting for the
 * scope's lock, then a read and a write, each at most about 2.5 min through its retries and
 * timeouts. A live switch taken up too early would not write twice, but could say a second line.
 */
export const DEFAULT_CLAIM_LEASE_MS = 10 * 60_000;
/** How many of an entry's latest ready times its lead time is learned from. */
const READY_TIMES_USED = 5;
/** The learned lead is the slowest recent ready time with this much to spare, within these bounds. */
const LEAD_MARGIN = 1.2;
const MIN_LEAD_MS = 60_000;
const MAX_LEAD_MS = 2 * 60 * 60_000;

/** What one process did at one switch. */
export interface SwitchDone {
  readonly scheduleId: string;
  readonly boundary: ScheduledSwitch;
  readonly result: SwitchResult;
}

/**
 * The lead time learned from an entry's latest ready times (slowest, with a margin, rounded up to a
 * minute), or the default while there are none.
 */
export function leadFrom(readyTimesMs: readonly number[], defaultLeadMs = DEFAULT_LEAD_MS): number {
  if (readyTimesMs.length === 0) return defaultLeadMs;
  const slowest = Math.max(...readyTimesMs) * LEAD_MARGIN;
  return Math.min(MAX_LEAD_MS, Math.max(MIN_LEAD_MS, Math.ceil(slowest / 60_000) * 60_000));
}

/**
 * The switch due at `now`: the latest boundary passed, or a window starting within the lead time
 * (so the entry is ready at its start). After pinbot was down, that is the state the schedule says
 * should hold now, and the missed switches before it are not replayed.
 */
export function dueSwitch(spec: ScheduleSpec, now: number, leadMs: number): ScheduledSwitch | undefined {
  const ahead = latestSwitch(spec, now + leadMs);
  if (ahead?.to === 'ready' && ahead.at > now) return ahead;
  return latestSwitch(spec, now);
}

/**
 * Fires each schedule's switches on time, on every pinbot process at once: each switch is claimed
 * in the store by exactly one, and given back if it fails before it is done, for the next pass on
 * any process to try again. A claim whose process died before the switch was done is taken up by
 * one pass, on any process, once it is older than the lease. A switch goes through the backend's apply (stale check, caps,
 * partial writes) and says one line under the schedule's card. A person's change since the
 * schedule last left the entry is never undone: the schedule says so, with Resume and Remove
 * buttons, and stays still until its next window starts, when it takes the entry as it finds it.
 */
export class ScheduleSwitcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: ScheduleSwitcherOptions) {}

  /** Looks at once (a switch missed while pinbot was down is caught up now), then every tick. */
  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick().catch((error: unknown) => {
        this.options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'schedule pass failed');
      }).finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(loop, this.options.tickMs ?? DEFAULT_SCHEDULE_TICK_MS);
        this.timer.unref();
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every active schedule; returns the switches this process fired. */
  async tick(): Promise<SwitchDone[]> {
    const done: SwitchDone[] = [];
    const active = await this.options.schedules.active();
    for (const schedule of active) {
      try {
        const fired = await this.switchIfDue(schedule, active);
        if (fired) done.push(fired);
      } catch (error) {
        this.options.logger.warn({
          scheduleId: schedule.id, scope: schedule.scope, code: isPinbotError(error) ? error.code : 'UNKNOWN',
          error: error instanceof Error ? error.message : String(error),
        }, 'schedule switch failed');
      }
    }
    return done;
  }

  private async switchIfDue(schedule: Schedule, active: readonly Schedule[]): Promise<SwitchDone | undefined> {
    const now = this.options.clock.now();
    const due = dueSwitch(schedule.spec, now, await this.leadTime(schedule));
    if (due === undefined || due.at < schedule.handledBoundary) return undefined;
    const held = schedule.overriddenUntil;
    if (held !== undefined && due.at < held) return undefined;
    if (!(await this.claim(schedule, due.at, now))) return undefined;
    // Read again once claimed: another process's switch since this pass began may have changed what it left.
    const claimed = await this.options.schedules.get(schedule.id);
    if (claimed === undefined) return undefined;
    const log = this.options.logger.child({ scheduleId: schedule.id, scope: schedule.scope });
    // The window a person's change held it until has come: the entry as it is now is the schedule's own again.
    const adopt = held !== undefined;
    let result: SwitchResult;
    try {
      const keeper = due.to === 'let-go' ? await this.keptReadyBy(claimed, active, now) : undefined;
      result = keeper !== undefined
        ? await this.handOver(claimed, keeper, now)
        : await this.options.service.switchBySchedule(claimed, due.to, { adopt });
    } catch (error) {
      // Claimed but not done (the live state unreadable, the store or the lock failing): given back,
      // so a later pass here or in another process tries again instead of the switch being lost
      // unsaid. A retry cannot write twice: it reads the entry under the lock and finds it as wanted.
      const previous = due.at > schedule.handledBoundary ? schedule.handledBoundary : schedule.doneBoundary;
      await this.options.schedules.releaseBoundary(schedule.id, due.at, previous, now).catch(() => false);
      throw error;
    }
    if (adopt) await this.options.schedules.setOverride(schedule.id, undefined);
    log.info({ to: due.to, boundary: due.at, result: result.kind }, 'schedule switch');
    // A person's change holds the schedule still until its next window starts.
    const resumesAt = result.kind === 'overridden' ? nextSwitches(schedule.spec, due.at, 2).find((next) => next.to === 'ready')?.at : undefined;
    if (resumesAt !== undefined) await this.options.schedules.setOverride(schedule.id, resumesAt);
    await this.tell(claimed, due, result, resumesAt);
    await this.options.schedules.markDone(schedule.id, due.at);
    return { scheduleId: schedule.id, boundary: due, result };
  }

  /**
   * Takes the switch at `boundary` for this process: a boundary not yet handled, or one handled
   * but never done whose claim is older than the lease (the process that claimed it died mid-way).
   * An unfinished older boundary is simply replaced by a newer due one.
   */
  private async claim(schedule: Schedule, boundary: number, now: number): Promise<boolean> {
    const store = this.options.schedules;
    if (boundary > schedule.handledBoundary) return store.claimBoundary(schedule.id, boundary, now);
    const staleBefore = now - (this.options.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS);
    if (schedule.doneBoundary >= boundary || (schedule.claimedAt !== undefined && schedule.claimedAt > staleBefore)) return false;
    const taken = await store.reclaimBoundary(schedule.id, boundary, staleBefore, now);
    if (taken) this.options.logger.warn({ scheduleId: schedule.id, scope: schedule.scope, boundary, claimedAt: schedule.claimedAt }, 'unfinished schedule switch taken up');
    return taken;
  }

  /**
   * Another schedule of the same entry whose window is open now, or opens within its lead time (its
   * switch to ready may have found the entry ready already): letting go here would undo it.
   */
  private async keptReadyBy(schedule: Schedule, active: readonly Schedule[], now: number): Promise<Schedule | undefined> {
    for (const other of active) {
      if (other.id === schedule.id || other.scope !== schedule.scope || other.spec.entry !== schedule.spec.entry) continue;
      if (dueSwitch(other.spec, now, await this.leadTime(other))?.to === 'ready') return other;
    }
    return undefined;
  }

  /**
   * Leaves the entry to the schedule that keeps it ready. For this one the entry is let go: its next
   * window finds it as the other schedule left it, not as a person's change.
   */
  private async handOver(schedule: Schedule, keeper: Schedule, now: number): Promise<SwitchResult> {
    await this.options.schedules.setLeft(schedule.id, { at: now });
    return { kind: 'handed-over', to: keeper.id };
  }

  private async leadTime(schedule: Schedule): Promise<number> {
    try {
      const recent = await this.options.readyTimes?.recent(schedule.scope, schedule.spec.entry, READY_TIMES_USED);
      return leadFrom(recent ?? [], this.options.defaultLeadMs);
    } catch {
      return this.options.defaultLeadMs ?? DEFAULT_LEAD_MS;
    }
  }

  /** The switch's line under the schedule's card; for a person's change, the notice with its buttons. */
  private async tell(schedule: Schedule, due: ScheduledSwitch, result: SwitchResult, resumesAt: number | undefined): Promise<void> {
    const words = this.options.wordsOf(schedule.backend);
    const card = await this.options.service.getProposal(schedule.proposalId).catch(() => undefined);
    const base = {
      scope: schedule.scope,
      channel: schedule.channel,
      ...(card?.messageRef !== undefined ? { replyTo: card.messageRef } : {}),
    };
    let notification: Notification;
    if (result.kind === 'overridden') {
      const notice = overrideNotice(schedule, due.to, resumesAt, words);
      notification = { ...base, key: `schedule-override:${schedule.id}:${due.at}`, message: notice.message, actions: notice.actions };
    } else {
      notification = switchNotice(schedule, card?.messageRef, due.at, result, switchLine(schedule, due.to, due.at, result, words));
    }
    await this.options.notifier.send(notification);
  }
}

/**
 * A switch's one line, under the schedule's card (`cardRef`), whether fired on time or by Resume.
 * Keyed as the switch's own settled notice when it wrote, so the sweep that tells settled proposals
 * does not tell it a second time, out of the card's thread.
 */
export function switchNotice(
  schedule: Schedule, cardRef: string | undefined, at: number, result: Exclude<SwitchResult, { kind: 'overridden' }>, line: Message,
): Notification {
  return {
    key: result.kind === 'written' ? `settled:${result.proposal.id}` : `schedule:${schedule.id}:${at}`,
    scope: schedule.scope,
    channel: schedule.channel,
    ...(cardRef !== undefined ? { replyTo: cardRef } : {}),
    message: { ...line, visibility: 'channel' },
  };
}
