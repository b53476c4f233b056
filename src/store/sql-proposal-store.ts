import type { Kysely, Updateable } from 'kysely';
import type { ChangeCommand } from '../core/domain/command.ts';
import type { Pin } from '../core/domain/pin.ts';
import type { HubCheck } from '../core/domain/model-catalog.ts';
import type { ChannelRef, ProposalPatch, ProposalStore } from '../core/ports.ts';
import { samePrincipal, type Principal } from '../core/domain/principal.ts';
import { FINAL_STATES, type DiffLine, type Proposal, type ProposalOutcome, type ProposalState } from '../core/domain/proposal.ts';
import { parseJson } from './json-column.ts';
import type { Database, ProposalRow } from './schema.ts';

/**
 * Proposals in SQLite or PostgreSQL. Every state change is one conditional UPDATE, so exactly one
 * caller wins it, whichever process or replica it runs in.
 */
export class SqlProposalStore implements ProposalStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(proposal: Proposal): Promise<void> {
    await this.db.insertInto('proposals').values(toRow(proposal)).execute();
  }

  async get(id: string): Promise<Proposal | undefined> {
    const row = await this.db.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async transition(id: string, from: ProposalState, to: ProposalState, patch: ProposalPatch = {}): Promise<Proposal | undefined> {
    const row = await this.db
      .updateTable('proposals')
      .set({ ...patchColumns(patch), state: to })
      .where('id', '=', id)
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirst();
    return row && fromRow(row);
  }

  async addApproval(id: string, approver: Principal): Promise<Proposal | undefined> {
    // Compare-and-set on the approvals as read: a concurrent approval makes this update miss,
    // and the loop reads again, so no approval is lost and none is counted twice.
    for (;;) {
      const current = await this.get(id);
      if (current?.state !== 'pending') return undefined;
      if (current.approvals.some((a) => samePrincipal(a, approver))) return current;
      const row = await this.db
        .updateTable('proposals')
        .set({ approvals: JSON.stringify([...current.approvals, approver]) })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('approvals', '=', JSON.stringify(current.approvals))
        .returningAll()
        .executeTakeFirst();
      if (row) return fromRow(row);
    }
  }

  async setMessageRef(id: string, messageRef: string): Promise<void> {
    await this.db.updateTable('proposals').set({ message_ref: messageRef }).where('id', '=', id).execute();
  }

  async listByState(scope: string | undefined, state: ProposalState): Promise<Proposal[]> {
    let query = this.db.selectFrom('proposals').selectAll().where('state', '=', state);
    if (scope !== undefined) query = query.where('scope', '=', scope);
    const rows = await query.orderBy('created_at').orderBy('seq').execute();
    return rows.map(fromRow);
  }

  async listSettledSince(since: number): Promise<Proposal[]> {
    const rows = await this.db
      .selectFrom('proposals')
      .selectAll()
      .where('state', 'in', [...FINAL_STATES])
      .where('decided_at', '>=', since)
      .orderBy('decided_at')
      .orderBy('seq')
      .execute();
    return rows.map(fromRow);
  }

  async listExpired(now: number): Promise<Proposal[]> {
    const rows = await this.db
      .selectFrom('proposals')
      .selectAll()
      .where('state', '=', 'pending')
      .where('expires_at', '<=', now)
      .orderBy('created_at')
      .orderBy('seq')
      .execute();
    return rows.map(fromRow);
  }
}

function toRow(p: Proposal): ProposalRow {
  return {
    id: p.id,
    scope: p.scope,
    state: p.state,
    command: JSON.stringify(p.command),
    requester: JSON.stringify(p.requester),
    channel: JSON.stringify(p.channel),
    base: JSON.stringify(p.base),
    base_version: p.baseVersion,
    proposed: JSON.stringify(p.proposed),
    diff: JSON.stringify(p.diff),
    allowed: p.allowed,
    created_at: p.createdAt,
    expires_at: p.expiresAt,
    approvals: JSON.stringify(p.approvals),
    approvals_required: p.approvalsRequired,
    decided_by: p.decidedBy ? JSON.stringify(p.decidedBy) : null,
    decided_at: p.decidedAt ?? null,
    outcome: p.outcome ? JSON.stringify(p.outcome) : null,
    message_ref: p.messageRef ?? null,
    hub_checks: p.hubChecks ? JSON.stringify(p.hubChecks) : null,
    backend: p.backend,
    seen: p.seen !== undefined ? JSON.stringify(p.seen) : null,
  };
}

/** Only the fields the patch names; a field named with `undefined` is cleared, as in memory. */
function patchColumns(patch: ProposalPatch): Updateable<ProposalRow> {
  const columns: Updateable<ProposalRow> = {};
  if ('approvals' in patch) columns.approvals = JSON.stringify(patch.approvals ?? []);
  if ('decidedBy' in patch) columns.decided_by = patch.decidedBy ? JSON.stringify(patch.decidedBy) : null;
  if ('decidedAt' in patch) columns.decided_at = patch.decidedAt ?? null;
  if ('outcome' in patch) columns.outcome = patch.outcome ? JSON.stringify(patch.outcome) : null;
  return columns;
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fromRow(row: ProposalRow): Proposal {
  return {
    id: row.id,
    scope: row.scope,
    state: row.state as ProposalState,
    command: parseJson<ChangeCommand>(row.command),
    requester: parseJson<Principal>(row.requester),
    channel: parseJson<ChannelRef>(row.channel),
    backend: row.backend,
    base: parseJson<Pin[]>(row.base),
    baseVersion: row.base_version,
    // Left unparsed when it is not JSON: the backend that reads it refuses what it cannot validate.
    ...(row.seen !== null ? { seen: jsonOrText(row.seen) } : {}),
    proposed: parseJson<Pin[]>(row.proposed),
    diff: parseJson<DiffLine[]>(row.diff),
    allowed: Number(row.allowed),
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    approvals: parseJson<Principal[]>(row.approvals),
    approvalsRequired: Number(row.approvals_required),
    ...(row.decided_by !== null ? { decidedBy: parseJson<Principal>(row.decided_by) } : {}),
    ...(row.decided_at !== null ? { decidedAt: Number(row.decided_at) } : {}),
    ...(row.outcome !== null ? { outcome: parseJson<ProposalOutcome>(row.outcome) } : {}),
    ...(row.message_ref !== null ? { messageRef: row.message_ref } : {}),
    ...(row.hub_checks !== null && row.hub_checks !== undefined ? { hubChecks: parseJson<HubCheck[]>(row.hub_checks) } : {}),
  };
}
