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
import { latencySeries, type Series } from './scaling.ts';
import { percentile } from './stats.ts';

const CHANGE_SIZES = [10, 10_000, 1_000_000];
const PENDING_SIZES = [10, 10_000];
const SAMPLES = 400;
const PER_ROUND = 20;
const WARM_UP = 200;
const SCOPE = 'big';
/** What `history` asks for (pinning-service.ts). */
const HISTORY_LIMIT = 10;
const T0 = 1_700_000_000_000;

type Kind = 'SQLite' | 'PostgreSQL';

/** Raw SQL on the database the store opened: `$1`-style parameters on both. */
interface Raw {
  run(text: string, params: readonly unknown[]): Promise<void>;
  plan(text: string, params: readonly unknown[]): Promise<string>;
  close(): Promise<void>;
}

const pins = JSON.stringify([{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'org/model', compute_type: 'gpu' }]);
const person = JSON.stringify({ platform: 'slack', userId: 'U0BENCH' });

/** Changes number `from` … `to` in one statement; `n` comes from the database's own series. */
const changesFrom = (series: string) => `insert into changes (id, scope, proposal_id, before, after, requester, approver, platform, channel_id, proposed_at, applied_at)
  ${series} select 'c' || n, '${SCOPE}', 'p' || n, '${pins}', '${pins}', '${person}', '${person}', 'slack', 'C0BENCH', ${T0} + n * 1000, ${T0} + n * 1000 + 500 from numbers`;
const pendingFrom = (series: string) => `insert into proposals (id, scope, state, command, requester, channel, base, base_version, proposed, diff, allowed, created_at, expires_at, approvals, approvals_required)
  ${series} select 'q' || n, '${SCOPE}', 'pending', '{"verb":"add","pins":[]}', '${person}', '{"platform":"slack","channelId":"C0BENCH"}', '${pins}', 'v', '${pins}', '[]', 5, ${T0} + n, ${T0} + 86400000 + n, '[]', 1 from numbers`;
const SQLITE_SERIES = 'with recursive numbers(n) as (select $1 union all select n + 1 from numbers where n < $2)';
const POSTGRES_SERIES = 'with numbers(n) as (select generate_series($1::bigint, $2::bigint))';

