// Usage and cost: the sampler's open-metrics reads over one interval at 10 / 100 / 1,000 endpoints
// and RSS while it samples 1,000 (the deployed app, a 10 s interval); `usage` at 1,000 endpoints ×
// 90 days of hourly rows on SQLite and PostgreSQL; the chart's render time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { endpointsBackend } from '../src/backends/endpoints/backend.ts';
import { createEndpointsClient } from '../src/backends/endpoints/client.ts';
import { renderUsageChart } from '../src/charts/usage-chart.ts';
import { PERIOD_HOURS, USAGE_PERIODS, type UsagePeriod } from '../src/core/domain/usage.ts';
import { DAY_MS, splitIntoDays } from '../src/store/usage-days.ts';
import { LISTED_ENTRIES, UsageService } from '../src/core/workflow/usage-service.ts';
import { openStore, type PinbotStore } from '../src/store/open-store.ts';
import { startSlackApiServer } from '../test/helpers/slack-api-server.ts';
import { dailyLoad, handBuiltReport } from '../test/helpers/usage-reports.ts';
import { dropSchema, freshSchemaName, POSTGRES_TEST_URL, urlWithSchema } from '../test/store/postgres-test-db.ts';
import { launchDeployed } from './deployed.ts';
import { endpointName, NAMESPACE, startBenchSimulator, TOKEN } from './endpoints-namespace.ts';
import type { EndpointsSideHandlers } from './endpoints-side.ts';
import { startWorker } from './worker-rpc.ts';
import { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET } from './pinbot-under-test.ts';
import type { Figure, PartResult } from './results.ts';
import { burstFactor } from './scale-scopes.ts';
import { percentile } from './stats.ts';

const SAMPLED_SIZES = [10, 100, 1000];
/** The shortest interval pinbot takes, so that one passes quickly; the reads per interval do not depend on its length. */
const INTERVAL_MS = 10_000;
const SCOPE = 'usage';
const HOUR_MS = 3_600_000;
/** What `usage` is timed on: 1,000 endpoints, each with an hourly row for 90 days (the default retention). */
const ENTRIES = 1000;
const RETAINED_HOURS = 90 * 24;
/** Rounds over the six cases (three periods, whole scope and one endpoint), each timed this many times in a row. */
const REPORT_ROUNDS = 10;
const PER_ROUND = 5;
const CHART_RENDERS = 60;

