import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.ts';
import { silentLogger } from '../src/core/ports.ts';
import { startSimulator, type Simulator } from '../src/backends/classic/simulator.ts';
import { createPrometheusMetrics } from '../src/metrics.ts';
import { buildPinbot } from '../src/pinbot.ts';
import { serve, type Server } from '../src/serve.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { startSlackApiServer, type SlackApiCall, type SlackApiServer } from './helpers/slack-api-server.ts';
import { ALICE, approveValue, BOT_TOKEN, CHANNEL, SIGNING_SECRET, threadReplies } from './helpers/slack-process.ts';
import { actionBody, buttonPayload, commandBody, postSigned } from './helpers/slack-requests.ts';
import { waitFor } from './helpers/wait-for.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const ALERTS = 'C0ALERTS01';

describe('follow-ups from a served pinbot: model loads and drift alerts (Slack over HTTP, in process)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start() {
    const sim: Simulator = await startSimulator({ loadDelayMs: 80, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    const slack: SlackApiServer = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const dir = testTempDir('pinbot-follow-');
    const configFile = join(dir, 'pinbot.yml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(configFile, `scopes:\n  - name: default\n    token_env: HF_TOKEN\n    slack_channels: [${CHANNEL}, ${ALERTS}]\n    notify: { slack: ${ALERTS} }\n`);
    const env = {
      HF_TOKEN: TOKEN, HF_API_URL: sim.url, HF_HUB_URL: 'off', PORT: '0', DATABASE_URL: join(dir, 'pinbot.sqlite'), PINBOT_CONFIG: configFile,
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    };
    // The drift interval's floor in the environment is 10 s; the test checks every 60 ms.
    const config: Config = { ...loadConfig(env), driftIntervalMs: 60 };
    let server: Server | undefined;
    const up = async () => {
      const pinbot = await buildPinbot(config, { env, logger: silentLogger });
      server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), { loadPollMs: 20 });
      return `http://127.0.0.1:${server.port}/slack/events`;
    };
    const down = async () => {
      await server?.shutdown();
      server = undefined;
    };
    cleanups.push(down);
    const events = await up();
    return { sim, slack, events, restart: async () => { await down(); return up(); } };
  }

  const cards = (slack: SlackApiServer) => slack.callsTo('chat.postMessage').filter((call) => approveValue(call) !== undefined);

  async function click(slack: SlackApiServer, events: string, call: SlackApiCall, actionId: string, value: string) {
    await postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
      actionId, value, user: ALICE, channelId: call.params['channel'] ?? CHANNEL, messageTs: String(call.result['ts']), responseUrl: slack.responseUrl('actions'),
    })));
  }

  it('posts one "loaded" reply per new model in the card’s thread, a drift alert whose Restore leads back to the old list, and repeats nothing after a restart', async () => {
    const { sim, slack, events, restart } = await start();

    // A change through pinbot, approved: each new model gets one reply under its card.
    await postSigned(events, SIGNING_SECRET, commandBody({ text: 'add bigscience/bloom:gpu bert-base-uncased', user: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl('commands') }));
    await waitFor(() => cards(slack).length === 1, 10_000, 'the card');
    const card = cards(slack)[0] as SlackApiCall;
    const cardTs = String(card.result['ts']);
    await click(slack, events, card, 'pinbot_approve', approveValue(card) ?? '');
    const loaded = () => threadReplies(slack, cardTs).filter((call) => (call.params['text'] ?? '').includes('is loaded'));
    await waitFor(() => loaded().length === 2, 10_000, 'two loaded replies');
    expect(loaded().map((call) => call.params['text']).sort()).toEqual([
      expect.stringMatching(/^✅ `bert-base-uncased` is loaded on cpu, \d+ s after the change was applied\.$/),
      expect.stringMatching(/^✅ `bigscience\/bloom` is loaded on gpu \(a10g\), \d+ s after the change was applied\.$/),
    ]);

    // The scope's notification channel gets a copy of each, outside any thread.
    const copies = () => slack.callsTo('chat.postMessage').filter((c) => c.params['channel'] === ALERTS && (c.params['text'] ?? '').includes('is loaded'));
    await waitFor(() => copies().length === 2, 10_000, 'copies in the notification channel');
    expect(copies().every((c) => c.params['thread_ts'] === undefined)).toBe(true);

    // An outside change: the alert goes to the notify channel and to the channel of the last change.
    sim.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'intruder/model', compute_type: 'gpu' }]);
    const alerts = () => slack.callsTo('chat.postMessage').filter((call) => (call.params['text'] ?? '').includes('changed outside pinbot'));
    await waitFor(() => alerts().length === 2, 10_000, 'drift alerts');
    expect(alerts().map((call) => call.params['channel']).sort()).toEqual([ALERTS, CHANNEL].sort());
    const alert = alerts().find((call) => call.params['channel'] === ALERTS) as SlackApiCall;
    expect(alert.params['text']).toContain('− `bigscience/bloom (gpu)`');
    expect(alert.params['text']).toContain('− `bert-base-uncased (cpu)`');
    expect(alert.params['text']).toContain('+ `intruder/model (gpu)`');
    const blocks = JSON.parse(alert.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string }[] }[];
    const restoreId = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'pinbot_restore')?.value ?? '';
    expect(restoreId).not.toBe('');

    // Restore opens a normal proposal; nothing is written until it is approved.
    const writesBefore = sim.requestLog.filter((e) => e.method === 'POST').length;
    await click(slack, events, alert, 'pinbot_restore', restoreId);
    await waitFor(() => cards(slack).length === 2, 10_000, 'the restore card');
    expect(sim.requestLog.filter((e) => e.method === 'POST')).toHaveLength(writesBefore);
    const restoreCard = cards(slack)[1] as SlackApiCall;
    expect(restoreCard.params['channel']).toBe(ALERTS);
    await click(slack, events, restoreCard, 'pinbot_approve', approveValue(restoreCard) ?? '');
    await waitFor(() => sim.pins(TOKEN).length === 3, 10_000, 'the restored list');
    expect(sim.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'bigscience/bloom', 'bert-base-uncased']);

    // After a restart nothing already said is said again, and pinbot's own restore is no drift.
    await waitFor(() => threadReplies(slack, String(restoreCard.result['ts'])).filter((c) => (c.params['text'] ?? '').includes('is loaded')).length === 2, 10_000, 'restore loads');
    const postsBefore = slack.callsTo('chat.postMessage').length;
    const checksBefore = sim.requestLog.filter((e) => e.method === 'GET' && e.path === '/usage/pinned_models').length;
    await restart();
    await waitFor(() => sim.requestLog.filter((e) => e.method === 'GET' && e.path === '/usage/pinned_models').length >= checksBefore + 3, 10_000, 'drift checks after the restart');
    expect(slack.callsTo('chat.postMessage')).toHaveLength(postsBefore);
  });
});
