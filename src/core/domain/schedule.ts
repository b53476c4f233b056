import type { ChannelRef } from './channel.ts';
import type { ComputeType, Pin } from './pin.ts';
import type { Principal } from './principal.ts';

/** ISO weekday, as Luxon numbers them: Monday = 1 … Sunday = 7. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A wall-clock time of day in the schedule's zone. `24:00` is allowed as an end only. */
export interface ClockTime {
  readonly hour: number;
  readonly minute: number;
}

/**
 * When an entry is kept ready: on `days`, from `start` to `end` in `zone`; outside those windows it
 * is let go. An `end` at or before `start` ends the window the next day (an overnight window), so a
 * window is never longer than a day.
 */
export interface ScheduleSpec {
  /** The entry, as commands name it. */
  readonly entry: string;
  /** A compute type, where the backend has them (`:cpu`, `:gpu`). */
  readonly computeType?: ComputeType;
  /** The backend's `key=N` option: how many instances the entry keeps ready inside a window. */
  readonly scale?: number;
  /** Sorted, without repeats: the days a window starts on. */
  readonly days: readonly Weekday[];
  readonly start: ClockTime;
  readonly end: ClockTime;
  /** An IANA time zone (`Europe/Paris`) or `UTC`. */
  readonly zone: string;
}

/** A schedule's spec as typed: the zone is absent when the command named none (the scope's default then applies). */
export type TypedScheduleSpec = Omit<ScheduleSpec, 'zone'> & { readonly zone?: string };

/** Which way a switch goes: `ready` at a window's start, `let-go` at its end. */
export type SwitchDirection = 'ready' | 'let-go';

/** One boundary of a window, as an instant. */
export interface ScheduledSwitch {
  /** When the window starts or ends, epoch ms. */
  readonly at: number;
  readonly to: SwitchDirection;
}

/** One window as instants, `[start, end)`. */
export interface ConcreteWindow {
  readonly start: number;
  readonly end: number;
}

/** What a schedule's last switch (or its approval) left the entry as: `pin` absent when not kept ready. */
export interface LeftState {
  readonly pin?: Pin;
  readonly at: number;
}

/** An approved schedule, as kept. */
export interface Schedule {
  readonly id: string;
  readonly scope: string;
  /** The backend it was approved for (its registry name). */
  readonly backend: string;
  readonly spec: ScheduleSpec;
  /** The proposal that made it: its card is where each switch says one line. */
  readonly proposalId: string;
  readonly requester: Principal;
  readonly approver: Principal;
  readonly channel: ChannelRef;
  /** When it was approved, epoch ms: no switch before this is its own. */
  readonly createdAt: number;
  /** When a removal was approved; a removed schedule switches no more. */
  readonly removedAt?: number;
  /** The latest boundary handled (claimed by one process), epoch ms; 0 before the first. */
  readonly handledBoundary: number;
  /** When `handledBoundary` was claimed, epoch ms; absent before the first claim. */
  readonly claimedAt?: number;
  /**
   * The latest boundary whose switch finished, whatever its outcome. Below `handledBoundary` while
   * a switch runs, or after the process running it died: then another takes it up once the claim is old.
   */
  readonly doneBoundary: number;
  /** What its last switch, or its approval, left the entry as: a change from this is a person's. */
  readonly left: LeftState;
  /** Set while a person's change holds: the schedule stays still until this boundary (its next window's start). */
  readonly overriddenUntil?: number;
}
