import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import type pg from 'pg';
import { silentLogger, systemClock, type AuditLog, type Clock, type LoadFollowStore, type Logger, type ProposalStore, type ReadyTimeStore, type ScheduleStore, type ScopeLock, type SnapshotStore, type UsageStore } from '../core/ports.ts';
import { describeTarget, parseDatabaseUrl, sandboxTarget, type StoreTarget } from './database-url.ts';
import { migrationProvider } from './migrations.ts';
import { retainedDatabase, retainForProcess } from './retained-sqlite.ts';
import { PostgresScopeLock } from './postgres-scope-lock.ts';
import type { Database, StoreKind } from './schema.ts';
import { SqlAuditLog } from './sql-audit-log.ts';
import { SqlLoadFollowStore } from './sql-load-follow-store.ts';
import { SqlOnceLedger, type PrunableOnceLedger } from './sql-once-ledger.ts';
import { SqlProposalStore } from './sql-proposal-store.ts';
import { SqlReadyTimeStore } from './sql-ready-time-store.ts';
import { SqlScheduleStore } from './sql-schedule-store.ts';
import { forgetEarlierSandbox } from './earlier-sandbox.ts';
import { SqlSandboxAccounts, SqlSandboxEndpoints } from './sql-sandbox-accounts.ts';
import { SqlSnapshotStore } from './sql-snapshot-store.ts';
import { SqliteScopeLock } from './sqlite-scope-lock.ts';
import { SqlUsageStore } from './sql-usage-store.ts';
import { storeOpenError } from './store-open-error.ts';
import { startWalCheckpointer, type WalCheckpointer } from './wal-checkpointer.ts';

/** Everything durable pinbot keeps, behind the core's ports. */
export interface PinbotStore {
  readonly kind: StoreKind;
  readonly proposals: ProposalStore;
  readonly audit: AuditLog;
  readonly lock: ScopeLock;
  readonly once: PrunableOnceLedger;
  readonly snapshots: SnapshotStore;
  /** The sandbox simulator's account, so that it lives and dies with the history. */
  readonly sandboxAccounts: SqlSandboxAccounts;
  /** The sandbox's simulated endpoints' scaling, kept the same way. */
  readonly sandboxEndpoints: SqlSandboxEndpoints;
  /** The models being followed until they load, so a restart resumes following them. */
  readonly loads: LoadFollowStore;
  /** Hourly request counts sampled from each entry's counters. */
  readonly usage: UsageStore;
  /** Approved schedules, and the boundary each last switched at. */
  readonly schedules: ScheduleStore;
  /** How long entries took to become ready, the latest few per entry. */
  readonly readyTimes: ReadyTimeStore;
  /**
   * Drops what a sandbox of an earlier pinbot left in this store (see `earlier-sandbox.ts`); true
   * when there was some. Called for a real account's store, never for the sandbox's own.
   */
  forgetEarlierSandbox(): Promise<boolean>;
  /** Resolves when the database answers a trivial query (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  readonly logger?: Logger;
  /** Timestamps of claimed once-keys. */
  readonly clock?: Clock;
  /** PostgreSQL schema, created if missing; overrides the URL's `?schema=`. */
  readonly schema?: string;
  /** The sandbox's own store, beside the one `DATABASE_URL` names (see `sandboxTarget`). */
  readonly sandbox?: boolean;
  readonly lock?: {
    /** SQLite: how long a holder on another machine that crashed keeps a scope locked. Default 5 s. */
    readonly leaseMs?: number;
    /** SQLite: pause between attempts while another process holds the lock. Default 100 ms. */
    readonly pollMs?: number;
    /** How long a caller waits for a scope's lock before failing. Default 2 min. */
    readonly waitMs?: number;
  };
}

// Renewed every third of it while held, so a live holder keeps it through a slow request.
const DEFAULT_LEASE_MS = 5_000;
const DEFAULT_POLL_MS = 100;
const DEFAULT_WAIT_MS = 120_000;
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
const INT8_OID = 20;

/**
 * Opens the store `DATABASE_URL` names (see `parseDatabaseUrl`) and brings its schema to the
 * latest version before returning.
 */
export async function openStore(databaseUrl: string | undefined, options: OpenStoreOptions = {}): Promise<PinbotStore> {
  const configured = parseDatabaseUrl(databaseUrl, options.schema);
  const target = options.sandbox === true ? sandboxTarget(configured) : configured;
  const logger = (options.logger ?? silentLogger).child({ component: 'store' });
  const store = target.kind === 'sqlite' ? await openSqlite(target.filename, options, logger) : await openPostgres(target, options, logger);
  logger.info({ ...describeTarget(target), ...(options.sandbox === true ? { sandbox: true } : {}) }, 'store opened');
  return store;
}

