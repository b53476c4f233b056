import type { ChannelRef } from './domain/channel.ts';
import type { Pin } from './domain/pin.ts';
import type { Principal } from './domain/principal.ts';
import type { Proposal, ProposalState } from './domain/proposal.ts';
import type { Latency, StatusClass, UsageCounter } from './domain/usage.ts';
import type { LeftState, Schedule } from './domain/schedule.ts';

export interface ModelStatus {
  readonly modelId: string;
  readonly loaded: boolean;
  /** `Loaded`, `Loadable`, `Loading`, `TooBig`, … kept as sent. */
  readonly state: string;
  /** A string (`cpu`) or an object (`{ gpu: { gpu: 'a100', count: 8 } }`): opaque to pinbot. */
  readonly computeType?: unknown;
  readonly framework?: string;
}

export interface ProposalStore {
  create(proposal: Proposal): Promise<void>;
  get(id: string): Promise<Proposal | undefined>;
  /**
   * Atomic compare-and-set: moves the proposal from `from` to `to` and applies `patch`, only if
   * it is in `from` now. Returns the updated proposal to the single winner, `undefined` to everyone else.
   */
  transition(id: string, from: ProposalState, to: ProposalState, patch?: ProposalPatch): Promise<Proposal | undefined>;
  /** Records an approval without a state change (for proposals that need several). */
  addApproval(id: string, approver: Principal): Promise<Proposal | undefined>;
  setMessageRef(id: string, messageRef: string): Promise<void>;
  /** Proposals in `state`, oldest first; in every scope when `scope` is undefined. */
  listByState(scope: string | undefined, state: ProposalState): Promise<Proposal[]>;
  /** Pending proposals whose expiry is at or before `now`. */
  listExpired(now: number): Promise<Proposal[]>;
  /** Proposals in a final state decided at or after `since`, oldest first. */
  listSettledSince(since: number): Promise<Proposal[]>;
}

export type ProposalPatch = Partial<Pick<Proposal, 'decidedBy' | 'decidedAt' | 'outcome' | 'approvals'>>;

/** One applied change, kept for `history` and `revert`. */
export interface ChangeRecord {
  readonly id: string;
  readonly scope: string;
  readonly proposalId: string;
  readonly before: readonly Pin[];
  readonly after: readonly Pin[];
  readonly requester: Principal;
  readonly approver: Principal;
  readonly channel: ChannelRef;
  readonly proposedAt: number;
  readonly appliedAt: number;
}

export interface AuditLog {
  record(change: ChangeRecord): Promise<void>;
  recent(scope: string, limit: number): Promise<ChangeRecord[]>;
  get(scope: string, changeId: string): Promise<ChangeRecord | undefined>;
}

/**
 * Serialises read-compare-write per scope, across every pinbot process sharing the store. A lock held
 * by a process that died is released.
 */
export interface ScopeLock {
  withLock<T>(scope: string, work: (held: HeldLock) => Promise<T>): Promise<T>;
}

/** What the work under a scope lock can ask of it. */
export interface HeldLock {
  /**
   * Resolves if this caller still holds the lock, and keeps it held a while longer; throws
   * `LOCK_LOST` otherwise (a lease that ran out while the process stalled). Asked right before a
   * write, so two holders never both write.
   */
  confirm(): Promise<void>;
}

export const alwaysHeld: HeldLock = { confirm: async () => undefined };

/** A scope's list as pinbot last applied or saw it, to notice changes made elsewhere. */
export interface ScopeSnapshot {
  readonly pins: readonly Pin[];
  readonly allowed: number;
  readonly at: number;
}

/**
 * A change to a scope's list (or its quota) that did not come through pinbot. An idle alert is kept
 * the same way: `previous` is the list when it was found idle, `current` that list without the idle
 * entry, which is what its Let it go cold button proposes.
 */
export interface DriftAlert {
  readonly id: string;
  readonly scope: string;
  readonly previous: ScopeSnapshot;
  readonly current: ScopeSnapshot;
  readonly detectedAt: number;
}

