// How cost grows with scopes: the deployed app (dist/main.js) with 1 / 10 / 100 / 1,000 scopes in
// PINBOT_CONFIG, each its own account on the simulator, and a short drift interval. Start-up, the
// drift watcher's reads of Hugging Face over one whole interval (and how evenly they are spread in
// it), and RSS after that interval.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorAccount } from '../src/hf/simulator.ts';
import { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET } from './pinbot-under-test.ts';
import { series, type Series } from './scaling.ts';
import { startSlackStub } from './slack-stub.ts';
import { buildOnce, launch, rssMb } from './startup-memory.ts';
import { pause } from './stats.ts';

const SIZES = [1, 10, 100, 1000];
/** Short, so that one interval passes quickly; the reads per interval do not depend on its length. */
const INTERVAL_MS = 10_000;
const DEFAULT_INTERVAL_MS = 300_000;
const TENTHS = 10;

/**
 * How much the busiest tenth of the interval exceeds an even share (a tenth of the reads, or one):
 * 1 is evenly spread; reads all at once would give 10.
 */
export function burstFactor(readTimes: readonly number[], windowStart: number, intervalMs: number): number {
  const tenths = Array.from({ length: TENTHS }, () => 0);
  let inside = 0;
  for (const at of readTimes) {
    const tenth = Math.floor(((at - windowStart) / intervalMs) * TENTHS);
    if (tenth < 0 || tenth >= TENTHS) continue;
    tenths[tenth] = (tenths[tenth] ?? 0) + 1;
    inside++;
  }
  return Math.max(...tenths) / Math.max(1, inside / TENTHS);
}

interface AtSize {
  readonly readyMs: number;
  readonly readsPerInterval: number;
  readonly burst: number;
  readonly rss: number;
}

async function measure(count: number): Promise<AtSize> {
  const token = (i: number) => `hf_BenchScope${String(i).padStart(6, '0')}NotSecret00000000`;
  const accounts: Record<string, SimulatorAccount> = {};
  const env: Record<string, string> = {};
  const yaml = ['scopes:'];
  for (let i = 0; i < count; i++) {
    accounts[token(i)] = { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] };
    env[`HF_TOKEN_S${i}`] = token(i);
    yaml.push(`  - name: scope-${i}`, `    token_env: HF_TOKEN_S${i}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-scopes-'));
  writeFileSync(join(dir, 'pinbot.yaml'), `${yaml.join('\n')}\n`);
  const simulator = await startSimulator({ loadDelayMs: 0, accounts });
  const stub = await startSlackStub();
  try {
    const app = await launch({
      ...env,
      PINBOT_CONFIG: join(dir, 'pinbot.yaml'),
      PINBOT_DRIFT_INTERVAL: `${INTERVAL_MS / 1000}s`,
      HF_API_URL: simulator.url,
      SLACK_BOT_TOKEN,
      SLACK_SIGNING_SECRET,
      SLACK_API_URL: stub.apiUrl,
    });
    try {
      // One whole interval on the wall clock, the one every replica's watcher divides among scopes.
      const windowStart = Math.ceil((Date.now() + 1) / INTERVAL_MS) * INTERVAL_MS;
      await pause(windowStart + INTERVAL_MS + 500 - Date.now());
      const reads = simulator.requestLog
        .filter((entry) => entry.source === 'client' && entry.method === 'GET' && entry.path === '/usage/pinned_models')
        .map((entry) => entry.at)
        .filter((at) => at >= windowStart && at < windowStart + INTERVAL_MS);
      return { readyMs: app.readyMs, readsPerInterval: reads.length, burst: burstFactor(reads, windowStart, INTERVAL_MS), rss: rssMb(app.child.pid ?? 0) };
    } finally {
      await app.stop();
    }
  } finally {
    await stub.close();
    await simulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchScopeScaling(log: (line: string) => void): Promise<Series[]> {
  buildOnce();
  const results: AtSize[] = [];
  for (const count of SIZES) {
    results.push(await measure(count));
    log(`  ${count} scopes`);
  }
  const at = (pick: (one: AtSize) => number) => results.map(pick);
  const perMinute = at((one) => (one.readsPerInterval * 60_000) / DEFAULT_INTERVAL_MS);
  const perScope = at((one) => one.readsPerInterval / (SIZES[results.indexOf(one)] ?? 1));
  const bursts = at((one) => one.burst);
  const rss = at((one) => one.rss);
  const common = { sizeName: 'scopes', sizes: SIZES };
  return [
    series({ ...common, measure: 'drift reads per scope per interval', unit: 'reads', values: perScope, goal: '1', met: perScope.every((value) => value === 1) }),
    series({ ...common, measure: 'drift requests to HF per minute, at the default 5 m', unit: 'req/min', values: perMinute }),
    series({ ...common, measure: 'drift reads: busiest tenth of the interval over an even share', unit: '×', values: bursts, goal: '≤ 1.5 (1 = even)', met: bursts.every((value) => value <= 1.5) }),
    series({ ...common, measure: 'RSS after one drift interval', unit: 'MB', values: rss, goal: '≤ 200 MB at 1,000', met: (rss.at(-1) ?? Number.NaN) <= 200 }),
    series({ ...common, measure: 'start-up: spawn → "pinbot ready"', unit: 'ms', values: at((one) => one.readyMs) }),
  ];
}
