import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { StoreKind } from './schema.ts';
import { DAY_MS } from './usage-days.ts';

/**
 * The schema's versions, in code so that nothing is read from disk at run time. Append new
 * versions; never edit one that has shipped.
 */
function migrations(kind: StoreKind): Record<string, Migration> {
  const seqColumn = kind === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('proposals')
          .addColumn('seq', seqColumn, (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('command', 'text', (c) => c.notNull())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('base', 'text', (c) => c.notNull())
          .addColumn('base_version', 'text', (c) => c.notNull())
          .addColumn('proposed', 'text', (c) => c.notNull())
          .addColumn('diff', 'text', (c) => c.notNull())
          .addColumn('allowed', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('approvals', 'text', (c) => c.notNull())
          .addColumn('approvals_required', 'integer', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'bigint')
          .addColumn('outcome', 'text')
          .addColumn('message_ref', 'text')
          .execute();
        await db.schema.createIndex('proposals_scope_state').on('proposals').columns(['scope', 'state', 'created_at']).execute();
        await db.schema.createIndex('proposals_state_expiry').on('proposals').columns(['state', 'expires_at']).execute();

        await db.schema
          .createTable('changes')
          .addColumn('seq', seqColumn, (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('proposal_id', 'text', (c) => c.notNull())
          .addColumn('before', 'text', (c) => c.notNull())
          .addColumn('after', 'text', (c) => c.notNull())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('approver', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('proposed_at', 'bigint', (c) => c.notNull())
          .addColumn('applied_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('changes_scope_applied').on('changes').columns(['scope', 'applied_at']).execute();

        await db.schema
          .createTable('once_keys')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('claimed_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('once_keys_claimed').on('once_keys').column('claimed_at').execute();

        if (kind === 'sqlite') {
          await db.schema
            .createTable('scope_locks')
            .addColumn('scope', 'text', (c) => c.primaryKey())
            .addColumn('owner', 'text', (c) => c.notNull())
            .addColumn('expires_at', 'bigint', (c) => c.notNull())
            .execute();
        }
      },
    },
    '0002_snapshots_and_drift_alerts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('scope_snapshots')
          .addColumn('scope', 'text', (c) => c.primaryKey())
          .addColumn('pins', 'text', (c) => c.notNull())
          .addColumn('allowed', 'integer', (c) => c.notNull())
          .addColumn('seen_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('drift_alerts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('previous', 'text', (c) => c.notNull())
          .addColumn('current', 'text', (c) => c.notNull())
          .addColumn('detected_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0003_sandbox_accounts': {
      async up(db: Kysely<unknown>) {
        // The sandbox's simulated account, kept with the history that speaks of it.
        await db.schema
          .createTable('sandbox_accounts')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('allowed', 'integer', (c) => c.notNull())
          .addColumn('pins', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0004_load_follows': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('load_follows')
          .addColumn('proposal_id', 'text', (c) => c.notNull())
          .addColumn('model_id', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('reply_to', 'text')
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint')
          .addPrimaryKeyConstraint('load_follows_pk', ['proposal_id', 'model_id'])
          .execute();
        await db.schema.createIndex('load_follows_unfinished').on('load_follows').columns(['finished_at', 'started_at']).execute();
      },
    },
    '0005_proposal_hub_checks': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('proposals').addColumn('hub_checks', 'text').execute();
      },
    },
    '0006_sandbox_endpoints': {
      async up(db: Kysely<unknown>) {
        // The sandbox's simulated Inference Endpoints: each endpoint's scaling, kept with the history.
        await db.schema
          .createTable('sandbox_endpoints')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('endpoints', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0007_proposal_backend_and_seen': {
      async up(db: Kysely<unknown>) {
        // Which backend planned a proposal, and what it kept of the state it saw, get columns of
        // their own; before, an endpoints proposal carried the latter in `base_version` after the
        // prefix `endpoints:`, and its warm entries only as labels ("2 replicas").
        await db.schema.alterTable('proposals').addColumn('backend', 'text', (c) => c.notNull().defaultTo('classic')).execute();
        await db.schema.alterTable('proposals').addColumn('seen', 'text').execute();
        await moveEndpointsProposals(db);
        await typeStoredWarmEntries(db);
      },
    },
    '0008_usage': {
      async up(db: Kysely<unknown>) {
        // Requests per (scope, entry, hour) by status class, and the latency last sampled in it.
        await db.schema
          .createTable('usage_hours')
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .addColumn('hour', 'bigint', (c) => c.notNull())
          .addColumn('r2xx', 'bigint', (c) => c.notNull())
          .addColumn('r3xx', 'bigint', (c) => c.notNull())
          .addColumn('r4xx', 'bigint', (c) => c.notNull())
          .addColumn('r5xx', 'bigint', (c) => c.notNull())
          .addColumn('p50', 'double precision')
          .addColumn('p90', 'double precision')
          .addColumn('p99', 'double precision')
          .addPrimaryKeyConstraint('usage_hours_pk', ['scope', 'entry', 'hour'])
          .execute();
        await db.schema.createIndex('usage_hours_hour').on('usage_hours').column('hour').execute();
        // The counters last read of each entry, which the next sample counts from.
        await db.schema
          .createTable('usage_baselines')
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .addColumn('sampled_at', 'bigint', (c) => c.notNull())
          .addColumn('counters', 'text', (c) => c.notNull())
          .addColumn('gap', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('usage_baselines_pk', ['scope', 'entry'])
          .execute();
        // Scopes whose account may not read usage, and when that was last found.
        await db.schema
          .createTable('usage_denials')
          .addColumn('scope', 'text', (c) => c.primaryKey())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('denied_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0009_schedules': {
      async up(db: Kysely<unknown>) {
        // Approved schedules; `handled_boundary` is moved forward by one conditional update per switch.
        await db.schema
          .createTable('schedules')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('backend', 'text', (c) => c.notNull())
          .addColumn('spec', 'text', (c) => c.notNull())
          .addColumn('proposal_id', 'text', (c) => c.notNull())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('approver', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('removed_at', 'bigint')
          .addColumn('handled_boundary', 'bigint', (c) => c.notNull().defaultTo(0))
          .addColumn('left', 'text', (c) => c.notNull())
          .addColumn('overridden_until', 'bigint')
          .execute();
        await db.schema
          .createIndex('schedules_active_scope')
          .on('schedules')
          .columns(['scope', 'created_at'])
          .where(sql.ref('removed_at'), 'is', null)
          .execute();
        // How long entries took to become ready; `seq` orders rows written in the same millisecond.
        await db.schema
          .createTable('ready_times')
          .addColumn('seq', seqColumn, (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('entry', 'text', (c) => c.notNull())
          .addColumn('took_ms', 'bigint', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ready_times_entry_at').on('ready_times').columns(['scope', 'entry', 'at desc']).execute();
      },
    },
    '0010_schedule_claim_lease': {
      async up(db: Kysely<unknown>) {
        // When a switch was claimed, and the latest boundary whose switch finished: a claim left
        // unfinished by a process that died is taken up by another once it is old. Switches
        // claimed before this version count as finished, as they were treated then.
        await db.schema.alterTable('schedules').addColumn('claimed_at', 'bigint').execute();
        await db.schema.alterTable('schedules').addColumn('done_boundary', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
        await sql`update schedules set done_boundary = handled_boundary`.execute(db);
      },
    },
    '0011_usage_scope_hour': {
      async up(db: Kysely<unknown>) {
        // `usage` of a whole scope reads its hours of the period in (hour, entry) order; the
        // primary key leads with the entry, so without this it read every hour kept, or sorted.
        await db.schema.createIndex('usage_hours_scope_hour').on('usage_hours').columns(['scope', 'hour', 'entry']).execute();
      },
    },
    '0012_usage_days': {
      async up(db: Kysely<unknown>) {
        // Each entry's requests per UTC day, added to with its hours, so that a scope's totals over
        // 30 days read one row per entry and day instead of 24. Rows are read in key order with
        // their counts: SQLite keeps them in the key, PostgreSQL's key carries them for index-only scans.
        if (kind === 'postgres') {
          await sql`create table usage_days (
            scope text not null, day bigint not null, entry text not null,
            r2xx bigint not null, r3xx bigint not null, r4xx bigint not null, r5xx bigint not null,
            constraint usage_days_pk primary key (scope, day, entry) include (r2xx, r3xx, r4xx, r5xx))`.execute(db);
        } else {
          await db.schema
            .createTable('usage_days')
            .addColumn('scope', 'text', (c) => c.notNull())
            .addColumn('day', 'bigint', (c) => c.notNull())
            .addColumn('entry', 'text', (c) => c.notNull())
            .addColumn('r2xx', 'bigint', (c) => c.notNull())
            .addColumn('r3xx', 'bigint', (c) => c.notNull())
            .addColumn('r4xx', 'bigint', (c) => c.notNull())
            .addColumn('r5xx', 'bigint', (c) => c.notNull())
            .addPrimaryKeyConstraint('usage_days_pk', ['scope', 'day', 'entry'])
            .modifyEnd(sql`without rowid`)
            .execute();
        }
        await sql`insert into usage_days (scope, day, entry, r2xx, r3xx, r4xx, r5xx)
          select scope, hour - hour % ${sql.lit(DAY_MS)}, entry, sum(r2xx), sum(r3xx), sum(r4xx), sum(r5xx)
          from usage_hours group by scope, hour - hour % ${sql.lit(DAY_MS)}, entry`.execute(db);
        // The hours at the ends of a period that are not a whole day are read from this index
        // alone, counts included, instead of one table lookup per row.
        await db.schema.dropIndex('usage_hours_scope_hour').execute();
        await (kind === 'postgres'
          ? sql`create index usage_hours_scope_hour_counts on usage_hours (scope, hour, entry) include (r2xx, r3xx, r4xx, r5xx)`.execute(db)
          : db.schema.createIndex('usage_hours_scope_hour_counts').on('usage_hours').columns(['scope', 'hour', 'entry', 'r2xx', 'r3xx', 'r4xx', 'r5xx']).execute());
      },
    },
  };
}

const ENDPOINTS_PREFIX = 'endpoints:';
/** How versions before 0007 labelled a warm endpoint's minimum replicas. */
const REPLICAS_LABEL = /^(\d+) replicas?$/;

interface StoredEntry {
  readonly modelId: string;
  readonly computeType: string;
  readonly wire?: Record<string, unknown>;
}

/** A stored list with each labelled warm entry given its typed `{ minReplica }`; undefined when nothing changes. */
function typedEntries(json: string): string | undefined {
  let entries: unknown;
  try {
    entries = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(entries)) return undefined;
  let changed = false;
  const typed = (entries as StoredEntry[]).map((entry) => {
    const label = REPLICAS_LABEL.exec(typeof entry.computeType === 'string' ? entry.computeType : '');
    if (label === null || entry.wire !== undefined) return entry;
    changed = true;
    return { ...entry, wire: { minReplica: Number(label[1]) } };
  });
  return changed ? JSON.stringify(typed) : undefined;
}

async function moveEndpointsProposals(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; base_version: string; base: string; proposed: string }>`
    select id, base_version, base, proposed from proposals where base_version like ${`${ENDPOINTS_PREFIX}%`}`.execute(db);
  for (const row of rows) {
    const seen = row.base_version.slice(ENDPOINTS_PREFIX.length);
    await sql`update proposals set backend = 'endpoints', seen = ${seen}, base = ${typedEntries(row.base) ?? row.base},
      proposed = ${typedEntries(row.proposed) ?? row.proposed} where id = ${row.id}`.execute(db);
  }
}

/**
 * Warm entries kept by history, drift alerts and snapshots get their typed replicas too, so that
 * `revert` and Restore read them as every new entry is read. Only labels of that exact form are
 * typed: the classic list's compute types never look like them.
 */
async function typeStoredWarmEntries(db: Kysely<unknown>): Promise<void> {
  const changes = await sql<{ id: string; before: string; after: string }>`select id, ${sql.ref('before')}, ${sql.ref('after')} from changes`.execute(db);
  for (const row of changes.rows) {
    const before = typedEntries(row.before);
    const after = typedEntries(row.after);
    if (before === undefined && after === undefined) continue;
    await sql`update changes set ${sql.ref('before')} = ${before ?? row.before}, ${sql.ref('after')} = ${after ?? row.after} where id = ${row.id}`.execute(db);
  }
  const alerts = await sql<{ id: string; previous: string; current: string }>`select id, previous, ${sql.ref('current')} from drift_alerts`.execute(db);
  for (const row of alerts.rows) {
    const previous = typedSnapshot(row.previous);
    const current = typedSnapshot(row.current);
    if (previous === undefined && current === undefined) continue;
    await sql`update drift_alerts set previous = ${previous ?? row.previous}, ${sql.ref('current')} = ${current ?? row.current} where id = ${row.id}`.execute(db);
  }
  const snapshots = await sql<{ scope: string; pins: string }>`select scope, pins from scope_snapshots`.execute(db);
  for (const row of snapshots.rows) {
    const pins = typedEntries(row.pins);
    if (pins !== undefined) await sql`update scope_snapshots set pins = ${pins} where scope = ${row.scope}`.execute(db);
  }
}

/** A stored snapshot (`{ pins, allowed, at }`) with its warm entries typed; undefined when nothing changes. */
function typedSnapshot(json: string): string | undefined {
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (snapshot === null || typeof snapshot !== 'object' || !('pins' in snapshot)) return undefined;
  const pins = typedEntries(JSON.stringify(snapshot.pins));
  return pins === undefined ? undefined : JSON.stringify({ ...snapshot, pins: JSON.parse(pins) as unknown });
}

export function migrationProvider(kind: StoreKind): MigrationProvider {
  return { getMigrations: async () => migrations(kind) };
}
