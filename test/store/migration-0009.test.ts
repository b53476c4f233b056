import BetterSqlite from 'better-sqlite3';
import { Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { describe, expect } from 'vitest';
import type { Schedule } from '../../src/core/domain/schedule.ts';
import { migrationProvider } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreKind } from '../../src/store/schema.ts';
import { captureLogger } from '../helpers/hf-harness.ts';
import { POSTGRES_TEST_URL } from './postgres-test-db.ts';
import { upgradesOnBothStores } from './upgrade-from-previous.ts';

/**
 * A store written by the version before 0009 opened by this one: what it kept stays, and it gains
 * schedules and ready times. A schedule row whose JSON is not what the store writes is left out.
 */
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const schedule: Schedule = {
  id: 'sched-1', scope: 'default', backend: 'endpoints',
  spec: { entry: 'llama-chat', scale: 1, days: [1, 2, 3, 4, 5], start: { hour: 9, minute: 0 }, end: { hour: 17, minute: 30 }, zone: 'Europe/Paris' },
  proposalId: 'p1', requester: { platform: 'slack', userId: 'UALICE' }, approver: { platform: 'slack', userId: 'UBOB' },
  channel: { platform: 'slack', channelId: 'C1' }, createdAt: T0, handledBoundary: 0, doneBoundary: 0, left: { at: T0 },
};

/** Brings an empty database to 0008 and writes a usage denial, as that version could. */
async function writePreviousStore(db: Kysely<unknown>, kind: StoreKind, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(kind), ...(schema !== undefined ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateTo('0008_usage');
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  await sql`insert into usage_denials (scope, reason, denied_at) values ('default', 'No metrics plan.', ${T0})`.execute(db);
  await db.destroy();
}

async function expectUpgraded(url: string): Promise<void> {
  const logger = captureLogger();
  const store = await openStore(url, { logger });
  try {
    expect(await store.usage.denied('default')).toEqual({ reason: 'No metrics plan.', at: T0 });

    await store.schedules.create(schedule);
    expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0 + 1000)).toBe(true);
    expect(await store.schedules.get(schedule.id)).toStrictEqual({ ...schedule, handledBoundary: T0 + 1000, claimedAt: T0 + 1000 });
    await store.readyTimes.record('default', 'llama-chat', 240_000, T0);
    expect(await store.readyTimes.recent('default', 'llama-chat', 5)).toEqual([240_000]);

    await store.schedules.create({ ...schedule, id: 'sched-broken', createdAt: T0 + 1 });
    // What a hand edit or another version could leave: a spec that is not JSON, a day that is not one.
    await store.schedules.create({ ...schedule, id: 'sched-odd', createdAt: T0 + 2 });
    const raw = await openRaw(url);
    try {
      await raw.exec(`update schedules set spec = '{"entry":' where id = 'sched-broken'`);
      await raw.exec(`update schedules set spec = '${JSON.stringify({ ...schedule.spec, days: [9] })}' where id = 'sched-odd'`);
    } finally {
      await raw.close();
    }
    expect(await store.schedules.get('sched-broken')).toBeUndefined();
    expect((await store.schedules.active('default')).map((s) => s.id)).toEqual([schedule.id]);
    expect(logger.lines.filter((line) => line.message === 'stored schedule unreadable; left out').map((line) => line.fields['scheduleId'])).toContain('sched-odd');
  } finally {
    await store.close();
  }
}

/** A plain connection beside the store, to write what the store itself never would. */
async function openRaw(url: string): Promise<{ exec(statement: string): Promise<void>; close(): Promise<void> }> {
  if (url.startsWith('sqlite:')) {
    const db = new BetterSqlite(url.slice('sqlite:'.length));
    return { exec: async (statement) => { db.exec(statement); }, close: async () => { db.close(); } };
  }
  const schema = new URL(url).searchParams.get('schema') ?? 'public';
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return { exec: async (statement) => { await client.query(statement); }, close: () => client.end() };
}

describe('migration 0009: a store gains schedules and ready times and keeps what it had', () => {
  upgradesOnBothStores('migration-0009', writePreviousStore, expectUpgraded);
});
