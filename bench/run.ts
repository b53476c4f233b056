// `npm run bench`: measurements, not pass/fail. Prints two tables and writes bench/results.json.
// What each number means and the figures measured: bench/README.md.
// BENCH_ONLY=economy,slack,discord,startup,scopes,store,replicas,schedules,usage runs a subset.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchDiscordAck } from './discord-ack.ts';
import { benchStartupAndMemory } from './deployed.ts';
import { requestEconomy } from './economy.ts';
import { printReport } from './report.ts';
import type { BenchResults, PartResult } from './results.ts';
import { benchReplicaScaling } from './scale-replicas.ts';
import { benchScheduleSwitches } from './schedule-replicas.ts';
import { benchScopeScaling } from './scale-scopes.ts';
import { benchStoreScaling } from './scale-store.ts';
import { benchSlackAck } from './slack-ack.ts';
import { benchUsage } from './usage.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
const parts: Record<string, (say: typeof log) => Promise<PartResult>> = {
  economy: requestEconomy,
  slack: benchSlackAck,
  discord: benchDiscordAck,
  startup: benchStartupAndMemory,
  scopes: benchScopeScaling,
  store: benchStoreScaling,
  replicas: benchReplicaScaling,
  schedules: benchScheduleSwitches,
  usage: benchUsage,
};
/** Run in a fresh process each, as a deployed pinbot starts, rather than on the heap the parts before left. */
const IN_OWN_PROCESS = new Set(['slack', 'discord']);

async function inOwnProcess(part: string): Promise<PartResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-part-'));
  try {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, part, join(dir, 'part.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`bench: the ${part} part exited with ${String(code)}`);
    return JSON.parse(readFileSync(join(dir, 'part.json'), 'utf8')) as PartResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [childPart, childOut] = process.argv.slice(2);
const runChild = childPart !== undefined ? parts[childPart] : undefined;
if (runChild !== undefined && childOut !== undefined) {
  writeFileSync(childOut, JSON.stringify(await runChild(log)));
  // Nothing else is wanted from this process; a handle left open by a client must not keep it.
  process.exit(0);
}

const only = new Set((process.env['BENCH_ONLY'] ?? Object.keys(parts).join(',')).split(',').map((part) => part.trim()));
const results: BenchResults = { node: process.version, at: new Date().toISOString(), acks: {}, figures: [], plans: {} };
const started = Date.now();
for (const [name, part] of Object.entries(parts)) {
  if (!only.has(name)) continue;
  log(`${name}…`);
  const result = IN_OWN_PROCESS.has(name) ? await inOwnProcess(name) : await part(log);
  Object.assign(results.acks, result.acks);
  results.figures.push(...(result.figures ?? []));
  Object.assign(results.plans, result.plans);
}
writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results)}\n`);
printReport([results]);
for (const [query, plan] of Object.entries(results.plans)) log(`plan, ${query}: ${plan}`);
log(`bench took ${Math.round((Date.now() - started) / 1000)} s`);
