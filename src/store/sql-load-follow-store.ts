import type { Kysely } from 'kysely';
import type { Clock, LoadFollow, LoadFollowStore } from '../core/ports.ts';
import { parseJson } from './json-column.ts';
import type { Database } from './schema.ts';

/** The models being followed, in SQLite or PostgreSQL, so a restart picks them up again. */
export class SqlLoadFollowStore implements LoadFollowStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async add(follows: readonly LoadFollow[]): Promise<void> {
    if (follows.length === 0) return;
    await this.db
      .insertInto('load_follows')
      .values(follows.map((follow) => ({
        proposal_id: follow.proposalId,
        model_id: follow.modelId,
        scope: follow.scope,
        channel: JSON.stringify(follow.channel),
        reply_to: follow.replyTo ?? null,
        started_at: follow.startedAt,
        finished_at: null,
      })))
      .onConflict((oc) => oc.columns(['proposal_id', 'model_id']).doNothing())
      .execute();
  }

  async unfinished(): Promise<LoadFollow[]> {
    const rows = await this.db.selectFrom('load_follows').selectAll().where('finished_at', 'is', null).orderBy('started_at').execute();
    return rows.map((row) => ({
      proposalId: row.proposal_id,
      scope: row.scope,
      modelId: row.model_id,
      channel: parseJson(row.channel),
      ...(row.reply_to !== null ? { replyTo: row.reply_to } : {}),
      startedAt: row.started_at,
    }));
  }

  async finish(proposalId: string, modelId: string): Promise<void> {
    await this.db
      .updateTable('load_follows')
      .set({ finished_at: this.clock.now() })
      .where('proposal_id', '=', proposalId)
      .where('model_id', '=', modelId)
      .execute();
  }
}
