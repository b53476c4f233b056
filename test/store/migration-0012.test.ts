import { Kysely, Migrator, sql } from 'kysely';
import { describe, expect } from 'vitest';
import { migrationProvider } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreKind } from '../../src/store/schema.ts';
import { upgradesOnBothStores } from './upgrade-from-previous.ts';

/**
 * A store written by the version before 0012 opened by this one: the hours it kept are summed
 * into days, so totals read from days agree with the hours, and new samples add to both.
 */
const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 11, 1);
/** Hours across three days: the last hour of the day before, all of DAY0, the first hour of the day after. */
const HOURS = Array.from({ length: 26 }, (_, index) => DAY0 - HOUR + index * HOUR);

async function writePreviousStore(db: Kysely<unknown>, kind: StoreKind, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(kind), ...(schema !== undefined ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateTo('0011_usage_scope_hour');
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  for (const [index, hour] of HOURS.entries()) {
    await sql`insert into usage_hours (scope, entry, hour, r2xx, r3xx, r4xx, r5xx) values ('default', 'chat', ${hour}, ${index + 1}, 0, 1, 0)`.execute(db);
  }
  await sql`insert into usage_hours (scope, entry, hour, r2xx, r3xx, r4xx, r5xx) values ('other', 'chat', ${DAY0}, 500, 0, 0, 0)`.execute(db);
  await db.destroy();
}

async function expectUpgraded(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    // From DAY0 on: DAY0's sum (hours 2 … 25 of those written, a 4xx each) and the next day's.
    const ok = (first: number, last: number) => ((first + last) * (last - first + 1)) / 2;
    expect(await store.usage.totals('default', DAY0)).toEqual([{ entry: 'chat', requests: { '2xx': ok(2, 26), '3xx': 0, '4xx': 25, '5xx': 0 } }]);
    expect(await store.usage.totals('default', DAY0 - HOUR)).toEqual([{ entry: 'chat', requests: { '2xx': ok(1, 26), '3xx': 0, '4xx': 26, '5xx': 0 } }]);
    // Hours before the next whole day come from the hours, the rest from that day's sum.
    expect(await store.usage.totals('default', DAY0 + 2 * HOUR)).toEqual([{ entry: 'chat', requests: { '2xx': ok(4, 26), '3xx': 0, '4xx': 23, '5xx': 0 } }]);
    await store.usage.record('default', 'chat', { at: DAY0 + 5, counters: [], gap: false }, { hour: DAY0 + 5 * HOUR, requests: { '2xx': 1000, '3xx': 0, '4xx': 0, '5xx': 0 } });
    expect(await store.usage.totals('default', DAY0)).toEqual([{ entry: 'chat', requests: { '2xx': ok(2, 26) + 1000, '3xx': 0, '4xx': 25, '5xx': 0 } }]);
    expect(await store.usage.totals('other', DAY0)).toEqual([{ entry: 'chat', requests: { '2xx': 500, '3xx': 0, '4xx': 0, '5xx': 0 } }]);
  } finally {
    await store.close();
  }
}

describe('migration 0012: kept hours are summed into days', () => {
  upgradesOnBothStores('migration-0012', writePreviousStore, expectUpgraded);
});
