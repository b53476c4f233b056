// `npm run bench`: measurements, not pass/fail. Prints a table and writes bench/results.json.
// What each number means and the figures measured: bench/README.md.
// BENCH_ONLY=economy,slack,discord,startup,scopes,store,replicas runs a subset.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestEconomy } from './economy.ts';
import type { BenchResult } from './slack-ack.ts';
import { benchReplicaScaling } from './scale-replicas.ts';
import { benchScopeScaling } from './scale-scopes.ts';
import { benchStoreScaling } from './scale-store.ts';
import { seriesTable, type Series } from './scaling.ts';
import { benchStartupAndMemory } from './startup-memory.ts';
import type { Row } from './stats.ts';

const PARTS = ['economy', 'slack', 'discord', 'startup', 'scopes', 'store', 'replicas'] as const;
const only = new Set((process.env['BENCH_ONLY'] ?? PARTS.join(',')).split(',').map((part) => part.trim()));
const log = (line: string) => process.stderr.write(`${line}\n`);
const rows: Row[] = [];
const detail: Record<string, unknown> = {};
const scaling: Series[] = [];
const started = Date.now();

/** Runs an ack benchmark in a child process (part.ts), so each starts from a fresh heap. */
async function inOwnProcess(part: 'slack' | 'discord'): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-part-'));
  const out = join(dir, `${part}.json`);
  try {
    const child = spawn(process.execPath, [...process.execArgv, join(import.meta.dirname, 'part.ts'), part, out], { stdio: ['ignore', 'inherit', 'inherit'] });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`bench: the ${part} part exited with ${String(code)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as BenchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const benches: Record<(typeof PARTS)[number], () => Promise<BenchResult | Series[]>> = {
  economy: async () => ({ rows: await requestEconomy(), detail: {} }),
  slack: () => inOwnProcess('slack'),
  discord: () => inOwnProcess('discord'),
  startup: () => benchStartupAndMemory(log),
  scopes: () => benchScopeScaling(log),
  store: async () => {
    const result = await benchStoreScaling(log);
    detail['query plans'] = result.plans;
    return result.series;
  },
  replicas: () => benchReplicaScaling(log),
};
for (const name of PARTS) {
  if (!only.has(name)) continue;
  log(`${name}…`);
  const result = await benches[name]();
  if (Array.isArray(result)) {
    scaling.push(...result);
  } else {
    rows.push(...result.rows);
    Object.assign(detail, result.detail);
  }
}

if (rows.length > 0) console.table(rows.map((r) => ({ benchmark: r.name, value: r.value, unit: r.unit, goal: r.goal ?? '', met: r.met === undefined ? '' : r.met ? 'yes' : 'NO' })));
if (scaling.length > 0) console.table(seriesTable(scaling));
log(`bench took ${Math.round((Date.now() - started) / 1000)} s`);
writeFileSync(
  join(import.meta.dirname, 'results.json'),
  `${JSON.stringify({ node: process.version, cpus: cpus().length, at: new Date().toISOString(), rows, scaling, detail }, null, 2)}\n`,
);
