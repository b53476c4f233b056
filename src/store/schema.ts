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

export interface Database {
  scope_snapshots: ScopeSnapshotRow;
  drift_alerts: DriftAlertRow;
  proposals: ProposalRow;
  changes: ChangeRow;
  once_keys: OnceKeyRow;
  scope_locks: ScopeLockRow;
}

export type StoreKind = 'sqlite' | 'postgres';
