import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../src/config.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import type { EndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { createPrometheusMetrics } from '../../../src/metrics.ts';
import { buildPinbot } from '../../../src/pinbot.ts';
import { serve, type Server } from '../../../src/serve.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { startSlackApiServer, type SlackApiCall, type SlackApiServer } from '../../helpers/slack-api-server.ts';
import { ALICE, approveValue, BOT_TOKEN, CHANNEL, cardUpdates, SIGNING_SECRET, threadReplies } from '../../helpers/slack-process.ts';
import { actionBody, buttonPayload, commandBody, postSigned } from '../../helpers/slack-requests.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';
import { readPng } from '../../helpers/png.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const ALERTS = 'C0ALERTS01';
const WAIT = 10_000;

describe('Slack on an Inference Endpoints scope, served in process against the Endpoints simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start() {
    const sim: EndpointsSimulator = await startAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const slack: SlackApiServer = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const dir = testTempDir('pinbot-endpoints-slack-');
    const configFile = join(dir, 'pinbot.yml');
    writeFileSync(configFile, `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n    slack_channels: [${CHANNEL}, ${ALERTS}]\n    notify: { slack: ${ALERTS} }\n`);
    const env = {
      HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, PORT: '0', DATABASE_URL: join(dir, 'pinbot.sqlite'), PINBOT_CONFIG: configFile,
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    };
    // The drift interval's floor in the environment is 10 s; the test checks every 60 ms.
    const config: Config = { ...loadConfig(env), driftIntervalMs: 60 };
    const pinbot = await buildPinbot(config, { env, logger: silentLogger });
    const server: Server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), { loadPollMs: 20 });
    cleanups.push(() => server.shutdown());
    return { sim, slack, events: `http://127.0.0.1:${server.port}/slack/events` };
  }

  it('lists, refuses over max_warm, applies with load progress, refuses a stale approval, reports a partial write and restores, reverts, alerts on drift', async () => {
    const { sim, slack, events } = await start();
    const puts = () => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT').map((r) => r.path.split('/').at(-1));
    const cards = () => slack.callsTo('chat.postMessage').filter((call) => approveValue(call) !== undefined);
    const command = async (text: string) => {
      const responseUrl = slack.responseUrl('commands');
      await postSigned(events, SIGNING_SECRET, commandBody({ text, user: ALICE, channelId: CHANNEL, responseUrl }));
      return responseUrl;
    };
    const answer = async (responseUrl: string) => {
      await waitFor(() => slack.responsesTo(responseUrl).length > 0, WAIT, 'an answer');
      return JSON.stringify(slack.responsesTo(responseUrl)[0]?.body);
    };
    const click = (call: SlackApiCall, actionId: string, value: string) => postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
      actionId, value, user: ALICE, channelId: call.params['channel'] ?? CHANNEL, messageTs: String(call.result['ts']), responseUrl: slack.responseUrl('actions'),
    })));
    const proposeCard = async (text: string) => {
      const before = cards().length;
      await command(text);
      await waitFor(() => cards().length === before + 1, WAIT, `the card for ${text}`);
      return cards()[before] as SlackApiCall;
    };
    const approveAndSettle = async (card: SlackApiCall, title: string) => {
      const ts = String(card.result['ts']);
      await click(card, 'pinbot_approve', approveValue(card) ?? '');
      await waitFor(() => cardUpdates(slack, ts).some((u) => (u.params['blocks'] ?? '').includes(title)), WAIT, title);
      return cardUpdates(slack, ts).find((u) => (u.params['blocks'] ?? '').includes(title)) as SlackApiCall;
    };

    const list = await answer(await command('list'));
    expect(list).toContain('1 of 2 warm (max_warm)');
    expect(list).toContain('embedder');

    const over = await answer(await command('add embedder sentiment'));
    expect(over).toContain("Can't keep 3 endpoints warm: this scope's max_warm is 2. Nothing was proposed.");
    expect(puts()).toEqual([]);

    // The endpoints' own words: a compute type is refused, not dropped; usage and "nothing to change" speak of endpoints.
    const withCompute = await answer(await command('add embedder gpu'));
    expect(withCompute).toContain("Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed.");
    const usage = await answer(await command('set'));
    // Slack's text escapes `<` and `>`.
    expect(usage).toContain('Usage: set &lt;endpoint&gt; … [replicas=N]');
    expect(usage).not.toContain(':gpu');
    const same = await answer(await command('add llama-chat'));
    expect(same).toContain('Nothing to change: the warm endpoints already look like that.');
    expect(same).not.toContain('pinned list');
    expect(cards()).toEqual([]);
    expect(puts()).toEqual([]);

    // Add, approve, and the endpoint's start is followed in the card's thread.
    const addCard = await proposeCard('add embedder');
    expect(addCard.params['blocks']).toContain('Proposed change to the warm Inference Endpoints');
    expect(addCard.params['blocks']).toContain('1 → 2 of 2 (max_warm)');
    const applied = await approveAndSettle(addCard, 'Applied');
    expect(applied.params['blocks']).toContain('Updated 1 endpoint: embedder (min 0 → 1).');
    const changeId = /undo with `\/pins revert (\w+)`/.exec(applied.params['blocks'] ?? '')?.[1] ?? /revert (\w+)/.exec(applied.params['blocks'] ?? '')?.[1];
    expect(puts()).toEqual(['embedder']);
    const addTs = String(addCard.result['ts']);
    await waitFor(() => threadReplies(slack, addTs).some((c) => (c.params['text'] ?? '').includes('is loaded')), WAIT, 'the load reply');
    expect(threadReplies(slack, addTs).map((c) => c.params['text'])).toContainEqual(expect.stringMatching(/^✅ `embedder` is loaded on gpu nvidia-a10g x1, \d+ s after the change was applied\.$/));

    // Stale: an outside change to an endpoint the proposal touches; nothing is written.
    const removeCard = await proposeCard('remove embedder');
    sim.setScaling(TOKEN, 'embedder', { maxReplica: 2 });
    const stale = await approveAndSettle(removeCard, 'an endpoint changed after this was proposed');
    expect(stale.params['blocks']).toContain('min 1, max 1, no scale-to-zero timeout → min 1, max 2, no scale-to-zero timeout');
    expect(puts()).toEqual(['embedder']);

    // A PUT that fails midway: the exact report, and a Restore button that leads back through approval.
    const setCard = await proposeCard('set sentiment llama-chat');
    sim.failPutOf('sentiment', 403);
    const partial = await approveAndSettle(setCard, 'Partly applied');
    // embedder really went cold and sentiment was not warmed: 1 warm now, not the 2 proposed.
    expect(partial.params['blocks']).toContain('2 → 1 of 2 (max_warm)');
    expect(partial.params['blocks']).toContain('Changed: `embedder` warm (1 replica) → cold.');
    expect(partial.params['blocks']).toContain('Not changed: `sentiment` still cold (was to go warm, 1 replica).');
    expect(partial.params['blocks']).not.toContain('Not applied');
    const setTs = String(setCard.result['ts']);
    await waitFor(() => threadReplies(slack, setTs).length > 0, WAIT, 'the partial write\'s thread reply');
    const reply = threadReplies(slack, setTs).map((c) => c.params['text'] ?? '').join('\n');
    expect(reply).toContain('The change was partly applied');
    expect(reply).toContain('changed `embedder` warm (1 replica) → cold; not changed `sentiment` still cold (was to go warm, 1 replica).');
    expect(reply).not.toContain('not applied');
    const blocks = JSON.parse(partial.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string }[] }[];
    const restoreId = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'pinbot_restore')?.value ?? '';
    expect(restoreId).not.toBe('');
    const before = cards().length;
    await click(partial, 'pinbot_restore', restoreId);
    await waitFor(() => cards().length === before + 1, WAIT, 'the restore card');
    const restoreCard = cards()[before] as SlackApiCall;
    expect(restoreCard.params['blocks']).toContain('+ `embedder (1 replica)`');
    await approveAndSettle(restoreCard, 'Applied');
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });

    // Revert the first change.
    const revertCard = await proposeCard(`revert ${changeId ?? ''}`);
    expect(revertCard.params['blocks']).toContain('− `embedder (1 replica)`');
    await approveAndSettle(revertCard, 'Applied');
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });

    // Drift: llama-chat goes cold outside pinbot; the alert's Restore leads back through approval.
    sim.setScaling(TOKEN, 'llama-chat', { minReplica: 0 });
    const alerts = () => slack.callsTo('chat.postMessage').filter((call) => (call.params['text'] ?? '').includes('changed outside pinbot'));
    await waitFor(() => alerts().some((a) => a.params['channel'] === ALERTS), WAIT, 'the drift alert');
    const alert = alerts().find((a) => a.params['channel'] === ALERTS) as SlackApiCall;
    expect(alert.params['text']).toContain('− `llama-chat (1 replica)`');
    const alertBlocks = JSON.parse(alert.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string }[] }[];
    const driftRestore = alertBlocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'pinbot_restore')?.value ?? '';
    const beforeDrift = cards().length;
    await click(alert, 'pinbot_restore', driftRestore);
    await waitFor(() => cards().length === beforeDrift + 1, WAIT, 'the drift restore card');
    await approveAndSettle(cards()[beforeDrift] as SlackApiCall, 'Applied');
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });
  });
  it('answers /pins usage privately and sends its chart as a real PNG to the asker', async () => {
    const { slack, events } = await start();
    const responseUrl = slack.responseUrl('commands');
    await postSigned(events, SIGNING_SECRET, commandBody({ text: 'usage 7d', user: ALICE, channelId: CHANNEL, responseUrl }));
    await waitFor(() => slack.responsesTo(responseUrl).length > 0, WAIT, 'the usage answer');
    const answer = JSON.stringify(slack.responsesTo(responseUrl)[0]?.body);
    expect(answer).toContain('ephemeral');
    expect(answer).toContain('llama-chat');
    await waitFor(() => slack.uploads.some((upload) => upload.completed !== undefined), WAIT, 'the chart upload');
    const [upload] = slack.uploads;
    const png = readPng(upload?.bytes ?? Buffer.alloc(0));
    expect(png.width).toBeGreaterThanOrEqual(600);
    expect(png.height).toBeGreaterThanOrEqual(300);
    expect(upload?.filename).toBe('usage-inference-7d.png');
  });
});
