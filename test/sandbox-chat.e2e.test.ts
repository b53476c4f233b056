import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { decodeAction, encodeAction } from '../src/core/domain/actions.ts';
import { silentLogger } from '../src/core/ports.ts';
import { createPrometheusMetrics } from '../src/metrics.ts';
import { buildPinbot } from '../src/pinbot.ts';
import { serve } from '../src/serve.ts';
import { body, DISCORD_TOKEN } from './adapters/discord/use-discord.ts';
import { buttonClick, customIds, slashCommand } from './helpers/discord-interactions.ts';
import { APPLICATION_ID, startDiscordPeer, type DiscordPeer, type PeerMessage } from './helpers/discord-peer.ts';
import { startSlackApiServer, type SlackApiServer } from './helpers/slack-api-server.ts';
import { ALICE, approveValue, BOT_TOKEN, CHANNEL, SIGNING_SECRET, threadReplies } from './helpers/slack-process.ts';
import { actionBody, buttonPayload, commandBody, postSigned } from './helpers/slack-requests.ts';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { testTempDir } from './helpers/temp-dir.ts';
import { waitFor } from './helpers/wait-for.ts';

const WAIT = 15_000;
const MARKER = 'SANDBOX — simulated Hugging Face account';

describe('a chat platform with no Hugging Face token', () => {
  const running: RunningPinbot[] = [];
  afterEach(async () => {
    for (const pinbot of running.splice(0)) {
      if (pinbot.process.exitCode === null) pinbot.process.kill('SIGKILL');
      await pinbot.exited();
    }
  });

  const slack = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/', PORT: '0' };
  const discord = { DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: 'http://127.0.0.1:9/api' };

  it.each([
    ['Slack, HF_TOKEN not set', slack, {}, 'HF_TOKEN is not set, so Slack would'],
    ['Slack, HF_TOKEN empty (`docker run -e HF_TOKEN` with the host variable unset)', slack, { HF_TOKEN: '' }, 'HF_TOKEN is empty, so Slack would'],
    ['Discord, HF_TOKEN blank', discord, { HF_TOKEN: '  ' }, 'HF_TOKEN is empty, so Discord would'],
  ])('%s: is a configuration error in one sentence, exit 1, and serves nothing', async (_case, platform, token, start) => {
    const pinbot = spawnPinbot([], { ...platform, ...token });
    running.push(pinbot);

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toBe(`pinbot can't start: the configuration has 1 problem:\n  - ${start} be served a simulated Hugging Face account: `
      + 'set HF_TOKEN to the token of the account to manage, or PINBOT_SANDBOX=on to serve the sandbox on purpose\n');
    expect(pinbot.stdout()).not.toContain('pinbot ready');
    expect(pinbot.stdout()).not.toContain('scope token works');
  });
});