/** How many reads each of `names` got among `paths` (the paths of the requests read): fewest, most, and the names read other than once. */
export function readsPerEntry(paths: readonly string[], names: readonly string[]): { fewest: number; most: number; notOnce: string[] } {
  const counts = new Map(names.map((name) => [name, 0]));
  for (const path of paths) {
    const name = /\/([^/]+)\/open-metrics$/.exec(path)?.[1];
    if (name !== undefined && counts.has(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const all = [...counts.values()];
  return { fewest: Math.min(...all), most: Math.max(...all), notOnce: [...counts].filter(([, count]) => count !== 1).map(([name, count]) => `${name} ×${count}`) };
}

/** The deployed app sampling `count` endpoints: one whole interval's open-metrics reads, and RSS after it. */
async function sampleDeployed(count: number): Promise<{ fewest: number; most: number; notOnce: string[]; burst: number; rss: number }> {
  const simulator = await startBenchSimulator(count);
  const slack = await startSlackApiServer({ record: false });
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-usage-'));
  writeFileSync(join(dir, 'pinbot.yaml'), `scopes:\n  - name: ${SCOPE}\n    token_env: HF_TOKEN_USAGE\n    backend: endpoints\n    namespace: ${NAMESPACE}\n    max_warm: 10\n`);
  try {
    const deployed = await launchDeployed({
      PINBOT_CONFIG: join(dir, 'pinbot.yaml'), HF_TOKEN_USAGE: TOKEN, HF_ENDPOINTS_API_URL: simulator.url, PINBOT_USAGE_INTERVAL: `${INTERVAL_MS / 1000}s`,
      DATABASE_URL: join(dir, 'pinbot.sqlite'), SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    });
    try {
      // The interval after the first whole one: by then every endpoint has its baseline, and each sample counts and writes an hour.
      const windowStart = (Math.ceil((Date.now() + 1) / INTERVAL_MS) + 1) * INTERVAL_MS;
      await new Promise((resolve) => setTimeout(resolve, windowStart + INTERVAL_MS + 500 - Date.now()));
      const reads = simulator.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'GET' && entry.path.endsWith('/open-metrics') && entry.at >= windowStart && entry.at < windowStart + INTERVAL_MS);
      const names = Array.from({ length: count }, (_, i) => endpointName(i));
      return { ...readsPerEntry(reads.map((entry) => entry.path), names), burst: burstFactor(reads.map((entry) => entry.at), windowStart, INTERVAL_MS), rss: deployed.rssMb() };
    } finally {
      await deployed.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await slack.close();
    await simulator.close();
  }
}

/** The last hour seeded; `usage` is asked half an hour into the next. */
const LAST_HOUR = Math.floor(Date.UTC(2026, 11, 5, 12) / HOUR_MS) * HOUR_MS;
/** Every endpoint's row for every hour, from the database's own series (`entry`, `hour`: numbers from 0). */
const SEED_COLUMNS = `insert into usage_hours (scope, entry, hour, r2xx, r3xx, r4xx, r5xx, p50, p90, p99)
  select '${SCOPE}', __name__, ${LAST_HOUR} - hour * ${HOUR_MS}, (entry * 7 + hour * 13) % 500, 0, hour % 3, (entry + hour) % 2, 0.2, 0.4, 0.9`;

/** The days' sums of those hours, as the store keeps them beside the hours (migration 0012). */
const SEED_DAYS = `insert into usage_days (scope, day, entry, r2xx, r3xx, r4xx, r5xx)
  select scope, hour - hour % ${DAY_MS}, entry, sum(r2xx), sum(r3xx), sum(r4xx), sum(r5xx) from usage_hours group by scope, hour - hour % ${DAY_MS}, entry`;

/** What the store asks for a whole scope's totals (sql-usage-store.ts): the days' sums, and the hours before the first. */
const PLANNED = {
  days: 'select entry, sum(r2xx), sum(r3xx), sum(r4xx), sum(r5xx) from usage_days where scope = $1 and day >= $2 group by entry',
  hours: 'select entry, sum(r2xx), sum(r3xx), sum(r4xx), sum(r5xx) from usage_hours where scope = $1 and hour >= $2 and hour < $3 group by entry',
} as const;

interface SeededStore {
  readonly store: PinbotStore;
  /** The query plan of one of the reads a whole scope's `usage` makes, with its bounds. */
  plan(query: keyof typeof PLANNED, ...bounds: number[]): Promise<string>;
  close(): Promise<void>;
}

async function seededSqlite(): Promise<SeededStore> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-usage-store-'));
  const store = await openStore(join(dir, 'pinbot.sqlite'));
  const db = new BetterSqlite3(join(dir, 'pinbot.sqlite'));
  db.pragma('cache_size = -400000');
  db.prepare(`with recursive entries(entry) as (select 0 union all select entry + 1 from entries where entry < ${ENTRIES - 1}),
    hours(hour) as (select 0 union all select hour + 1 from hours where hour < ${RETAINED_HOURS - 1})
    ${SEED_COLUMNS.replace('__name__', "printf('ep-%04d', entry)")} from entries, hours`).run();
  db.prepare(SEED_DAYS).run();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('analyze');
  return {
    store,
    plan: async (query, ...bounds) => (db.prepare(`explain query plan ${PLANNED[query].replace(/\$\d/g, '?')}`).all(SCOPE, ...bounds) as { detail: string }[]).map((row) => row.detail).join('; '),
    close: async () => {
      db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function seededPostgres(): Promise<SeededStore> {
  const schema = freshSchemaName();
  const store = await openStore(urlWithSchema(schema));
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${schema}` });
  await client.connect();
  const close = async () => {
    await client.end();
    await store.close();
    await dropSchema(schema);
  };
  try {
    await client.query(`${SEED_COLUMNS.replace('__name__', "'ep-' || lpad(entry::text, 4, '0')")}
      from generate_series(0, ${ENTRIES - 1}) as entry, generate_series(0::bigint, ${RETAINED_HOURS - 1}) as hour`);
    await client.query(SEED_DAYS);
    // As autovacuum would after so many inserts: statistics, and the visibility map index-only scans need.
    await client.query('vacuum analyze');
  } catch (error) {
    await close();
    throw error;
  }
  return {
    store,
    plan: async (query, ...bounds) => (await client.query<{ 'QUERY PLAN': string }>(`explain ${PLANNED[query]}`, [SCOPE, ...bounds])).rows.map((row) => row['QUERY PLAN'].trim()).join('; '),
    close,
  };
}

/** `usage` over each period, for the whole scope and for one endpoint, timed in turns; with the plan of the 30-day read. */
async function timeUsage(kind: 'SQLite' | 'PostgreSQL', simulatorUrl: string, log: (line: string) => void): Promise<{ figures: Figure[]; plans: Record<string, string> }> {
  const started = performance.now();
  const seeded = kind === 'SQLite' ? await seededSqlite() : await seededPostgres();
  log(`  ${kind}: ${(ENTRIES * RETAINED_HOURS).toLocaleString('en')} hourly rows seeded in ${Math.round(performance.now() - started)} ms`);
  const client = createEndpointsClient({ baseUrl: simulatorUrl, token: TOKEN, namespace: NAMESPACE, maxWarm: 10 });
  try {
    const backend = endpointsBackend(client, NAMESPACE);
    const now = LAST_HOUR + HOUR_MS / 2;
    const service = new UsageService({ backendFor: () => backend, usage: seeded.store.usage, audit: seeded.store.audit, clock: { now: () => now } });
    const cases = USAGE_PERIODS.flatMap((period) => [{ period, entry: undefined }, { period, entry: endpointName(ENTRIES / 2) }]);
    const samples = cases.map((): number[] => []);
    for (const one of cases) await service.report(SCOPE, one.period, one.entry);
    for (let roundNo = 0; roundNo < REPORT_ROUNDS; roundNo++) {
      for (let step = 0; step < cases.length; step++) {
        const at = (roundNo + step) % cases.length;
        const one = cases[at];
        if (one === undefined) continue;
        for (let i = 0; i < PER_ROUND; i++) {
          const begun = performance.now();
          const report = await service.report(SCOPE, one.period, one.entry);
          samples[at]?.push(Math.round((performance.now() - begun) * 1000) / 1000);
          const answered = report.kind === 'report' ? report.entries.length + (report.others?.count ?? 0) : 0;
          if (answered !== (one.entry === undefined ? ENTRIES : 1)) throw new Error('bench: usage answered without every endpoint');
        }
      }
    }
    const sizes = USAGE_PERIODS.map((period) => PERIOD_HOURS[period]);
    const latency = (whole: boolean): Figure => {
      const picked = samples.filter((_, at) => (cases[at]?.entry === undefined) === whole);
      return {
        measure: `usage p99, ${kind}, ${whole ? `whole scope of ${ENTRIES.toLocaleString('en')} endpoints` : 'one endpoint'}, 90 days kept`,
        unit: 'ms', sizeName: 'hours', sizes, values: picked.map((one) => percentile(one, 99)), samples: picked, goal: { text: '≤ 50 ms', max: 50 },
      };
    };
    const { firstDay, hoursBefore } = splitIntoDays(now - (now % HOUR_MS) - (PERIOD_HOURS['30d'] - 1) * HOUR_MS);
    const plans = {
      [`${kind} usage totals, 30 days: the days' sums`]: await seeded.plan('days', firstDay),
      [`${kind} usage totals, 30 days: the hours before the first whole day`]: hoursBefore === undefined ? 'none' : await seeded.plan('hours', hoursBefore.from, hoursBefore.to),
    };
    return { figures: [latency(true), latency(false)], plans };
  } finally {
    await client.close();
    await seeded.close();
  }
}

/** A chart as large as a report draws (its listed entries, some kept ready) over each period: each render after the first, ms. */
async function timeChart(period: UsagePeriod): Promise<number[]> {
  const entries = Array.from({ length: LISTED_ENTRIES }, (_, i) => `org/model-${i}`);
  const report = handBuiltReport({ period, entries, load: dailyLoad, ready: { 0: [[10, 60]], 3: [[0, PERIOD_HOURS[period]]] } });
  await renderUsageChart(report);
  const times: number[] = [];
  for (let i = 0; i < CHART_RENDERS; i++) {
    const begun = performance.now();
    await renderUsageChart(report);
    times.push(Math.round((performance.now() - begun) * 100) / 100);
  }
  return times;
}

export async function benchUsage(log: (line: string) => void): Promise<PartResult> {
  const sampled = [];
  for (const count of SAMPLED_SIZES) {
    sampled.push(await sampleDeployed(count));
    const notOnce = sampled.at(-1)?.notOnce ?? [];
    log(`  sampled ${count} endpoints${notOnce.length > 0 ? `; read other than once in the interval: ${notOnce.join(', ')}` : ''}`);
  }
  const endpointsApi = startWorker<EndpointsSideHandlers>(new URL('./endpoints-side.ts', import.meta.url));
  const plans: Record<string, string> = {};
  const usage: Figure[] = [];
  try {
    const { url } = await endpointsApi.call('start', ENTRIES);
    for (const kind of ['SQLite', 'PostgreSQL'] as const) {
      const timed = await timeUsage(kind, url, log);
      usage.push(...timed.figures);
      Object.assign(plans, timed.plans);
    }
  } finally {
    await endpointsApi.call('close', null).catch(() => null);
    await endpointsApi.close();
  }
  const charts: number[][] = [];
  for (const period of USAGE_PERIODS) charts.push(await timeChart(period));
  log(`  chart: ${CHART_RENDERS} renders per period`);
  const common = { sizeName: 'endpoints', sizes: SAMPLED_SIZES };
  return {
    figures: [
      { ...common, measure: 'usage samples: fewest open-metrics GETs of an endpoint in one interval', unit: 'GETs', values: sampled.map((one) => one.fewest), goal: { text: '1', exactly: 1 } },
      { ...common, measure: 'usage samples: most open-metrics GETs of an endpoint in one interval', unit: 'GETs', values: sampled.map((one) => one.most), goal: { text: '1', exactly: 1 } },
      { ...common, measure: 'usage samples: busiest tenth of the interval over an even share', unit: '×', values: sampled.map((one) => one.burst), goal: { text: '≤ 1.5 (1 = even)', max: 1.5 } },
      { ...common, measure: 'RSS while sampling usage, after two intervals', unit: 'MB', values: sampled.map((one) => one.rss), goal: { text: '≤ 250 MB at 1,000', max: 250, at: 'last' } },
      ...usage,
      {
        measure: `usage chart render p99, warm (${LISTED_ENTRIES} endpoints, hourly)`, unit: 'ms', sizeName: 'hours', sizes: USAGE_PERIODS.map((period) => PERIOD_HOURS[period]),
        values: charts.map((times) => percentile(times, 99)), samples: charts, goal: { text: '≤ 150 ms', max: 150 },
      },
    ],
    plans,
  };
}
