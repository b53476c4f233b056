// How the store's cost grows: `history` and `revert` (the audit log's two queries) at 10 / 10,000 /
// 1,000,000 changes, and the expiry sweep at 10 / 10,000 pending proposals, on SQLite and
// PostgreSQL. Rows are seeded in bulk, one INSERT … SELECT per step, into the store pinbot opens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore, type PinbotStore } from '../src/store/open-store.ts';
import { dropSchema, freshSchemaName, POSTGRES_TEST_URL, urlWithSchema } from '../test/store/postgres-test-db.ts';
import type { Figure, PartResult } from './results.ts';
import { percentile } from './stats.ts';

const CHANGE_SIZES = [10, 10_000, 1_000_000];
const PENDING_SIZES = [10, 10_000];
const ROUNDS = 20;
const PER_ROUND = 20;
const WARM_UP = 200;
const SCOPE = 'big';
/** What `history` asks for (pinning-service.ts). */
const HISTORY_LIMIT = 10;
const T0 = 1_700_000_000_000;

const pins = JSON.stringify([{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'org/model', compute_type: 'gpu' }]);
const person = JSON.stringify({ platform: 'slack', userId: 'U0BENCH' });
/** Changes, then pending proposals, number $1 … $2, from the database's own series of `n`. */
const seedChanges = `insert into changes (id, scope, proposal_id, before, after, requester, approver, platform, channel_id, proposed_at, applied_at)
  select 'c' || n, '${SCOPE}', 'p' || n, '${pins}', '${pins}', '${person}', '${person}', 'slack', 'C0BENCH', ${T0} + n * 1000, ${T0} + n * 1000 + 500 from numbers`;
const seedPending = `insert into proposals (id, scope, state, command, requester, channel, base, base_version, proposed, diff, allowed, created_at, expires_at, approvals, approvals_required)
  select 'q' || n, '${SCOPE}', 'pending', '{"verb":"add","pins":[]}', '${person}', '{"platform":"slack","channelId":"C0BENCH"}', '${pins}', 'v', '${pins}', '[]', 5, ${T0} + n, ${T0} + 86400000 + n, '[]', 1 from numbers`;
const PLANNED = {
  history: [`select * from changes where scope = $1 order by applied_at desc, seq desc limit ${HISTORY_LIMIT}`, [SCOPE]],
  revert: ['select * from changes where scope = $1 and id = $2', [SCOPE, 'c1']],
  'expiry sweep': ["select * from proposals where state = 'pending' and expires_at <= $1 order by created_at, seq", [T0]],
} as const;

/** A store pinbot opened, with raw SQL (`$1` parameters) on its database. */
interface Opened {
  readonly store: PinbotStore;
  run(text: string, params: readonly unknown[]): Promise<void>;
  plan(text: string, params: readonly unknown[]): Promise<string>;
  close(): Promise<void>;
}

