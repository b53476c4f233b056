import type { Kysely } from 'kysely';
import type { ReadyTimeStore } from '../core/ports.ts';
import { READY_TIMES_KEPT } from './ready-times-kept.ts';
import type { Database } from './schema.ts';

/** Ready times in SQLite or PostgreSQL: each record drops the entry's rows beyond the latest few. */
export class SqlReadyTimeStore implements ReadyTimeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(scope: string, entry: string, tookMs: number, at: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('ready_times').values({ scope, entry, took_ms: tookMs, at }).execute();
      await trx
        .deleteFrom('ready_times')
        .where('scope', '=', scope)
        .where('entry', '=', entry)
        .where('seq', 'not in', (eb) =>
          eb
            .selectFrom('ready_times')
            .select('seq')
            .where('scope', '=', scope)
            .where('entry', '=', entry)
            .orderBy('at', 'desc')
            .orderBy('seq', 'desc')
            .limit(READY_TIMES_KEPT),
        )
        .execute();
    });
  }

  async recent(scope: string, entry: string, limit: number): Promise<number[]> {
    if (limit <= 0) return [];
    const rows = await this.db
      .selectFrom('ready_times')
      .select('took_ms')
      .where('scope', '=', scope)
      .where('entry', '=', entry)
      .orderBy('at', 'desc')
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.took_ms));
  }
}