/** What the drift watcher compares against, and the alerts whose Restore (or Let it go cold) button must keep working. */
export interface SnapshotStore {
  lastSeen(scope: string): Promise<ScopeSnapshot | undefined>;
  recordSeen(scope: string, snapshot: ScopeSnapshot): Promise<void>;
  saveAlert(alert: DriftAlert): Promise<void>;
  getAlert(id: string): Promise<DriftAlert | undefined>;
}

/**
 * Remembers keys that were claimed, so an effect keyed by them happens once across restarts and
 * processes: platform interaction ids, notifications per (scope, event).
 */
export interface OnceLedger {
  /** True for the first caller with this key, false for every later one. */
  claim(key: string): Promise<boolean>;
}

/** One model a change pinned, followed until Hugging Face reports it loaded, failed, or the bound passes. */
export interface LoadFollow {
  readonly proposalId: string;
  readonly scope: string;
  readonly modelId: string;
  readonly channel: ChannelRef;
  /** The card to reply under, as in `Notification.replyTo`. */
  readonly replyTo?: string;
  /** When the change was applied: the follow-up's time bound and "after N s" count from here. */
  readonly startedAt: number;
}

/** The models being followed, kept so that a restart resumes following them. */
export interface LoadFollowStore {
  /** Records follows; one already recorded for the same proposal and model is left as it was. */
  add(follows: readonly LoadFollow[]): Promise<void>;
  /** Follows not yet finished, oldest first. */
  unfinished(): Promise<LoadFollow[]>;
  finish(proposalId: string, modelId: string): Promise<void>;
}

/** The counters last read of one entry, from which the next sample's increase is counted. */
export interface UsageBaseline {
  /** When they were read. */
  readonly at: number;
  readonly counters: readonly UsageCounter[];
  /** A sample failed after this one: the next one starts a new baseline instead of counting across the gap. */
  readonly gap: boolean;
}

/** Which baseline a count started from: when it was read, and whether a failed sample had broken it. */
export type BaselineRef = Pick<UsageBaseline, 'at' | 'gap'>;

/** One entry's requests in one hour, as kept. */
export interface StoredUsageHour {
  readonly entry: string;
  /** Start of the hour, epoch ms. */
  readonly hour: number;
  readonly requests: Readonly<Record<StatusClass, number>>;
  readonly latency?: Latency;
}

/** One entry's requests summed over a stretch of hours, by status class. */
export interface UsageTotal {
  readonly entry: string;
  readonly requests: Readonly<Record<StatusClass, number>>;
}

/** One entry's requests in one hour, all status classes together: what a report draws. */
export interface UsageHourRequests {
  readonly entry: string;
  readonly hour: number;
  readonly requests: number;
}

/** What one successful sample adds: the requests counted since the last one, in the hour it was taken. */
export interface UsageIncrement {
  readonly hour: number;
  readonly requests: Readonly<Record<StatusClass, number>>;
  readonly latency?: Latency;
}

/** A scope whose account may not read usage: why, and when that was last found. */
export interface UsageDenial {
  readonly reason: string;
  readonly at: number;
}

/**
 * Hourly request counts per (scope, entry), and the raw counters the next sample counts from.
 * Grows with entries × hours, never with samples; hours past the retention are pruned.
 */
export interface UsageStore {
  /**
   * Keeps a sample at once: adds `increment` (when the sample counted one) to its hour's row,
   * setting the hour's latency when given, and replaces the entry's baseline. With `from` (the
   * baseline the increment was counted from, `null` for none), only if the stored baseline is
   * still that one: two processes that counted from the same baseline never both add. Returns
   * whether it was kept.
   */
  record(scope: string, entry: string, baseline: UsageBaseline, increment?: UsageIncrement, from?: BaselineRef | null): Promise<boolean>;
  /** Marks the entry's baseline as broken by a failed sample (nothing is counted across it). */
  markGap(scope: string, entry: string): Promise<void>;
  baseline(scope: string, entry: string): Promise<UsageBaseline | undefined>;
  /** The scope's hourly rows with `from <= hour < to` (only `entry`'s when given), oldest first. */
  hours(scope: string, from: number, to: number, entry?: string): Promise<StoredUsageHour[]>;
  /**
   * Each entry's requests in the hours kept from `from` on (a period that ends now), for every
   * entry with such an hour; in any order. UTC days are read as one sum each, so the cost grows
   * with entries × days, not entries × hours.
   */
  totals(scope: string, from: number): Promise<UsageTotal[]>;
  /** The requests of `entries` (all classes together) in each hour kept with `from <= hour < to`, by entry, oldest first. */
  requestsByHour(scope: string, entries: readonly string[], from: number, to: number): Promise<UsageHourRequests[]>;
  /** Remembers that the scope's account may not read usage, or (undefined) that it may again. */
  setDenied(scope: string, denial: UsageDenial | undefined): Promise<void>;
  denied(scope: string): Promise<UsageDenial | undefined>;
  /** Forgets hours before `before` (epoch ms), and days that ended by then; returns how many hours went. */
  prune(before: number): Promise<number>;
}

