import type { Kysely } from 'kysely';
import type { Pin } from '../core/domain/pin.ts';
import type { AuditLog, ChangeRecord, Platform } from '../core/ports.ts';
import type { Principal } from '../core/domain/principal.ts';
import { parseJson } from './json-column.ts';
import type { ChangeRow, Database } from './schema.ts';

/** Applied changes in SQLite or PostgreSQL, for `history` and `revert`. */
export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async record(change: ChangeRecord): Promise<void> {
    await this.db
      .insertInto('changes')
      .values({
        id: change.id,
        scope: change.scope,
        proposal_id: change.proposalId,
        before: JSON.stringify(change.before),
        after: JSON.stringify(change.after),
        requester: JSON.stringify(change.requester),
        approver: JSON.stringify(change.approver),
        platform: change.channel.platform,
        channel_id: change.channel.channelId,
        proposed_at: change.proposedAt,
        applied_at: change.appliedAt,
      })
      .execute();
  }

  async recent(scope: string, limit: number): Promise<ChangeRecord[]> {
    const rows = await this.db
      .selectFrom('changes')
      .selectAll()
      .where('scope', '=', scope)
      .orderBy('applied_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async get(scope: string, changeId: string): Promise<ChangeRecord | undefined> {
    const row = await this.db.selectFrom('changes').selectAll().where('scope', '=', scope).where('id', '=', changeId).executeTakeFirst();
    return row && fromRow(row);
  }
}

function fromRow(row: ChangeRow): ChangeRecord {
  return {
    id: row.id,
    scope: row.scope,
    proposalId: row.proposal_id,
    before: parseJson<Pin[]>(row.before),
    after: parseJson<Pin[]>(row.after),
    requester: parseJson<Principal>(row.requester),
    approver: parseJson<Principal>(row.approver),
    channel: { platform: row.platform as Platform, channelId: row.channel_id },
    proposedAt: Number(row.proposed_at),
    appliedAt: Number(row.applied_at),
  };
}
