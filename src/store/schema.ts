/** The tables pinbot keeps, as Kysely sees them. JSON parts are stored as text. */
export interface ProposalRow {
  /** Insertion order, to break ties between proposals created in the same millisecond. */
  readonly seq?: number;
  id: string;
  scope: string;
  state: string;
  command: string;
  requester: string;
  channel: string;
  base: string;
  base_version: string;
  proposed: string;
  diff: string;
  allowed: number;
  created_at: number;
  expires_at: number;
  approvals: string;
  approvals_required: number;
  decided_by: string | null;
  decided_at: number | null;
  outcome: string | null;
  message_ref: string | null;
  /** What the Hub said about the models the change adds; null when they were not checked. */
  hub_checks?: string | null;
  /** The backend that planned it (its registry name). */
  backend: string;
  /** JSON of what the backend kept of the state it planned on; null when it kept nothing. */
  seen: string | null;
}

export interface ChangeRow {
  readonly seq?: number;
  id: string;
  scope: string;
  proposal_id: string;
  before: string;
  after: string;
  requester: string;
  approver: string;
  platform: string;
  channel_id: string;
  proposed_at: number;
  applied_at: number;
}

export interface OnceKeyRow {
  key: string;
  claimed_at: number;
}

/** SQLite only: PostgreSQL uses advisory locks instead. */
export interface ScopeLockRow {
  scope: string;
  owner: string;
  expires_at: number;
}

export interface ScopeSnapshotRow {
  scope: string;
  pins: string;
  allowed: number;
  seen_at: number;
}

export interface DriftAlertRow {
  id: string;
  scope: string;
  previous: string;
  current: string;
  detected_at: number;
}

/** The sandbox simulator's account (pinbot without HF_TOKEN). */
export interface SandboxAccountRow {
  token: string;
  allowed: number;
  pins: string;
  updated_at: number;
}

/** The sandbox's simulated Inference Endpoints (pinbot without HF_TOKEN): each endpoint's scaling, as JSON. */
export interface SandboxEndpointsRow {
  token: string;
  endpoints: string;
  updated_at: number;
}

export interface LoadFollowRow {
  proposal_id: string;
  model_id: string;
  scope: string;
  channel: string;
  reply_to: string | null;
  started_at: number;
  /** Set once the follow-up was sent (or found sent by another process). */
  finished_at: number | null;
}

/** One entry's requests in one hour, by status class; the latency quantiles last sampled in it, in seconds. */
export interface UsageHourRow {
  scope: string;
  entry: string;
  hour: number;
  r2xx: number;
  r3xx: number;
  r4xx: number;
  r5xx: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** One entry's requests in one UTC day (`day`: its start, epoch ms), by status class: the sum of its hours. */
export interface UsageDayRow {
  scope: string;
  day: number;
  entry: string;
  r2xx: number;
  r3xx: number;
  r4xx: number;
  r5xx: number;
}

/** The counters last read of one entry (JSON), and whether a failed sample came after them (0 or 1). */
export interface UsageBaselineRow {
  scope: string;
  entry: string;
  sampled_at: number;
  counters: string;
  gap: number;
}

export interface UsageDenialRow {
  scope: string;
  reason: string;
  denied_at: number;
}

/** An approved schedule; `spec`, `requester`, `approver`, `channel` and `left` are JSON. */
export interface ScheduleRow {
  id: string;
  scope: string;
  backend: string;
  spec: string;
  proposal_id: string;
  requester: string;
  approver: string;
  channel: string;
  created_at: number;
  removed_at: number | null;
  /** The latest boundary claimed, epoch ms; 0 before the first. */
  handled_boundary: number;
  /** When `handled_boundary` was claimed, epoch ms; null before the first claim. */
  claimed_at: number | null;
  /** The latest boundary whose switch finished; below `handled_boundary` while one runs or after its process died. */
  done_boundary: number;
  left: string;
  overridden_until: number | null;
}

/** How long one entry took to become ready after a change brought it in. */
export interface ReadyTimeRow {
  /** Insertion order, to break ties between rows of the same millisecond. */
  readonly seq?: number;
  scope: string;
  entry: string;
  took_ms: number;
  at: number;
}

export interface Database {
  schedules: ScheduleRow;
  ready_times: ReadyTimeRow;
  usage_hours: UsageHourRow;
  usage_days: UsageDayRow;
  usage_baselines: UsageBaselineRow;
  usage_denials: UsageDenialRow;
  load_follows: LoadFollowRow;
  scope_snapshots: ScopeSnapshotRow;
  drift_alerts: DriftAlertRow;
  proposals: ProposalRow;
  changes: ChangeRow;
  once_keys: OnceKeyRow;
  scope_locks: ScopeLockRow;
  sandbox_accounts: SandboxAccountRow;
  sandbox_endpoints: SandboxEndpointsRow;
}

export type StoreKind = 'sqlite' | 'postgres';
