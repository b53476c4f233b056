// `npm run bench`: measurements, not pass/fail. Prints a table and writes bench/results.json.
// What each number means and the figures measured: bench/README.md.
// BENCH_ONLY=economy,core,slack,discord,startup runs a subset; BENCH_CPU_PROF=<dir> profiles one start-up.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreCosts } from './core-costs.ts';
import { CPU_LAYOUT } from './cpu-layout.ts';
import { requestEconomy } from './economy.ts';
import type { BenchResult } from './slack-ack.ts';
import { benchStartupAndMemory } from './startup-memory.ts';
import type { Row } from './stats.ts';

const only = new Set((process.env['BENCH_ONLY'] ?? 'economy,core,slack,discord,startup').split(',').map((part) => part.trim()));
const log = (line: string) => process.stderr.write(`${line}\n`);
const rows: Row[] = [];
const detail: Record<string, unknown> = {};
const started = Date.now();

log(CPU_LAYOUT === undefined
  ? 'ack benches: threads not pinned'
  : `ack benches: the apps on CPU ${CPU_LAYOUT.app}, the platforms' threads on CPU ${CPU_LAYOUT.platforms}`);
if (only.has('economy')) rows.push(...(await requestEconomy()));
if (only.has('core')) rows.push(...coreCosts());
/** Runs an ack benchmark in a child process (part.ts), with this process's loader and flags. */
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

for (const [name, bench] of [
  ['slack', () => inOwnProcess('slack')],
  ['discord', () => inOwnProcess('discord')],
  ['startup', (progress: typeof log) => benchStartupAndMemory(progress, process.env['BENCH_CPU_PROF'] ? { cpuProfileDir: process.env['BENCH_CPU_PROF'] } : {})],
] as const) {
  if (!only.has(name)) continue;
  log(`${name}…`);
  const result = await bench(log);
  rows.push(...result.rows);
  Object.assign(detail, result.detail);
}

console.table(rows.map((r) => ({ benchmark: r.name, value: r.value, unit: r.unit, goal: r.goal ?? '', met: r.met === undefined ? '' : r.met ? 'yes' : 'NO' })));
log(`bench took ${Math.round((Date.now() - started) / 1000)} s`);
writeFileSync(
  join(import.meta.dirname, 'results.json'),
  `${JSON.stringify({ node: process.version, cpus: cpus().length, cpuLayout: CPU_LAYOUT ?? null, at: new Date().toISOString(), rows, detail }, null, 2)}\n`,
);