async function openSqlite(filename: string, options: OpenStoreOptions, logger: Logger): Promise<PinbotStore> {
  // Each driver is loaded only when its database is used, which keeps start-up short.
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  let sqlite: InstanceType<typeof BetterSqlite3>;
  try {
    if (filename !== ':memory:') await mkdir(dirname(resolve(filename)), { recursive: true });
    sqlite = retainForProcess(new BetterSqlite3(filename, { timeout: SQLITE_BUSY_TIMEOUT_MS }));
    // WAL lets readers in other processes proceed while one writes.
    // Through retained statements: `pragma()` would prepare one that is then collected (see retained-sqlite.ts).
    retainForProcess(sqlite.prepare('PRAGMA journal_mode = WAL')).get();
    retainForProcess(sqlite.prepare('PRAGMA synchronous = NORMAL')).run();
  } catch (error) {
    // A directory it may not write (a volume owned by another user) is said with its path.
    throw storeOpenError(filename, error) ?? error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: retainedDatabase(sqlite) }) });
  await migrateOrClose(db, 'sqlite', undefined, logger);
  // An in-memory database has no WAL to checkpoint.
  const checkpointer: WalCheckpointer | undefined = filename === ':memory:' ? undefined : startWalCheckpointer(sqlite, resolve(filename), { logger });
  return {
    kind: 'sqlite',
    ...sqlPorts(db, options, logger),
    lock: new SqliteScopeLock(db, {
      leaseMs: options.lock?.leaseMs ?? DEFAULT_LEASE_MS,
      pollMs: options.lock?.pollMs ?? DEFAULT_POLL_MS,
      waitMs: options.lock?.waitMs ?? DEFAULT_WAIT_MS,
      logger,
    }),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

async function openPostgres(target: Extract<StoreTarget, { kind: 'postgres' }>, options: OpenStoreOptions, logger: Logger): Promise<PinbotStore> {
  const { connectionString, schema } = target;
  const { default: pg } = await import('pg');
  await ensureSchema(pg, connectionString, schema);
  // Epoch milliseconds are bigint columns; they fit a JS number exactly.
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString, types, options: `-c search_path=${schema}` });
  const lockPool = new pg.Pool({ connectionString, lock_timeout: options.lock?.waitMs ?? DEFAULT_WAIT_MS, max: 20 });
  for (const p of [pool, lockPool]) {
    // An idle connection that the server drops must not crash the process.
    p.on('error', (error) => logger.warn({ err: error }, 'idle database connection lost'));
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateOrClose(db, 'postgres', schema, logger);
  } catch (error) {
    await lockPool.end();
    throw error;
  }
  return {
    kind: 'postgres',
    ...sqlPorts(db, options, logger),
    lock: new PostgresScopeLock(lockPool, `pinbot:${schema}:`, logger),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await lockPool.end();
    },
  };
}

function sqlPorts(db: Kysely<Database>, options: OpenStoreOptions, logger: Logger) {
  return {
    proposals: new SqlProposalStore(db),
    audit: new SqlAuditLog(db),
    once: new SqlOnceLedger(db, options.clock ?? systemClock),
    snapshots: new SqlSnapshotStore(db),
    sandboxAccounts: new SqlSandboxAccounts(db),
    sandboxEndpoints: new SqlSandboxEndpoints(db),
    loads: new SqlLoadFollowStore(db, options.clock ?? systemClock),
    usage: new SqlUsageStore(db),
    schedules: new SqlScheduleStore(db, logger),
    readyTimes: new SqlReadyTimeStore(db),
    forgetEarlierSandbox: () => forgetEarlierSandbox(db),
  };
}

/** `CREATE SCHEMA IF NOT EXISTS` can still collide when two replicas start together; either way it exists. */
async function ensureSchema(driver: typeof pg, connectionString: string, schema: string): Promise<void> {
  if (schema === 'public') return;
  const client = new driver.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  } finally {
    await client.end();
  }
}

async function migrateOrClose(db: Kysely<Database>, kind: StoreKind, schema: string | undefined, logger: Logger): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider(kind),
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  for (const result of results) {
    const fields = { migration: result.migrationName, status: result.status };
    if (result.status === 'Error') logger.error(fields, 'store migration failed');
    if (result.status === 'Success') logger.info(fields, 'store migration applied');
  }
  if (error !== undefined) {
    await db.destroy();
    throw error instanceof Error ? error : new Error(`store migration failed: ${String(error)}`);
  }
}
