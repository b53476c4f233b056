import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { spawnPinbot, type RunningPinbot } from '../../helpers/spawn-pinbot.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const CONFIG = `scopes:
  - name: inference
    token_env: HF_TOKEN_ENDPOINTS
    backend: endpoints
    namespace: acme
    max_warm: 2
`;

describe('usage in the console, as a spawned process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  function run(args: string[], env: Record<string, string>): RunningPinbot {
    const pinbot = spawnPinbot(args, env);
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill();
      await pinbot.exited();
    });
    return pinbot;
  }

  it('samples an endpoint\'s counters on the interval and shows its requests, errors and a sparkline', async () => {
    const sim = await startAcmeEndpoints(10);
    cleanups.push(() => sim.close());
    const file = join(testTempDir('pinbot-usage-'), 'pinbot.yml');
    writeFileSync(file, CONFIG);
    const pinbot = run([], { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, PINBOT_USAGE_INTERVAL: '10s' });
    await pinbot.waitForOutput('pinbot> ');
    const samplesOf = (name: string) => sim.requestLog.filter((request) => request.path === `/endpoint/acme/${name}/open-metrics`).length;

    // The first sample is the baseline; what happens after it is counted by the next.
    await waitFor(() => samplesOf('llama-chat') >= 1, 20_000, 'the first sample of llama-chat');
    sim.traffic(TOKEN, 'llama-chat', { '200': 1180, '503': 20 }, { latencySeconds: 0.25 });
    const before = samplesOf('llama-chat');
    await waitFor(() => samplesOf('llama-chat') > before, 20_000, 'the next sample of llama-chat');

    let answer = '';
    await waitFor(async () => {
      const mark = pinbot.stdout().length;
      pinbot.send('usage llama-chat');
      await pinbot.waitForOutput('pinbot> ', 10_000, mark);
      answer = pinbot.stdout().slice(mark);
      return answer.includes('1,200 requests');
    }, 10_000, 'the counted sample in usage');

    expect(answer).toContain('Usage in scope inference — last 24h');
    expect(answer).toContain('• llama-chat — 1,200 requests, 1.7% errors; kept ready');
    // Only the hour of the counted sample was sampled: 23 hours of · and one full bar (and the next
    // hour's empty one, should the run cross an hour).
    expect(answer).toMatch(/ {2}·{22,23}█▁? {2}requests per hour, oldest first \(· not sampled\)/);

    const week = pinbot.stdout().length;
    pinbot.send('usage 7d');
    await pinbot.waitForOutput('pinbot> ', 10_000, week);
    const weekly = pinbot.stdout().slice(week);
    expect(weekly).toContain('last 7d');
    expect(weekly).toMatch(/• embedder — (0 requests|no requests sampled yet); not kept ready/);
    expect(weekly).toContain('requests per 4 hours');

    const bad = pinbot.stdout().length;
    pinbot.send('usage nope');
    await pinbot.waitForOutput('pinbot> ', 10_000, bad);
    expect(pinbot.stdout().slice(bad)).toContain('There is no endpoint `nope` in scope inference to show usage for. It has: embedder, llama-chat, sentiment.');
  }, 60_000);

  it('says in one sentence that a pinned-models scope has no usage source', async () => {
    const pinbot = run(['usage'], {});
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout()).toContain('The classic Inference API has no documented route for usage, so pinbot has no requests or cost to show for pinned models.');
  });
});
