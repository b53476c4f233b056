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
}

/** How often due switches are looked for: a switch fires at most this late. */
export const DEFAULT_SCHEDULE_TICK_MS = 15_000;
/** The lead time of an entry never seen becoming ready. */
export const DEFAULT_LEAD_MS = 10 * 60_000;
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
 * in the store by exactly one. A switch goes through the backend's apply (stale check, caps,
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
    for (const schedule of await this.options.schedules.active()) {
      try {
        const fired = await this.switchIfDue(schedule);
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

  private async switchIfDue(schedule: Schedule): Promise<SwitchDone | undefined> {
    const now = this.options.clock.now();
    const due = dueSwitch(schedule.spec, now, await this.leadTime(schedule));
    if (due === undefined || due.at <= schedule.handledBoundary) return undefined;
    const held = schedule.overriddenUntil;
    if (held !== undefined && due.at < held) return undefined;
    if (!(await this.options.schedules.claimBoundary(schedule.id, due.at))) return undefined;
    const log = this.options.logger.child({ scheduleId: schedule.id, scope: schedule.scope });
    // The window a person's change held it until has come: the entry as it is now is the schedule's own again.
    const adopt = held !== undefined;
    if (adopt) await this.options.schedules.setOverride(schedule.id, undefined);
    const result = await this.options.service.switchBySchedule(schedule, due.to, { adopt });
    log.info({ to: due.to, boundary: due.at, result: result.kind }, 'schedule switch');
    await this.tell(schedule, due, result);
    return { scheduleId: schedule.id, boundary: due, result };
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
  private async tell(schedule: Schedule, due: ScheduledSwitch, result: SwitchResult): Promise<void> {
    const words = this.options.wordsOf(schedule.backend);
    const card = await this.options.service.getProposal(schedule.proposalId).catch(() => undefined);
    const base = {
      scope: schedule.scope,
      channel: schedule.channel,
      ...(card?.messageRef !== undefined ? { replyTo: card.messageRef } : {}),
    };
    let notification: Notification;
    if (result.kind === 'overridden') {
      const resumesAt = nextSwitches(schedule.spec, due.at, 2).find((next) => next.to === 'ready')?.at;
      if (resumesAt !== undefined) await this.options.schedules.setOverride(schedule.id, resumesAt);
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
