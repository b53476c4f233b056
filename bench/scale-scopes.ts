// How cost grows with scopes: the deployed app (dist/main.js) with 1 / 10 / 100 / 1,000 scopes in
// PINBOT_CONFIG, each its own account on the simulator, and a short drift interval. Start-up, the
// drift watcher's reads of Hugging Face over one whole interval (and how evenly they are spread in
// it), and RSS after that interval.
import { startSimulator } from '../src/backends/classic/simulator.ts';
import { startSlackApiServer } from '../test/helpers/slack-api-server.ts';
import { launchDeployed } from './deployed.ts';
import { manyScopes, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET } from './pinbot-under-test.ts';
import type { Figure, PartResult } from './results.ts';

const SIZES = [1, 10, 100, 1000];
/** Short, so that one interval passes quickly; the reads per interval do not depend on its length. */
const INTERVAL_MS = 10_000;
const DEFAULT_INTERVAL_MS = 300_000;

/**
 * How much the busiest tenth of the interval exceeds an even share (a tenth of the reads, or one):
 * 1 is evenly spread; reads all at once would give 10.
 */
export function burstFactor(readTimes: readonly number[], windowStart: number, intervalMs: number): number {
  const tenths = Array.from({ length: 10 }, () => 0);
  const inside = readTimes.map((at) => Math.floor(((at - windowStart) / intervalMs) * 10)).filter((tenth) => tenth >= 0 && tenth < 10);
  for (const tenth of inside) tenths[tenth] = (tenths[tenth] ?? 0) + 1;
  return Math.max(...tenths) / Math.max(1, inside.length / 10);
}

async function measure(count: number): Promise<{ readyMs: number; reads: number; burst: number; rss: number }> {
  const scopes = manyScopes(count, 5);
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: scopes.accounts });
  const slack = await startSlackApiServer({ record: false });
  try {
    const deployed = await launchDeployed({
      ...scopes.env, PINBOT_DRIFT_INTERVAL: `${INTERVAL_MS / 1000}s`, HF_API_URL: simulator.url, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    });
    try {
      // One whole interval on the wall clock, the one every replica's watcher divides among scopes.
      const windowStart = Math.ceil((Date.now() + 1) / INTERVAL_MS) * INTERVAL_MS;
      await new Promise((resolve) => setTimeout(resolve, windowStart + INTERVAL_MS + 500 - Date.now()));
      const reads = simulator.requestLog
        .filter((entry) => entry.source === 'client' && entry.method === 'GET' && entry.path === '/usage/pinned_models' && entry.at >= windowStart && entry.at < windowStart + INTERVAL_MS)
        .map((entry) => entry.at);
      return { readyMs: deployed.readyMs, reads: reads.length, burst: burstFactor(reads, windowStart, INTERVAL_MS), rss: deployed.rssMb() };
    } finally {
      await deployed.stop();
    }
  } finally {
    await slack.close();
    await simulator.close();
    scopes.cleanUp();
  }
}

export async function benchScopeScaling(log: (line: string) => void): Promise<PartResult> {
  const results = [];
  for (const count of SIZES) {
    results.push(await measure(count));
    log(`  ${count} scopes`);
  }
  const common = { sizeName: 'scopes', sizes: SIZES };
  return {
    figures: [
      { ...common, measure: 'drift reads per scope per interval', unit: 'reads', values: results.map((one, at) => one.reads / (SIZES[at] ?? 1)), goal: { text: '1', exactly: 1 } },
      { ...common, measure: 'drift requests to HF per minute, at the default 5 m', unit: 'req/min', values: results.map((one) => (one.reads * 60_000) / DEFAULT_INTERVAL_MS) },
      { ...common, measure: 'drift reads: busiest tenth of the interval over an even share', unit: '×', values: results.map((one) => one.burst), goal: { text: '≤ 1.5 (1 = even)', max: 1.5 } },
      { ...common, measure: 'RSS after one drift interval', unit: 'MB', values: results.map((one) => one.rss), goal: { text: '≤ 200 MB at 1,000', max: 200, at: 'last' } },
      { ...common, measure: 'start-up: spawn → "pinbot ready"', unit: 'ms', values: results.map((one) => one.readyMs) },
    ] satisfies Figure[],
  };
}