async function openSqlite(): Promise<{ store: PinbotStore; raw: Raw; cleanUp: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-store-'));
  const file = join(dir, 'pinbot.sqlite');
  const store = await openStore(file);
  const db = new BetterSqlite3(file);
  const positional = (text: string) => text.replace(/\$\d/g, '?');
  const raw: Raw = {
    run: async (text, params) => {
      db.prepare(positional(text)).run(...params);
      // As pinbot's checkpointer would have by then: the seeded rows in the database, not the WAL.
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    plan: async (text, params) => (db.prepare(`explain query plan ${positional(text)}`).all(...params) as { detail: string }[]).map((row) => row.detail).join('; '),
    close: async () => {
      db.close();
    },
  };
  return { store, raw, cleanUp: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function openPostgres(): Promise<{ store: PinbotStore; raw: Raw; cleanUp: () => Promise<void> }> {
  const schema = freshSchemaName();
  const store = await openStore(urlWithSchema(schema));
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${schema}` });
  await client.connect();
  const raw: Raw = {
    run: async (text, params) => {
      await client.query(text, [...params]);
      await client.query('analyze');
    },
    plan: async (text, params) => (await client.query<{ 'QUERY PLAN': string }>(`explain ${text}`, [...params])).rows.map((row) => row['QUERY PLAN'].trim()).join('; '),
    close: () => client.end(),
  };
  return { store, raw, cleanUp: () => dropSchema(schema) };
}

/**
 * Times `work` on every database, round by round, the order turning each round: the shared
 * machine's noisy spells then fall on every size alike, not on whichever was measured then.
 */
async function timedRounds(count: number, work: (at: number, i: number) => Promise<unknown>): Promise<number[][]> {
  const samples = Array.from({ length: count }, (): number[] => []);
  for (let at = 0; at < count; at++) for (let i = 0; i < WARM_UP; i++) await work(at, i);
  for (let roundNo = 0; roundNo < SAMPLES / PER_ROUND; roundNo++) {
    for (let step = 0; step < count; step++) {
      const at = (roundNo + step) % count;
      for (let i = 0; i < PER_ROUND; i++) {
        const started = performance.now();
        await work(at, roundNo * PER_ROUND + i);
        samples[at]?.push(performance.now() - started);
      }
    }
  }
  return samples;
}

/** A `goal` on the largest size: its p99 within `factor` of the smallest's. */
function withinOfSmallest(samples: readonly (readonly number[])[], factor: number): { goal: string; met: boolean } {
  const [first, last] = [samples[0] ?? [], samples.at(-1) ?? []];
  return { goal: `largest p99 ≤ ${factor}× smallest`, met: percentile(last, 99) <= factor * percentile(first, 99) };
}

async function benchOne(kind: Kind, log: (line: string) => void): Promise<{ series: Series[]; plans: Record<string, string> }> {
  const seriesSql = kind === 'SQLite' ? SQLITE_SERIES : POSTGRES_SERIES;
  const opened: Awaited<ReturnType<typeof openSqlite>>[] = [];
  const plans: Record<string, string> = {};
  try {
    // One database per size, each with that many changes and (for the first sizes) that many pending proposals.
    for (const [at, size] of CHANGE_SIZES.entries()) {
      const one = kind === 'SQLite' ? await openSqlite() : await openPostgres();
      opened.push(one);
      const started = performance.now();
      await one.raw.run(changesFrom(seriesSql), [1, size]);
      const pending = PENDING_SIZES[at];
      if (pending !== undefined) await one.raw.run(pendingFrom(seriesSql), [1, pending]);
      log(`  ${kind}: ${size.toLocaleString('en')} changes seeded in ${Math.round(performance.now() - started)} ms`);
    }
    const stores = opened.map((one) => one.store);
    const store = (at: number) => stores[at] as PinbotStore;
    const history = await timedRounds(stores.length, (at) => store(at).audit.recent(SCOPE, HISTORY_LIMIT));
    // `revert <id>` looks its change up by id, anywhere in the log.
    const revert = await timedRounds(stores.length, (at, i) => store(at).audit.get(SCOPE, `c${1 + ((i * 7919) % (CHANGE_SIZES[at] ?? 1))}`));
    // The sweep that runs every minute: nothing is due, however many wait.
    const sweep = await timedRounds(PENDING_SIZES.length, (at) => store(at).proposals.listExpired(T0 + 1000));
    const [mostChanges, mostPending] = [opened.at(-1), opened[PENDING_SIZES.length - 1]];
    if (mostChanges !== undefined && mostPending !== undefined) {
      plans[`${kind} history`] = await mostChanges.raw.plan(`select * from changes where scope = $1 order by applied_at desc, seq desc limit ${HISTORY_LIMIT}`, [SCOPE]);
      plans[`${kind} revert`] = await mostChanges.raw.plan('select * from changes where scope = $1 and id = $2', [SCOPE, 'c1']);
      plans[`${kind} expiry sweep`] = await mostPending.raw.plan("select * from proposals where state = 'pending' and expires_at <= $1 order by created_at, seq", [T0]);
    }
    return {
      series: [
        latencySeries({ measure: `history p99, ${kind}`, sizeName: 'changes', sizes: CHANGE_SIZES, samples: history, ...withinOfSmallest(history, 2) }),
        latencySeries({ measure: `revert lookup p99, ${kind}`, sizeName: 'changes', sizes: CHANGE_SIZES, samples: revert }),
        latencySeries({ measure: `expiry sweep p99, ${kind}`, sizeName: 'pending', sizes: PENDING_SIZES, samples: sweep }),
      ],
      plans,
    };
  } finally {
    for (const one of opened) {
      await one.raw.close();
      await one.store.close();
      await one.cleanUp();
    }
  }
}

export async function benchStoreScaling(log: (line: string) => void): Promise<{ series: Series[]; plans: Record<string, string> }> {
  const sqlite = await benchOne('SQLite', log);
  const postgres = await benchOne('PostgreSQL', log);
  for (const [query, plan] of Object.entries({ ...sqlite.plans, ...postgres.plans })) log(`  plan, ${query}: ${plan}`);
  return { series: [...sqlite.series, ...postgres.series], plans: { ...sqlite.plans, ...postgres.plans } };
}
