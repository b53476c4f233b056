import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { startSlack } from '../../../src/adapters/slack/app.ts';
import { usePinbotHarness } from '../../helpers/pinbot-harness.ts';
import { startSlackApiServer } from '../../helpers/slack-api-server.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { ALICE, BOT_TOKEN, blocksOf, BOUND_CHANNEL, buttonsOf, mrkdwnOf, scopeFor } from './slack-harness.ts';
import { buttonPayload, fixture } from '../../helpers/slack-requests.ts';

const APP_TOKEN = 'xapp-1-A0PINBOT-1000000003-PinbotSocketModeAppToken';

/** A local stand-in for Slack's Socket Mode endpoint: says hello, sends envelopes, collects acks. */
async function startSocketModePeer() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const sockets: WebSocket[] = [];
  const received: Record<string, unknown>[] = [];
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'pinbot-test', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0PINBOT' } }));
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=test`,
    received,
    connected: () => sockets.length > 0,
    send: (envelope: unknown) => {
      for (const socket of sockets) socket.send(JSON.stringify(envelope));
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.terminate();
      server.close(() => resolve());
    }),
  };
}

describe('Slack in Socket Mode', () => {
  const startPinbot = usePinbotHarness();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  it('connects through apps.connections.open, acks envelopes, answers commands and applies an approved card', async () => {
    const pinbot = await startPinbot({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    const slackApi = await startSlackApiServer();
    closers.push(() => slackApi.close());
    const peer = await startSocketModePeer();
    closers.push(() => peer.close());
    slackApi.setSocketModeUrl(peer.url);

    const slack = await startSlack({
      service: pinbot.service,
      scopeFor,
      config: { botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: slackApi.apiUrl },
      port: 0,
      host: '127.0.0.1',
      logger: pinbot.logger,
    });
    closers.push(() => slack.stop());

    expect(peer.connected()).toBe(true);
    expect(slackApi.callsTo('apps.connections.open').map((call) => call.authorization)).toEqual([`Bearer ${APP_TOKEN}`]);
    const health = await fetch(`http://127.0.0.1:${slack.port}/healthz`);
    expect(health.status).toBe(200);
    await health.body?.cancel();

    // A slash command, in the recorded envelope.
    const recorded = JSON.parse(fixture('socket-mode.slash_commands.envelope.docs.json')) as { payload: Record<string, unknown>; envelope_id: string };
    const listUrl = slackApi.responseUrl('commands');
    peer.send({
      ...recorded,
      payload: { ...recorded.payload, command: '/pins', text: 'list', channel_id: BOUND_CHANNEL, user_id: ALICE.id, user_name: ALICE.username, response_url: listUrl },
    });
    await waitFor(() => peer.received.some((message) => message.envelope_id === recorded.envelope_id), 5000, 'the envelope ack');
    await waitFor(() => slackApi.responsesTo(listUrl).length === 1, 5000, 'the list answer');
    const list = slackApi.responsesTo(listUrl)[0]!;
    expect(list.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(list))).toContain('`gpt2`');

    // A change: the card goes to the channel; a click on it arrives as an `interactive` envelope.
    peer.send({
      ...recorded,
      envelope_id: 'env-add',
      payload: { ...recorded.payload, command: '/pins', text: 'add bigscience/bloom gpu', channel_id: BOUND_CHANNEL, user_id: ALICE.id, user_name: ALICE.username, response_url: slackApi.responseUrl('commands') },
    });
    await waitFor(() => slackApi.callsTo('chat.postMessage').length === 1, 5000, 'the card');
    const card = slackApi.callsTo('chat.postMessage')[0]!;
    const proposalId = buttonsOf(blocksOf(card))[0]?.value ?? '';
    peer.send({
      envelope_id: 'env-click',
      type: 'interactive',
      accepts_response_payload: false,
      payload: buttonPayload({
        actionId: 'pinbot_approve', value: proposalId, user: ALICE, channelId: BOUND_CHANNEL, messageTs: String(card.result.ts), responseUrl: slackApi.responseUrl('actions'),
      }),
    });
    await waitFor(() => slackApi.callsTo('chat.update').length === 1, 5000, 'the card update');
    expect(peer.received.map((message) => message.envelope_id)).toEqual(expect.arrayContaining([recorded.envelope_id, 'env-add', 'env-click']));
    expect(pinbot.writes()).toHaveLength(1);
    expect(mrkdwnOf(blocksOf(slackApi.callsTo('chat.update')[0]!))).toContain(`Approved by <@${ALICE.id}>`);
    expect(JSON.stringify(pinbot.logLines)).not.toContain(APP_TOKEN);
  });
});