describe('PINBOT_SANDBOX=on: the sandbox served to Slack and Discord, in process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start(): Promise<{ slack: SlackApiServer; peer: DiscordPeer; events: string }> {
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const peer = await startDiscordPeer();
    cleanups.push(() => peer.close());
    const env = {
      PINBOT_SANDBOX: 'on', HF_HUB_URL: 'off', PORT: '0', DATABASE_URL: join(testTempDir('pinbot-sandbox-chat-'), 'pinbot.sqlite'),
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
      DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: peer.apiUrl,
    };
    const config = loadConfig(env);
    const pinbot = await buildPinbot(config, { env, logger: silentLogger });
    expect(pinbot.sandbox).toBe(true);
    const server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), { loadPollMs: 50 });
    cleanups.push(() => server.shutdown());
    await waitFor(() => peer.identifiedSessions() > 0, WAIT, 'the bot to connect');
    return { slack, peer, events: `http://127.0.0.1:${server.port}/slack/events` };
  }

  it('says SANDBOX first in every Slack reply, card, card edit and notice', async () => {
    const { slack, events } = await start();
    const list = slack.responseUrl('commands');
    await postSigned(events, SIGNING_SECRET, commandBody({ text: 'list', user: ALICE, channelId: CHANNEL, responseUrl: list }));
    const refused = slack.responseUrl('commands');
    await postSigned(events, SIGNING_SECRET, commandBody({ text: 'remove t5-small', user: ALICE, channelId: CHANNEL, responseUrl: refused }));
    await postSigned(events, SIGNING_SECRET, commandBody({ text: 'add bigscience/bloom gpu', user: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl('commands') }));
    await waitFor(() => slack.responsesTo(list).length === 1 && slack.responsesTo(refused).length === 1, WAIT, 'the answers');
    await waitFor(() => slack.callsTo('chat.postMessage').some((call) => approveValue(call) !== undefined), WAIT, 'the card');
    const card = slack.callsTo('chat.postMessage').find((call) => approveValue(call) !== undefined);
    const ts = String(card?.result['ts']);
    const proposalId = card ? approveValue(card) ?? '' : '';
    await postSigned(events, SIGNING_SECRET, actionBody(buttonPayload({
      actionId: 'pinbot_approve', value: proposalId, user: ALICE, channelId: CHANNEL, messageTs: ts, responseUrl: slack.responseUrl('actions'),
    })));
    // The outcome, then the load follow-up, in the card's thread.
    await waitFor(() => threadReplies(slack, ts).length >= 2, WAIT, 'the outcome and the load follow-up');

    const sent = [
      ...slack.responses.map((response) => ({ what: `response_url ${response.path}`, text: String(response.body['text']), blocks: JSON.stringify(response.body['blocks']) })),
      ...[...slack.callsTo('chat.postMessage'), ...slack.callsTo('chat.update')]
        .map((call) => ({ what: call.method, text: call.params['text'] ?? '', blocks: call.params['blocks'] ?? '' })),
    ];
    expect(sent.length).toBeGreaterThanOrEqual(6);
    for (const message of sent) {
      // Notification text is mrkdwn like the blocks; a card's is plain.
      expect(message.text, message.what).toMatch(/^\*?SANDBOX\*? — simulated Hugging Face account/);
      expect(JSON.parse(message.blocks)[0].text.text, message.what).toMatch(/^\*SANDBOX\* — simulated Hugging Face account/);
    }
    expect(slack.callsTo('chat.update').map((call) => call.params['text'])).toEqual([expect.stringContaining(`${MARKER} · ✅ Applied`)]);
  }, 30_000);

  it('says SANDBOX in every Discord answer, card, confirmation, card edit and notice', async () => {
    const { peer } = await start();
    const dispatch = (payload: Record<string, unknown>) => {
      peer.dispatch(payload);
      return String(payload['token']);
    };
    const answered = (token: string) => peer.requests.some((r) => r.path.includes(token) && r.method === 'PATCH');
    const cards = () => [...peer.messages.values()].filter((m) => customIds(m).some((id) => decodeAction(id)?.kind === 'approve'));
    const list = dispatch(slashCommand('list'));
    const refused = dispatch(slashCommand('remove', { models: 't5-small' }));
    dispatch(slashCommand('add', { models: 'bigscience/bloom:gpu' }));
    await waitFor(() => answered(list) && answered(refused) && cards().length === 1, WAIT, 'the answers and the card');
    const card = cards()[0] as PeerMessage;
    const approveId = customIds(card).find((id) => decodeAction(id)?.kind === 'approve') ?? '';
    peer.dispatch(buttonClick(card, approveId));
    const confirmId = encodeAction('confirm', decodeAction(approveId)?.proposalId ?? '');
    const confirmation = () => [...peer.messages.values()].find((m) => customIds(m).includes(confirmId));
    await waitFor(() => confirmation() !== undefined, WAIT, 'the confirmation step');
    peer.dispatch(buttonClick(confirmation() as PeerMessage, confirmId));
    await waitFor(() => [...peer.messages.values()].some((m) => m.content.includes('is loaded')), WAIT, 'the load follow-up');

    const sent = peer.requests.flatMap((request) => {
      const b = body(request);
      const message = request.path.endsWith('/callback') ? ((b['data'] ?? {}) as Record<string, unknown>) : b;
      return request.method !== 'GET' && ('content' in message || 'embeds' in message) ? [{ what: `${request.method} ${request.path}`, message }] : [];
    });
    expect(sent.length).toBeGreaterThanOrEqual(8);
    for (const { what, message } of sent) {
      const embeds = (message['embeds'] ?? []) as { title?: string }[];
      const content = String(message['content'] ?? '');
      const marked = content.startsWith(`**SANDBOX** — simulated Hugging Face account`) || (embeds[0]?.title ?? '').startsWith(MARKER);
      expect(marked, `${what}: ${JSON.stringify(message).slice(0, 300)}`).toBe(true);
    }
  }, 30_000);
});
