import type { Kysely } from 'kysely';
import type { DriftAlert, ScopeSnapshot, SnapshotStore } from '../core/ports.ts';
import { parseJson } from './json-column.ts';
import type { Database } from './schema.ts';

/** The last list seen per scope, and drift alerts, in SQLite or PostgreSQL. */
export class SqlSnapshotStore implements SnapshotStore {
  constructor(private readonly db: Kysely<Database>) {}

  async lastSeen(scope: string): Promise<ScopeSnapshot | undefined> {
    const row = await this.db.selectFrom('scope_snapshots').selectAll().where('scope', '=', scope).executeTakeFirst();
    return row ? { pins: parseJson(row.pins), allowed: row.allowed, at: row.seen_at } : undefined;
  }

  async recordSeen(scope: string, snapshot: ScopeSnapshot): Promise<void> {
    const values = { pins: JSON.stringify(snapshot.pins), allowed: snapshot.allowed, seen_at: snapshot.at };
    await this.db
      .insertInto('scope_snapshots')
      .values({ scope, ...values })
      .onConflict((oc) => oc.column('scope').doUpdateSet(values))
      .execute();
  }

  async saveAlert(alert: DriftAlert): Promise<void> {
    await this.db
      .insertInto('drift_alerts')
      .values({
        id: alert.id, scope: alert.scope, previous: JSON.stringify(alert.previous), current: JSON.stringify(alert.current), detected_at: alert.detectedAt,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async getAlert(id: string): Promise<DriftAlert | undefined> {
    const row = await this.db.selectFrom('drift_alerts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, scope: row.scope, previous: parseJson(row.previous), current: parseJson(row.current), detectedAt: row.detected_at } : undefined;
  }
}