async function openSqlite(): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-store-'));
  const store = await openStore(join(dir, 'pinbot.sqlite'));
  const db = new BetterSqlite3(join(dir, 'pinbot.sqlite'));
  const sql = (text: string) => `with recursive numbers(n) as (select ? union all select n + 1 from numbers where n < ?) ${text.replace(/\$\d/g, '?')}`;
  return {
    store,
    run: async (text, params) => {
      db.prepare(sql(text)).run(...params);
      // As pinbot's checkpointer would have by then: the seeded rows in the database, not the WAL.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    plan: async (text, params) => (db.prepare(`explain query plan ${text.replace(/\$\d/g, '?')}`).all(...params) as { detail: string }[]).map((row) => row.detail).join('; '),
    close: async () => {
      db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgres(): Promise<Opened> {
  const schema = freshSchemaName();
  const store = await openStore(urlWithSchema(schema));
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    store,
    run: async (text, params) => {
      await client.query(`with numbers(n) as (select generate_series($1::bigint, $2::bigint)) ${text}`, [...params]);
      await client.query('analyze');
    },
    plan: async (text, params) => (await client.query<{ 'QUERY PLAN': string }>(`explain ${text}`, [...params])).rows.map((row) => row['QUERY PLAN'].trim()).join('; '),
    close: async () => {
      await client.end();
      await store.close();
      await dropSchema(schema);
    },
  };
}

/**
 * Times `work` on every database, round by round, the order turning each round: the shared
 * machine's noisy spells then fall on every size alike, not on whichever was measured then.
 */
async function timedRounds(count: number, work: (at: number, i: number) => Promise<unknown>): Promise<number[][]> {
  const samples = Array.from({ length: count }, (): number[] => []);
  for (let at = 0; at < count; at++) for (let i = 0; i < WARM_UP; i++) await work(at, i);
  for (let roundNo = 0; roundNo < ROUNDS; roundNo++) {
    for (let step = 0; step < count; step++) {
      const at = (roundNo + step) % count;
      for (let i = 0; i < PER_ROUND; i++) {
        const started = performance.now();
        await work(at, roundNo * PER_ROUND + i);
        samples[at]?.push(Math.round((performance.now() - started) * 1000) / 1000);
      }
    }
  }
  return samples;
}

async function benchOne(kind: 'SQLite' | 'PostgreSQL', log: (line: string) => void): Promise<Required<Pick<PartResult, 'figures' | 'plans'>>> {
  const opened: Opened[] = [];
  try {
    // One database per size, each with that many changes and (for the first sizes) that many pending proposals.
    for (const [at, size] of CHANGE_SIZES.entries()) {
      const one = kind === 'SQLite' ? await openSqlite() : await openPostgres();
      opened.push(one);
      const started = performance.now();
      await one.run(seedChanges, [1, size]);
      if (PENDING_SIZES[at] !== undefined) await one.run(seedPending, [1, PENDING_SIZES[at]]);
      log(`  ${kind}: ${size.toLocaleString('en')} changes seeded in ${Math.round(performance.now() - started)} ms`);
    }
    const store = (at: number) => (opened[at] as Opened).store;
    const history = await timedRounds(opened.length, (at) => store(at).audit.recent(SCOPE, HISTORY_LIMIT));
    // `revert <id>` looks its change up by id, anywhere in the log.
    const revert = await timedRounds(opened.length, (at, i) => store(at).audit.get(SCOPE, `c${1 + ((i * 7919) % (CHANGE_SIZES[at] ?? 1))}`));
    // The sweep that runs every minute: nothing is due, however many wait.
    const sweep = await timedRounds(PENDING_SIZES.length, (at) => store(at).proposals.listExpired(T0 + 1000));
    const plans: Record<string, string> = {};
    for (const [query, [text, params]] of Object.entries(PLANNED)) {
      plans[`${kind} ${query}`] = await (opened[query === 'expiry sweep' ? PENDING_SIZES.length - 1 : CHANGE_SIZES.length - 1] as Opened).plan(text, params);
    }
    const latency = (measure: string, sizeName: string, sizes: number[], samples: number[][]): Figure => ({ measure: `${measure}, ${kind}`, unit: 'ms', sizeName, sizes, values: samples.map((one) => percentile(one, 99)), samples });
    return {
      figures: [
        { ...latency('history p99', 'changes', CHANGE_SIZES, history), goal: { text: 'largest p99 ≤ 2× smallest', ratio: 2 } },
        latency('revert lookup p99', 'changes', CHANGE_SIZES, revert),
        latency('expiry sweep p99', 'pending', PENDING_SIZES, sweep),
      ],
      plans,
    };
  } finally {
    for (const one of opened) await one.close();
  }
}

export async function benchStoreScaling(log: (line: string) => void): Promise<PartResult> {
  const [sqlite, postgres] = [await benchOne('SQLite', log), await benchOne('PostgreSQL', log)];
  return { figures: [...sqlite.figures, ...postgres.figures], plans: { ...sqlite.plans, ...postgres.plans } };
}
