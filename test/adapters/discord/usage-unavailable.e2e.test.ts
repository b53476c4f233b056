import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/backends/classic/simulator.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { APPLICATION_ID, CHANNEL_ID } from '../../helpers/discord-peer.ts';
import { captureLogger, TOKEN } from '../../helpers/hf-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { forToken } from './use-discord.ts';
import { serveDiscord, WAIT, type ServedDiscord } from './served-discord.ts';

const NOT_READABLE = 'usage is not readable for this scope; asking again rarely';

describe('Discord: usage where there is none to show, served in process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  /**
   * `/pins usage` answered, and whether anything carried a file on its interaction; `list` is asked
   * after it, so that a chart sent after the answer would have been sent by the end of `list`.
   */
  async function askUsage(world: ServedDiscord): Promise<{ content: string; files: number }> {
    const { content, token } = await world.command('usage', { period: '7d' });
    await world.command('list');
    const files = forToken(world.peer, token).filter((r) => r.path === `/webhooks/${APPLICATION_ID}/${token}` && r.files.length > 0).length;
    return { content, files };
  }

  it('says in one sentence that a namespace without the metrics plan has no usage, attaches no chart, and logs it once however often it samples', async () => {
    const sim = await startAcmeEndpoints(60, { metricsPlan: false });
    cleanups.push(() => sim.close());
    const logger = captureLogger();
    const world = await serveDiscord({
      configYaml: `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n    discord_channels: ["${CHANNEL_ID}"]\n`,
      env: { HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, HF_HUB_URL: 'off' },
      // The environment's floor is far longer; the sampler runs every 300 ms here.
      overrides: { usageIntervalMs: 300 },
      logger,
    }, cleanups);
    const metricsReads = () => sim.requestLog.filter((r) => r.path.endsWith('/open-metrics'));
    const namespaceReads = () => sim.requestLog.filter((r) => r.method === 'GET' && r.path === '/endpoint/acme').length;
    const refusals = () => logger.lines.filter((line) => line.message === NOT_READABLE);

    await waitFor(() => refusals().length > 0, WAIT, 'the sampler to meet the refusal');
    // Three more rounds of the sampler, each listing the namespace's endpoints.
    const listed = namespaceReads();
    await waitFor(() => namespaceReads() >= listed + 3, WAIT, 'three more sampling rounds');

    const { content, files } = await askUsage(world);
    expect(content).toBe('The Inference Endpoints metrics of acme are not readable with this token (HTTP 403): '
      + 'the metrics API is in beta and needs a Team or Enterprise plan, so pinbot keeps no usage for this scope.');
    expect(files).toBe(0);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({ level: 'warn', fields: { scope: 'inference' } });
    expect(logger.lines.filter((line) => line.message.startsWith('usage sample'))).toEqual([]);
    expect(metricsReads().map((r) => r.status)).toEqual([403]);
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
  });

  it('says in one sentence that a pinned-models scope has no usage source, and attaches no chart', async () => {
    const classic = await startSimulator({ accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => classic.close());
    const world = await serveDiscord({
      configYaml: `scopes:\n  - name: research\n    token_env: HF_TOKEN_RESEARCH\n    discord_channels: ["${CHANNEL_ID}"]\n`,
      env: { HF_TOKEN_RESEARCH: TOKEN, HF_API_URL: classic.url, HF_HUB_URL: 'off' },
    }, cleanups);

    const { content, files } = await askUsage(world);
    expect(content).toBe('The classic Inference API has no documented route for usage, so pinbot has no requests or cost to show for pinned models.');
    expect(files).toBe(0);
  });
});