/** Counters and timings the core and the client report; the composition root decides where they go. */
export interface Metrics {
  commandHandled(verb: string, outcome: 'ok' | 'refused' | 'error'): void;
  proposalSettled(state: ProposalState): void;
  applySeconds(seconds: number): void;
  hfRequest(route: string, method: string, status: string, seconds: number): void;
  hfRetry(route: string, reason: string): void;
}

export const noMetrics: Metrics = {
  commandHandled: () => undefined,
  proposalSettled: () => undefined,
  applySeconds: () => undefined,
  hfRequest: () => undefined,
  hfRetry: () => undefined,
};

export interface Clock {
  now(): number;
}

export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
  child(fields: Record<string, unknown>): Logger;
}


/** The scope a channel acts on, or `undefined` when the channel is bound to none. */
export type ScopeResolver = (channel: ChannelRef) => string | undefined;

export const systemClock: Clock = { now: () => Date.now() };

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export type { ChannelRef, Platform } from './domain/channel.ts';

/**
 * Approved schedules. `claimBoundary` is how one process among several takes a switch: exactly one
 * caller moves `handledBoundary` forward to a given boundary. A claim whose switch never finished
 * (its process died) is taken over with `reclaimBoundary` once it is old, again by exactly one caller.
 */
export interface ScheduleStore {
  create(schedule: Schedule): Promise<void>;
  get(id: string): Promise<Schedule | undefined>;
  /** Schedules not removed, oldest first; in every scope when `scope` is undefined. */
  active(scope?: string): Promise<Schedule[]>;
  /**
   * Atomic: sets `handledBoundary` to `boundary`, claimed `at`, only if it is below it now and the
   * schedule is not removed. True to the single winner.
   */
  claimBoundary(id: string, boundary: number, at: number): Promise<boolean>;
  /**
   * Atomic: claims again, `at`, a handled `boundary` whose switch is not done and whose claim was
   * made at or before `staleBefore` (or never dated), on a schedule not removed. True to the single winner.
   */
  reclaimBoundary(id: string, boundary: number, staleBefore: number, at: number): Promise<boolean>;
  /** Records that the switch at `boundary` finished; never moves `doneBoundary` back. */
  markDone(id: string, boundary: number): Promise<void>;
  /**
   * Atomic: gives back a claimed `boundary` whose switch failed, setting `handledBoundary` to
   * `previous` only while it is still `boundary` under the claim made at `claimedAt`; true when it did.
   */
  releaseBoundary(id: string, boundary: number, previous: number, claimedAt: number): Promise<boolean>;
  /** Records what a switch (or a resume) left the entry as. */
  setLeft(id: string, left: LeftState): Promise<void>;
  /** Sets, or (undefined) clears, the boundary a person's change holds the schedule until. */
  setOverride(id: string, until: number | undefined): Promise<void>;
  /** Marks it removed at `at`; true to the single caller that did. */
  remove(id: string, at: number): Promise<boolean>;
}

/** How long entries took to become ready after a change brought them in, to start a scheduled switch early enough. */
export interface ReadyTimeStore {
  record(scope: string, entry: string, tookMs: number, at: number): Promise<void>;
  /** The latest `limit` durations for the entry, newest first, in ms. */
  recent(scope: string, entry: string, limit: number): Promise<number[]>;
}
