import { Kysely, Migrator, sql } from 'kysely';
import { describe, expect } from 'vitest';
import { migrationProvider } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreKind } from '../../src/store/schema.ts';
import { upgradesOnBothStores } from './upgrade-from-previous.ts';

/**
 * A store written by the version before 0010 opened by this one: the switches it had claimed count
 * as done (as that version treated them), so none is taken up again; new claims are dated.
 */
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const HANDLED = T0 - 3_600_000;

/** Brings an empty database to 0009 and writes a schedule whose switch was claimed, as that version could. */
async function writePreviousStore(db: Kysely<unknown>, kind: StoreKind, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(kind), ...(schema !== undefined ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateTo('0009_schedules');
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  const spec = JSON.stringify({ entry: 'llama-chat', days: [1, 2, 3, 4, 5], start: { hour: 9, minute: 0 }, end: { hour: 17, minute: 0 }, zone: 'UTC' });
  const principal = JSON.stringify({ platform: 'slack', userId: 'UALICE' });
  await sql`insert into schedules (id, scope, backend, spec, proposal_id, requester, approver, channel, created_at, handled_boundary, ${sql.ref('left')})
    values ('sched-1', 'default', 'endpoints', ${spec}, 'p1', ${principal}, ${principal}, ${JSON.stringify({ platform: 'slack', channelId: 'C1' })},
      ${T0 - 86_400_000}, ${HANDLED}, ${JSON.stringify({ at: T0 - 86_400_000 })})`.execute(db);
  await db.destroy();
}

async function expectUpgraded(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    const schedule = await store.schedules.get('sched-1');
    expect(schedule).toMatchObject({ handledBoundary: HANDLED, doneBoundary: HANDLED });
    expect(schedule?.claimedAt).toBeUndefined();
    expect(await store.schedules.reclaimBoundary('sched-1', HANDLED, T0, T0)).toBe(false);

    expect(await store.schedules.claimBoundary('sched-1', T0, T0 + 5)).toBe(true);
    expect(await store.schedules.get('sched-1')).toMatchObject({ handledBoundary: T0, claimedAt: T0 + 5, doneBoundary: HANDLED });
  } finally {
    await store.close();
  }
}

describe('migration 0010: claimed switches are dated, and those claimed before count as done', () => {
  upgradesOnBothStores('migration-0010', writePreviousStore, expectUpgraded);
});
