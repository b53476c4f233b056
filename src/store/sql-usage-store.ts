import { sql, type Kysely } from 'kysely';
import type { BaselineRef, StoredUsageHour, UsageBaseline, UsageDenial, UsageHourRequests, UsageIncrement, UsageStore, UsageTotal } from '../core/ports.ts';
import { addRequests, NO_REQUESTS, type StatusClass, type UsageCounter } from '../core/domain/usage.ts';
import { parseJson } from './json-column.ts';
import type { Database, UsageHourRow } from './schema.ts';
import { DAY_MS, dayOf, splitIntoDays } from './usage-days.ts';

type CountColumn = 'r2xx' | 'r3xx' | 'r4xx' | 'r5xx';
const COUNT_COLUMNS: readonly CountColumn[] = ['r2xx', 'r3xx', 'r4xx', 'r5xx'];

/** Hourly usage in SQLite or PostgreSQL: one row per (scope, entry, hour), added to by each sample. */
export class SqlUsageStore implements UsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(scope: string, entry: string, baseline: UsageBaseline, increment?: UsageIncrement, from?: BaselineRef | null): Promise<boolean> {
    // One transaction: a crash never counts a sample's increase without moving its baseline, or the reverse.
    return this.db.transaction().execute(async (trx) => {
      const values = { sampled_at: baseline.at, counters: JSON.stringify(baseline.counters), gap: baseline.gap ? 1 : 0 };
      if (from === undefined) {
        await trx
          .insertInto('usage_baselines')
          .values({ scope, entry, ...values })
          .onConflict((oc) => oc.columns(['scope', 'entry']).doUpdateSet(values))
          .execute();
      } else if (from === null) {
        const inserted = await trx.insertInto('usage_baselines').values({ scope, entry, ...values }).onConflict((oc) => oc.columns(['scope', 'entry']).doNothing()).executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      } else {
        // Compare-and-set: under PostgreSQL's row lock a second writer re-reads the row and finds it moved.
        const updated = await trx
          .updateTable('usage_baselines')
          .set(values)
          .where('scope', '=', scope)
          .where('entry', '=', entry)
          .where('sampled_at', '=', from.at)
          .where('gap', '=', from.gap ? 1 : 0)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) return false;
      }
      if (increment === undefined) return true;
      const { requests, latency } = increment;
      const added = (table: 'usage_hours' | 'usage_days', column: CountColumn) => sql<number>`${sql.ref(`${table}.${column}`)} + ${sql.ref(`excluded.${column}`)}`;
      const addedTo = (table: 'usage_hours' | 'usage_days') => ({
        r2xx: added(table, 'r2xx'), r3xx: added(table, 'r3xx'), r4xx: added(table, 'r4xx'), r5xx: added(table, 'r5xx'),
      });
      const counts = { r2xx: requests['2xx'], r3xx: requests['3xx'], r4xx: requests['4xx'], r5xx: requests['5xx'] };
      const latencyValues = { p50: latency?.p50 ?? null, p90: latency?.p90 ?? null, p99: latency?.p99 ?? null };
      await trx
        .insertInto('usage_hours')
        .values({ scope, entry, hour: increment.hour, ...counts, ...latencyValues })
        .onConflict((oc) => oc.columns(['scope', 'entry', 'hour']).doUpdateSet({
          ...addedTo('usage_hours'),
          // The hour's latency is the last sample's that gave one.
          ...(latency !== undefined ? latencyValues : {}),
        }))
        .execute();
      // The day's sum moves with its hour in the same transaction, so the two never disagree.
      await trx
        .insertInto('usage_days')
        .values({ scope, day: dayOf(increment.hour), entry, ...counts })
        .onConflict((oc) => oc.columns(['scope', 'day', 'entry']).doUpdateSet(addedTo('usage_days')))
        .execute();
      return true;
    });
  }

  async markGap(scope: string, entry: string): Promise<void> {
    await this.db.updateTable('usage_baselines').set({ gap: 1 }).where('scope', '=', scope).where('entry', '=', entry).execute();
  }

  async baseline(scope: string, entry: string): Promise<UsageBaseline | undefined> {
    const row = await this.db.selectFrom('usage_baselines').selectAll().where('scope', '=', scope).where('entry', '=', entry).executeTakeFirst();
    return row ? { at: Number(row.sampled_at), counters: parseJson<UsageCounter[]>(row.counters), gap: Number(row.gap) === 1 } : undefined;
  }

  async hours(scope: string, from: number, to: number, entry?: string): Promise<StoredUsageHour[]> {
    // One entry's hours come from the primary key (scope, entry, hour); a whole scope's from
    // usage_hours_scope_hour (scope, hour, entry), already in the order asked for.
    let query = this.db
      .selectFrom('usage_hours')
      .selectAll()
      .where('scope', '=', scope)
      .where('hour', '>=', from)
      .where('hour', '<', to);
    if (entry !== undefined) query = query.where('entry', '=', entry);
    const rows = await query.orderBy('hour').orderBy('entry').execute();
    return rows.map(toHour);
  }

  async totals(scope: string, from: number): Promise<UsageTotal[]> {
    const { firstDay, hoursBefore } = splitIntoDays(from);
    const sums = COUNT_COLUMNS.map((column) => sql<number | string>`sum(${sql.ref(column)})`.as(column));
    const [fromDays, fromHours] = await Promise.all([
      this.db.selectFrom('usage_days').select('entry').select(sums)
        .where('scope', '=', scope).where('day', '>=', firstDay)
        .groupBy('entry').execute(),
      // The hours before the first whole day, from the covering index (scope, hour, entry, counts).
      hoursBefore === undefined
        ? []
        : this.db.selectFrom('usage_hours').select('entry').select(sums)
          .where('scope', '=', scope).where('hour', '>=', hoursBefore.from).where('hour', '<', hoursBefore.to)
          .groupBy('entry').execute(),
    ]);
    const totals = new Map<string, Record<StatusClass, number>>();
    for (const row of [...fromDays, ...fromHours]) {
      totals.set(row.entry, addRequests(totals.get(row.entry) ?? NO_REQUESTS, requestsOf(row)));
    }
    return [...totals].map(([entry, requests]) => ({ entry, requests }));
  }

  async requestsByHour(scope: string, entries: readonly string[], from: number, to: number): Promise<UsageHourRequests[]> {
    if (entries.length === 0) return [];
    // One count per row: a report draws all classes together and no latency, and each column is parsed for every row.
    const rows = await this.db
      .selectFrom('usage_hours')
      .select(['entry', 'hour', sql<number | string>`r2xx + r3xx + r4xx + r5xx`.as('requests')])
      .where('scope', '=', scope)
      .where('entry', 'in', entries)
      .where('hour', '>=', from)
      .where('hour', '<', to)
      .orderBy('entry')
      .orderBy('hour')
      .execute();
    return rows.map((row) => ({ entry: row.entry, hour: Number(row.hour), requests: Number(row.requests) }));
  }

  async setDenied(scope: string, denial: UsageDenial | undefined): Promise<void> {
    if (denial === undefined) {
      await this.db.deleteFrom('usage_denials').where('scope', '=', scope).execute();
      return;
    }
    const values = { reason: denial.reason, denied_at: denial.at };
    await this.db
      .insertInto('usage_denials')
      .values({ scope, ...values })
      .onConflict((oc) => oc.column('scope').doUpdateSet(values))
      .execute();
  }

  async denied(scope: string): Promise<UsageDenial | undefined> {
    const row = await this.db.selectFrom('usage_denials').selectAll().where('scope', '=', scope).executeTakeFirst();
    return row ? { reason: row.reason, at: Number(row.denied_at) } : undefined;
  }

  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom('usage_hours').where('hour', '<', before).executeTakeFirst();
    await this.db.deleteFrom('usage_days').where('day', '<=', before - DAY_MS).execute();
    return Number(result.numDeletedRows);
  }
}

function toHour(row: UsageHourRow): StoredUsageHour {
  const latency = {
    ...(row.p50 !== null ? { p50: Number(row.p50) } : {}),
    ...(row.p90 !== null ? { p90: Number(row.p90) } : {}),
    ...(row.p99 !== null ? { p99: Number(row.p99) } : {}),
  };
  return {
    entry: row.entry,
    hour: Number(row.hour),
    requests: requestsOf(row),
    ...(Object.keys(latency).length > 0 ? { latency } : {}),
  };
}

/** The counts of a row or a sum of rows (PostgreSQL gives sums of bigints as text). */
function requestsOf(row: Readonly<Record<CountColumn, number | string>>): Record<StatusClass, number> {
  return { '2xx': Number(row.r2xx), '3xx': Number(row.r3xx), '4xx': Number(row.r4xx), '5xx': Number(row.r5xx) };
}
