import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../src/config.ts';
import { IdleAlerts } from '../../../src/core/follow-ups/idle-alerts.ts';
import { UsageSampler } from '../../../src/core/follow-ups/usage-sampler.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import { createPrometheusMetrics } from '../../../src/metrics.ts';
import { buildPinbot } from '../../../src/pinbot.ts';
import { serve } from '../../../src/serve.ts';
import { MemoryOnceLedger } from '../../../src/store/memory-once-ledger.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { manualClock } from '../../helpers/pinbot-harness.ts';
import { startSlackApiServer, type SlackApiCall } from '../../helpers/slack-api-server.ts';
import { ALICE, approveValue, BOT_TOKEN, CHANNEL, cardUpdates, SIGNING_SECRET } from '../../helpers/slack-process.ts';
import { actionBody, buttonPayload, postSigned } from '../../helpers/slack-requests.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const ALERTS = 'C0ALERTS01';
const WAIT = 10_000;
const INTERVAL = 300_000;
const HOUR = 3_600_000;

describe('Slack: an idle alert and its Let it go cold button, served in process against the Endpoints simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  it('posts the alert in the scope\'s notify channel; the button posts a card removing the endpoint, and nothing is written before approval', async () => {
    const sim = await startAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const dir = testTempDir('pinbot-idle-slack-');
    const configFile = join(dir, 'pinbot.yml');
    writeFileSync(configFile, `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n    idle_after: 2h\n    slack_channels: [${CHANNEL}, ${ALERTS}]\n    notify: { slack: ${ALERTS} }\n`);
    const env = {
      HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, PORT: '0', DATABASE_URL: join(dir, 'pinbot.sqlite'), PINBOT_CONFIG: configFile,
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, PINBOT_USAGE_INTERVAL: 'off',
    };
    const config: Config = loadConfig(env);
    const pinbot = await buildPinbot(config, { env, logger: silentLogger });
    const server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), {});
    cleanups.push(() => server.shutdown());
    const events = `http://127.0.0.1:${server.port}/slack/events`;

    // Two hours and a bit of samples with no requests, on a clock of the test's own.
    const clock = manualClock();
    const backendFor = (scope: string) => pinbot.backendFor(scope);
    const sampler = new UsageSampler({
      scopes: ['inference'], backendFor, usage: pinbot.store.usage, once: new MemoryOnceLedger(), clock, logger: silentLogger, intervalMs: INTERVAL, retentionMs: 90 * 24 * HOUR,
    });
    for (let passed = 0; passed <= 2 * HOUR; passed += INTERVAL) {
      await sampler.sample('inference', 'llama-chat');
      clock.advance(INTERVAL);
    }
    const idle = new IdleAlerts({
      scopes: [{ name: 'inference', notify: [{ platform: 'slack', channelId: ALERTS }] }], backendFor, usage: pinbot.store.usage, audit: pinbot.store.audit,
      snapshots: pinbot.store.snapshots, once: pinbot.store.once, notifier: server.notifier, clock, logger: silentLogger, intervalMs: INTERVAL,
    });
    expect((await idle.checkAll()).map((finding) => finding.entry)).toEqual(['llama-chat']);

    const alerts = () => slack.callsTo('chat.postMessage').filter((call) => (call.params['text'] ?? '').includes('has had no requests'));
    await waitFor(() => alerts().length > 0, WAIT, 'the idle alert');
    const alert = alerts()[0] as SlackApiCall;
    expect(alert.params['channel']).toBe(ALERTS);
    expect(alert.params['text']).toContain('llama-chat');
    expect(alert.params['text']).toContain('has had no requests for 2 h 5 min');
    expect(alert.params['text']).toContain('Keeping it ready cost about $');
    const blocks = JSON.parse(alert.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string; text?: { text?: string } }[] }[];
    const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'pinbot_letgocold');
    expect(button?.text?.text).toBe('Let it go cold');

    const cards = () => slack.callsTo('chat.postMessage').filter((call) => approveValue(call) !== undefined);
    const click = (call: SlackApiCall, actionId: string, value: string) => postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
      actionId, value, user: ALICE, channelId: String(call.params['channel']), messageTs: String(call.result['ts']), responseUrl: slack.responseUrl('actions'),
    })));
    await click(alert, 'pinbot_letgocold', button?.value ?? '');
    await waitFor(() => cards().length === 1, WAIT, 'the proposal card');
    const card = cards()[0] as SlackApiCall;
    expect(card.params['channel']).toBe(ALERTS);
    expect(card.params['blocks']).toContain('− `llama-chat (1 replica)`');
    const writes = () => sim.requestLog.filter((request) => request.source === 'client' && request.method === 'PUT');
    expect(writes()).toEqual([]);
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });

    // Approved like any other card, it is written.
    const ts = String(card.result['ts']);
    await click(card, 'pinbot_approve', approveValue(card) ?? '');
    await waitFor(() => cardUpdates(slack, ts).some((update) => (update.params['blocks'] ?? '').includes('Applied')), WAIT, 'the applied card');
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
  });
});
