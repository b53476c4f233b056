import type { Pin } from './pin.ts';
import type { Principal } from './principal.ts';
import type { Proposal, ProposalState } from './proposal.ts';

/** The live pinned list of one scope, as Hugging Face reports it. */
export interface PinnedList {
  readonly pins: readonly Pin[];
  readonly allowed: number;
  /**
   * Inference Endpoints scopes only: every endpoint of the namespace, warm or cold. `pins` are
   * then the warm ones (see warm-endpoints.ts) and `allowed` is the scope's `max_warm`.
   */
  readonly endpoints?: readonly EndpointInfo[];
}

/** One Inference Endpoint as pinbot reads it. */
export interface EndpointInfo {
  readonly name: string;
  /** The model repository it serves. */
  readonly repository: string;
  readonly minReplica: number;
  readonly maxReplica: number;
  /** Minutes idle before it scales to zero when `minReplica` is 0; undefined when unset. */
  readonly scaleToZeroTimeout?: number;
  /** `status.state`: `running`, `initializing`, `scaledToZero`, … kept as sent. */
  readonly state: string;
  /**
   * `status.updatedAt`. Whether it moves when an endpoint merely starts or scales to zero is not
   * documented, so nothing decides on it; it is shown, never compared.
   */
  readonly updatedAt: string;
  /** Accelerator, instance type and size, e.g. `gpu nvidia-a10g x1`. */
  readonly instance: string;
  /** The instance's price per hour in USD, when the API gives it. */
  readonly pricePerHour?: number;
}

/** What a backend that writes one entry at a time (Inference Endpoints) adds to the port. */
export interface EndpointsApi {
  /**
   * The whole namespace, read now (one GET of the list): never shared with a read already in
   * flight, so what an apply sees under the lock was read under it.
   */
  readNamespace(): Promise<PinnedList & { readonly endpoints: readonly EndpointInfo[] }>;
  /** One endpoint, read on its own; `HF_UNKNOWN_ENDPOINT` when it no longer exists. */
  readEndpoint(name: string): Promise<EndpointInfo>;
  /**
   * Sets its `minReplica` (one PUT) with a scaling block valid by the rule that `minReplica` is 0
   * while scale-to-zero is on: a warm one has its timeout turned off; a cold one keeps its own
   * timeout, else gets `coldTimeout` (the one it had before it was made warm), else a default.
   */
  writeMinReplica(name: string, minReplica: number, current: EndpointInfo, coldTimeout?: number): Promise<EndpointInfo>;
}

export interface WriteAnswer {
  /** Hugging Face's `ok` text, e.g. "Pinned 2 models, please wait while we load them." */
  readonly message: string;
  /** The list echoed back, when the API echoes it. */
  readonly pins?: readonly Pin[];
}

export interface ModelStatus {
  readonly modelId: string;
  readonly loaded: boolean;
  /** `Loaded`, `Loadable`, `Loading`, `TooBig`, … kept as sent. */
  readonly state: string;
  /** A string (`cpu`) or an object (`{ gpu: { gpu: 'a100', count: 8 } }`): opaque to pinbot. */
  readonly computeType?: unknown;
  readonly framework?: string;
}

/** The Inference API as the core needs it, bound to one scope's token. */
export interface PinnedModelsApi {
  readPins(): Promise<PinnedList>;
  writePins(pins: readonly Pin[]): Promise<WriteAnswer>;
  modelStatus(modelId: string): Promise<ModelStatus>;
  /** Present when the scope's backend is Inference Endpoints: writes go endpoint by endpoint. */
  readonly endpoints?: EndpointsApi;
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
 * Serialises read-compare-write per scope, across every replica sharing the store. A lock held
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

/** A change to a scope's list (or its quota) that did not come through pinbot. */
export interface DriftAlert {
  readonly id: string;
  readonly scope: string;
  readonly previous: ScopeSnapshot;
  readonly current: ScopeSnapshot;
  readonly detectedAt: number;
}

/** What the drift watcher compares against, and the alerts whose Restore button must keep working. */
export interface SnapshotStore {
  lastSeen(scope: string): Promise<ScopeSnapshot | undefined>;
  recordSeen(scope: string, snapshot: ScopeSnapshot): Promise<void>;
  saveAlert(alert: DriftAlert): Promise<void>;
  getAlert(id: string): Promise<DriftAlert | undefined>;
}

/**
 * Remembers keys that were claimed, so an effect keyed by them happens once across restarts and
 * replicas: platform interaction ids, notifications per (scope, event).
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

/** Counters and timings the core and the client report; the composition root decides where they go. */
export interface Metrics {
  commandHandled(verb: string, outcome: 'ok' | 'refused' | 'error'): void;
  proposalSettled(state: ProposalState): void;
  applySeconds(seconds: number): void;
  hfRequest(endpoint: string, method: string, status: string, seconds: number): void;
  hfRetry(endpoint: string, reason: string): void;
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

/** Where a request came from and where its card lives. */
export interface ChannelRef {
  readonly platform: Platform;
  readonly channelId: string;
  /** Discord's server, so a scope can bind a whole guild. */
  readonly guildId?: string;
}

export type Platform = 'slack' | 'discord' | 'console';

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
