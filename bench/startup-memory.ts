// The real app as it is deployed: `node dist/main.js` (the compiled build the Docker image runs),
// with Slack over HTTP (pointed at a local Slack stub) and HF_API_URL at the simulator. Start-up
// time, then RSS under 10,000 commands.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { startSimulator } from '../src/hf/simulator.ts';
import { commandBody, slackSignature } from '../test/helpers/slack-requests.ts';
import { HF_TOKEN, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET } from './pinbot-under-test.ts';
import { startSlackStub } from './slack-stub.ts';
import { median, pause, row, until, type Row } from './stats.ts';
import type { BenchResult } from './slack-ack.ts';

const ROOT = join(import.meta.dirname, '..');
const START_RUNS = 5;
const COMMANDS = 10_000;
const BATCH = 50;

export interface Launched {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  /** Spawn → the "pinbot ready" log line, ms. */
  readonly readyMs: number;
  stop(): Promise<void>;
}

/** Builds dist/ once per bench run, as the Docker image does. */
export function buildOnce(): void {
  if (spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) throw new Error('bench: npm run build failed');
}

/** Spawns `dist/main.js` exactly as the Docker image runs it, with `env`, and waits for "pinbot ready". */
export async function launch(env: Record<string, string>): Promise<Launched> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-run-'));
  const started = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=128', join(ROOT, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', DATABASE_URL: join(dir, 'pinbot.sqlite'), PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let ready: { ms: number; port: number } | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    const line = lines.find((one) => one.includes('pinbot ready'));
    if (line !== undefined && ready === undefined) ready = { ms: performance.now() - started, port: (JSON.parse(line) as { port: number }).port };
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await until(() => ready !== undefined || child.exitCode !== null, 60_000, `"pinbot ready" (stderr: ${err.slice(-300)})`);
  if (ready === undefined) throw new Error(`bench: pinbot exited before ready: ${err.slice(-500)}`);
  return {
    child,
    port: ready.port,
    readyMs: ready.ms,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process, in MB, from /proc (Linux). */
export function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return kb / 1024;
}

export async function benchStartupAndMemory(log: (line: string) => void): Promise<BenchResult> {
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: { [HF_TOKEN]: { allowed: 100, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
  const stub = await startSlackStub();
  const env = { HF_TOKEN, HF_API_URL: simulator.url, HF_HUB_URL: 'off', SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: stub.apiUrl };
  const rows: Row[] = [];
  const detail: Record<string, unknown> = {};
  buildOnce();
  try {
    const ready: number[] = [];
    for (let run = 0; run < START_RUNS; run++) {
      const app = await launch(env);
      ready.push(app.readyMs);
      await app.stop();
    }
    detail['startup ready ms'] = ready;
    log(`  start-up: ${START_RUNS} runs`);
    rows.push(row('start-up: spawn → "pinbot ready" (median)', median(ready), 'ms', { text: '≤ 1500 ms', met: median(ready) <= 1500 }));
    rows.push(row('start-up: spawn → "pinbot ready" (worst)', Math.max(...ready), 'ms', { text: '≤ 1500 ms', met: Math.max(...ready) <= 1500 }));

    const app = await launch(env);
    const pool = new Pool(`http://127.0.0.1:${app.port}`, { connections: BATCH });
    let answered = 0;
    stub.onArrival((arrival) => {
      if (arrival.kind === 'response') answered++;
    });
    try {
      await pause(1000);
      const rss: Record<string, number> = { idle: rssMb(app.child.pid ?? 0) };
      for (let sent = 0; sent < COMMANDS; sent += BATCH) {
        await Promise.all(Array.from({ length: BATCH }, async (_, i) => {
          const n = sent + i;
          const body = commandBody({ text: n % 2 === 0 ? 'list' : 'help', user: { id: 'U0BENCH001', username: 'bench' }, channelId: 'C0BENCH001', responseUrl: `${stub.url}/response/commands/m${n}` });
          const timestamp = Math.floor(Date.now() / 1000);
          const answer = await pool.request({
            method: 'POST',
            path: '/slack/events',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(SLACK_SIGNING_SECRET, timestamp, body) },
            body,
          });
          await answer.body.text();
          if (answer.statusCode !== 200) throw new Error(`bench: answered ${answer.statusCode}`);
        }));
        // Each command's answer reaches Slack before the next batch: the work is done, not queued.
        await until(() => answered >= sent + BATCH, 30_000, `answers to ${sent + BATCH} commands`);
        if (sent + BATCH === COMMANDS / 2 || sent + BATCH === COMMANDS) rss[String(sent + BATCH)] = rssMb(app.child.pid ?? 0);
      }
      detail['rss MB'] = rss;
      log(`  memory: ${COMMANDS} commands`);
      const [idle, half, full] = [rss['idle'], rss[String(COMMANDS / 2)], rss[String(COMMANDS)]].map((value) => value ?? Number.NaN) as [number, number, number];
      rows.push(row('RSS idle after start-up', idle, 'MB', { text: '≤ 150 MB', met: idle <= 150 }));
      rows.push(row(`RSS after ${COMMANDS} commands`, full, 'MB', { text: '≤ 150 MB', met: full <= 150 }));
      rows.push(row(`RSS growth ${COMMANDS / 2} → ${COMMANDS} commands`, full - half, 'MB', { text: 'no trend (< 10 MB)', met: full - half < 10 }));
    } finally {
      stub.onArrival(undefined);
      await pool.close();
      await app.stop();
    }
  } finally {
    await stub.close();
    await simulator.close();
  }
  return { rows, detail };
}
