// The real app as it is deployed: `node dist/main.js` (the compiled build the Docker image runs),
// with Slack over HTTP (pointed at the test Slack API server) and HF_API_URL at the simulator.
// Start-up time, then RSS under 10,000 commands; scale-scopes.ts launches it the same way.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { startSimulator } from '../src/backends/classic/simulator.ts';
import { startSlackApiServer } from '../test/helpers/slack-api-server.ts';
import { commandBody, signedHeaders } from '../test/helpers/slack-requests.ts';
import { spawnPinbot, type RunningPinbot } from '../test/helpers/spawn-pinbot.ts';
import { waitFor } from '../test/helpers/wait-for.ts';
import { HF_TOKEN, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET } from './pinbot-under-test.ts';
import type { Figure, PartResult } from './results.ts';
import { median } from './stats.ts';

const START_RUNS = 5;
const COMMANDS = 10_000;
const BATCH = 50;
let built = false;

export interface Deployed {
  readonly app: RunningPinbot;
  readonly port: number;
  /** Spawn → the "pinbot ready" log line, ms. */
  readonly readyMs: number;
  rssMb(): number;
  stop(): Promise<void>;
}

/** Builds dist/ (once per bench run, as the Docker image does), spawns it with `env` and waits for "pinbot ready". */
export async function launchDeployed(env: Record<string, string>): Promise<Deployed> {
  if (!built && spawnSync('npm', ['run', '--silent', 'build'], { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' }).status !== 0) throw new Error('bench: npm run build failed');
  built = true;
  const started = performance.now();
  const app = spawnPinbot([], { PORT: '0', LOG_LEVEL: 'info', ...env }, join('dist', 'main.js'), ['--max-old-space-size=128']);
  let readyMs = Number.NaN;
  app.process.stdout.on('data', () => {
    if (Number.isNaN(readyMs) && app.stdout().includes('pinbot ready')) readyMs = performance.now() - started;
  });
  await app.waitForOutput('pinbot ready', 60_000);
  const line = app.stdout().split('\n').find((one) => one.includes('pinbot ready')) ?? '{}';
  return {
    app,
    port: (JSON.parse(line) as { port: number }).port,
    readyMs,
    // Resident set size from /proc (Linux), MB.
    rssMb: () => Number(/VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${app.process.pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024,
    stop: async () => {
      app.process.kill('SIGTERM');
      await app.exited();
    },
  };
}

export async function benchStartupAndMemory(log: (line: string) => void): Promise<PartResult> {
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: { [HF_TOKEN]: { allowed: 100, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
  let answered = 0;
  const slack = await startSlackApiServer({ record: false, onRequest: (path) => { if (path.startsWith('/response/')) answered++; } });
  const env = { HF_TOKEN, HF_API_URL: simulator.url, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl };
  try {
    const ready: number[] = [];
    for (let run = 0; run < START_RUNS; run++) {
      const deployed = await launchDeployed(env);
      ready.push(deployed.readyMs);
      await deployed.stop();
    }
    log(`  start-up: ${START_RUNS} runs`);
    const deployed = await launchDeployed(env);
    const pool = new Pool(`http://127.0.0.1:${deployed.port}`, { connections: BATCH });
    const rss = [deployed.rssMb()];
    try {
      for (let sent = 0; sent < COMMANDS; sent += BATCH) {
        await Promise.all(Array.from({ length: BATCH }, async (_, i) => {
          const body = commandBody({ text: i % 2 === 0 ? 'list' : 'help', user: { id: 'U0BENCH001', username: 'bench' }, channelId: 'C0BENCH001', responseUrl: `${slack.url}/response/commands/m${sent + i}` });
          const answer = await pool.request({ method: 'POST', path: '/slack/events', headers: signedHeaders(SLACK_SIGNING_SECRET, body), body });
          await answer.body.text();
          if (answer.statusCode !== 200) throw new Error(`bench: answered ${answer.statusCode}`);
        }));
        // Each command's answer reaches Slack before the next batch: the work is done, not queued.
        await waitFor(() => answered >= sent + BATCH, 30_000, `answers to ${sent + BATCH} commands`);
        if ((sent + BATCH) % (COMMANDS / 2) === 0) rss.push(deployed.rssMb());
      }
      log(`  memory: ${COMMANDS} commands`);
    } finally {
      await pool.close();
      await deployed.stop();
    }
    const figures: Figure[] = [
      { measure: 'start-up: spawn → "pinbot ready", median of 5', unit: 'ms', values: [median(ready)], goal: { text: '≤ 1,500 ms', max: 1500 } },
      { measure: 'start-up, slowest of 5', unit: 'ms', values: [Math.max(...ready)], goal: { text: '≤ 1,500 ms', max: 1500 } },
      { measure: 'RSS idle after start-up', unit: 'MB', values: rss.slice(0, 1), goal: { text: '≤ 150 MB', max: 150 } },
      { measure: 'RSS after Slack commands', unit: 'MB', sizeName: 'commands', sizes: [COMMANDS / 2, COMMANDS], values: rss.slice(1), goal: { text: '≤ 150 MB, < 10 MB more at 10,000', max: 150, rise: 10 } },
    ];
    return { figures };
  } finally {
    await slack.close();
    await simulator.close();
  }
}
