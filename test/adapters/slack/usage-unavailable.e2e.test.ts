import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/backends/classic/simulator.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { captureLogger, TOKEN } from '../../helpers/hf-harness.ts';
import { CHANNEL } from '../../helpers/slack-process.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { serveSlack, WAIT, type ServedSlack } from './served-slack.ts';

const NOT_READABLE = 'usage is not readable for this scope; asking again rarely';

describe('Slack: usage where there is none to show, served in process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  /** `/pins usage` answered; then `list`, so that a chart sent after the answer would have been sent by its end. */
  async function askUsage(world: ServedSlack): Promise<string> {
    const said = await world.answer(await world.command('usage 7d'));
    await world.answer(await world.command('list'));
    return said;
  }
  const uploadCalls = (world: ServedSlack) => world.slack.calls.filter((call) => call.method.startsWith('files.') || call.method === 'conversations.open');

  it('says in one sentence that a namespace without the metrics plan has no usage, sends no chart, and logs it once however often it samples', async () => {
    const sim = await startAcmeEndpoints(60, { metricsPlan: false });
    cleanups.push(() => sim.close());
    const logger = captureLogger();
    const world = await serveSlack({
      configYaml: `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n    slack_channels: [${CHANNEL}]\n`,
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

    const said = await askUsage(world);
    expect(said).toContain('"response_type":"ephemeral"');
    expect(said).toContain('The Inference Endpoints metrics of acme are not readable with this token (HTTP 403): '
      + 'the metrics API is in beta and needs a Team or Enterprise plan, so pinbot keeps no usage for this scope.');
    expect(uploadCalls(world)).toEqual([]);
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]).toMatchObject({ level: 'warn', fields: { scope: 'inference' } });
    expect(logger.lines.filter((line) => line.message.startsWith('usage sample'))).toEqual([]);
    expect(metricsReads().map((r) => r.status)).toEqual([403]);
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
  });

  it('says in one sentence that a pinned-models scope has no usage source, and sends no chart', async () => {
    const classic = await startSimulator({ accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => classic.close());
    const world = await serveSlack({
      configYaml: `scopes:\n  - name: research\n    token_env: HF_TOKEN_RESEARCH\n    slack_channels: [${CHANNEL}]\n`,
      env: { HF_TOKEN_RESEARCH: TOKEN, HF_API_URL: classic.url, HF_HUB_URL: 'off' },
    }, cleanups);

    const said = await askUsage(world);
    expect(said).toContain('"response_type":"ephemeral"');
    expect(said).toContain('The classic Inference API has no documented route for usage, so pinbot has no requests or cost to show for pinned models.');
    expect(uploadCalls(world)).toEqual([]);
  });
});
