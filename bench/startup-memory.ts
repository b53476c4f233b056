// The real app as it is deployed: `node dist/main.js` (the compiled build the Docker image runs),
// with Slack over HTTP (pointed at a local Slack stub) and HF_API_URL at the simulator. Start-up
// time, then RSS under 10,000 commands. `npm start` from source (through tsx) is timed for reference.
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
const CHECKPOINTS = [2500, 5000, 7500, 10_000];

interface Launched {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly readyMs: number;
  readonly healthMs: number;
  stop(): Promise<void>;
}

type Runtime = 'compiled' | 'source';

const ENTRY: Record<Runtime, readonly string[]> = {
  // Exactly as the Docker image and `npm run start:prod` run it.
  compiled: ['--max-old-space-size=128', join(ROOT, 'dist', 'main.js')],
  source: ['--import', 'tsx', join(ROOT, 'src', 'main.ts')],
};

async function launch(env: Record<string, string>, extraArgs: readonly string[] = [], runtime: Runtime = 'compiled'): Promise<Launched> {
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-run-'));
  const started = performance.now();
  const child = spawn(process.execPath, [...extraArgs, ...ENTRY[runtime]], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', DATABASE_URL: join(dir, 'pinbot.sqlite'), PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let readyMs: number | undefined;
  let port: number | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    for (;;) {
      const newline = out.indexOf('\n');
      if (newline === -1) break;
      const line = out.slice(0, newline);
      out = out.slice(newline + 1);
      if (!line.includes('pinbot ready')) continue;
      readyMs = performance.now() - started;
      port = (JSON.parse(line) as { port?: number }).port;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await until(() => readyMs !== undefined || child.exitCode !== null, 30_000, `"pinbot ready" (stderr: ${err.slice(-300)})`);
  if (readyMs === undefined || port === undefined) throw new Error(`bench: pinbot exited before ready: ${err.slice(-500)}`);
  let healthMs = 0;
  for (;;) {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (answer?.status === 200) {
      healthMs = performance.now() - started;
      await answer.body?.cancel();
      break;
    }
    await pause(2);
  }
  return {
    child,
    port,
    readyMs,
    healthMs,
    stop: async () => {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** V8 heap in use, in MB, from the app's own /metrics (prom-client's default metrics). */
async function heapUsedMb(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const bytes = Number(/^pinbot_process_nodejs_heap_size_used_bytes (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
  return bytes / 1024 / 1024;
}

/** Resident set size of a process, in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export async function benchStartupAndMemory(log: (line: string) => void, options: { cpuProfileDir?: string } = {}): Promise<BenchResult> {
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: { [HF_TOKEN]: { allowed: 100, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
  const stub = await startSlackStub();
  const env = { HF_TOKEN, HF_API_URL: simulator.url, HF_HUB_URL: 'off', SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: stub.apiUrl };
  const rows: Row[] = [];
  const detail: Record<string, unknown> = {};
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('bench: npm run build failed');
  try {
    const ready: number[] = [];
    const health: number[] = [];
    for (let run = 0; run < START_RUNS; run++) {
      const profile = run === 0 && options.cpuProfileDir !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
      const app = await launch(env, profile);
      ready.push(app.readyMs);
      health.push(app.healthMs);
      await app.stop();
    }
    detail['startup ready ms'] = ready;
    detail['startup healthz ms'] = health;
    log(`  start-up: ${START_RUNS} runs`);
    rows.push(row('start-up: spawn → "pinbot ready" (median)', median(ready), 'ms', { text: '≤ 1500 ms', met: median(ready) <= 1500 }));
    rows.push(row('start-up: spawn → "pinbot ready" (worst)', Math.max(...ready), 'ms', { text: '≤ 1500 ms', met: Math.max(...ready) <= 1500 }));
    rows.push(row('start-up: spawn → /healthz 200 (median)', median(health), 'ms', { text: '≤ 1500 ms', met: median(health) <= 1500 }));
    const fromSource: number[] = [];
    for (let run = 0; run < 3; run++) {
      const app = await launch(env, [], 'source');
      fromSource.push(app.readyMs);
      await app.stop();
    }
    detail['startup from source (tsx) ready ms'] = fromSource;
    rows.push(row('start-up from source via tsx, `npm start` (median, for reference)', median(fromSource), 'ms'));

    const app = await launch(env);
    const pool = new Pool(`http://127.0.0.1:${app.port}`, { connections: BATCH });
    let answered = 0;
    stub.onArrival((arrival) => {
      if (arrival.kind === 'response') answered++;
    });
    try {
      await pause(1000);
      const idle = rssMb(app.child.pid ?? 0);
      const idleHeap = await heapUsedMb(app.port);
      const rss: Record<number, number> = {};
      const heap: Record<number, number> = {};
      for (let sent = 0; sent < COMMANDS;) {
        const requests = Array.from({ length: BATCH }, (_, i) => {
          const n = sent + i;
          const body = commandBody({ text: n % 2 === 0 ? 'list' : 'help', user: { id: 'U0BENCH001', username: 'bench' }, channelId: 'C0BENCH001', responseUrl: `${stub.url}/response/commands/m${n}` });
          const timestamp = Math.floor(Date.now() / 1000);
          return pool.request({
            method: 'POST',
            path: '/slack/events',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(SLACK_SIGNING_SECRET, timestamp, body) },
            body,
          }).then(async (answer) => {
            await answer.body.text();
            if (answer.statusCode !== 200) throw new Error(`bench: answered ${answer.statusCode}`);
          });
        });
        await Promise.all(requests);
        sent += BATCH;
        // Each command's answer reaches Slack before the next batch: the work is done, not queued.
        await until(() => answered >= sent, 30_000, `answers to ${sent} commands`);
        if (CHECKPOINTS.includes(sent)) {
          rss[sent] = rssMb(app.child.pid ?? 0);
          heap[sent] = await heapUsedMb(app.port);
        }
      }
      detail['rss MB'] = { idle, ...rss };
      detail['heap used MB'] = { idle: idleHeap, ...heap };
      log(`  memory: ${COMMANDS} commands`);
      rows.push(row('RSS idle after start-up', idle, 'MB', { text: '≤ 150 MB', met: idle <= 150 }));
      for (const at of CHECKPOINTS) {
        const value = rss[at] ?? Number.NaN;
        rows.push(row(`RSS after ${at} commands`, value, 'MB', { text: '≤ 150 MB', met: value <= 150 }));
        rows.push(row(`  V8 heap used after ${at} commands`, heap[at] ?? Number.NaN, 'MB'));
      }
      const growth = (rss[10_000] ?? 0) - (rss[5000] ?? 0);
      rows.push(row('RSS growth 5,000 → 10,000 commands', growth, 'MB', { text: 'no trend (< 10 MB)', met: growth < 10 }));
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
