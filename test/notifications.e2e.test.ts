import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { Notifier, settledNotice, type Notification } from '../src/core/notifications.ts';
import { silentLogger } from '../src/core/ports.ts';
import { text } from '../src/core/ui.ts';
import { startSimulator } from '../src/hf/simulator.ts';
import { createPrometheusMetrics } from '../src/metrics.ts';
import { buildPinbot } from '../src/pinbot.ts';
import { serve } from '../src/serve.ts';
import { openStore } from '../src/store/open-store.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { manualClock } from './helpers/pinbot-harness.ts';
import { startSlackApiServer } from './helpers/slack-api-server.ts';
import { BOT_TOKEN, CHANNEL, SIGNING_SECRET, ALICE, approveValue, cardUpdates, threadReplies } from './helpers/slack-process.ts';
import { commandBody, postSigned } from './helpers/slack-requests.ts';
import { waitFor } from './helpers/wait-for.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './store/postgres-test-db.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('notifications from a served pinbot (Slack over HTTP, in process)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start() {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const env = {
      HF_TOKEN: TOKEN, HF_API_URL: sim.url, HF_HUB_URL: 'off', PORT: '0', DATABASE_URL: join(testTempDir('pinbot-notify-'), 'pinbot.sqlite'),
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    };
    const config = loadConfig(env);
    const clock = manualClock(Date.now());
    const pinbot = await buildPinbot(config, { env, logger: silentLogger, clock });
    // A short sweep and a hand-moved clock stand in for a day of waiting.
    const server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), { expirySweepMs: 20 });
    cleanups.push(() => server.shutdown());
    return { sim, slack, clock, pinbot, server, events: `http://127.0.0.1:${server.port}/slack/events` };
  }

  it('posts a notification in the card’s thread with its buttons, escaped, once per key', async () => {
    const { slack, server } = await start();
    const notice: Notification = {
      key: 'drift:alert1',
      scope: 'default',
      channel: { platform: 'slack', channelId: CHANNEL },
      replyTo: `${CHANNEL}:1700000001.000100`,
      message: { visibility: 'channel', lines: [[text('Changed outside pinbot by <!channel> & <@U0MALLORY4>')]] },
      actions: [{ kind: 'restore', proposalId: 'alert1', label: 'Restore the previous list', style: 'primary' }],
    };

    expect(await server.notifier.send(notice)).toBe(true);
    expect(await server.notifier.send(notice)).toBe(false);

    const posts = slack.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    const post = posts[0]?.params ?? {};
    expect(post['channel']).toBe(CHANNEL);
    expect(post['thread_ts']).toBe('1700000001.000100');
    expect(post['text']).toBe('Changed outside pinbot by &lt;!channel&gt; &amp; &lt;@U0MALLORY4&gt;');
    expect(post['blocks']).not.toContain('<!channel>');
    const blocks = JSON.parse(post['blocks'] ?? '[]') as { type: string; elements?: { action_id?: string; value?: string; text?: { text?: string } }[] }[];
    expect(blocks.at(-1)?.elements?.map((e) => [e.action_id, e.value, e.text?.text])).toEqual([['pinbot_restore', 'alert1', 'Restore the previous list']]);

    // A reference to a message elsewhere is no thread to reply in.
    expect(await server.notifier.send({ ...notice, key: 'drift:alert2', replyTo: '333333333333333333:900000000000000001', actions: [] })).toBe(true);
    expect(slack.callsTo('chat.postMessage')[1]?.params['thread_ts']).toBeUndefined();
  });

  it('expires a proposal past its TTL on the sweep: the card says so and its thread is told once', async () => {
    const { slack, clock, pinbot, server, events } = await start();
    await postSigned(events, SIGNING_SECRET, commandBody({ text: 'add bigscience/bloom gpu', user: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl('commands') }));
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1, 10_000, 'the card');
    const card = slack.callsTo('chat.postMessage')[0];
    const ts = String(card?.result['ts']);
    const proposalId = card ? approveValue(card) ?? '' : '';

    clock.advance(DAY_MS + 1);
    await waitFor(() => cardUpdates(slack, ts).length === 1 && threadReplies(slack, ts).length === 1, 10_000, 'the sweep to expire the card');

    expect(cardUpdates(slack, ts)[0]?.params['text']).toContain('Expired');
    expect(cardUpdates(slack, ts)[0]?.params['blocks']).not.toContain('pinbot_approve');
    expect(threadReplies(slack, ts)[0]?.params['text']).toBe('A proposal expired without approval. Nothing was written.');
    const expired = await pinbot.service.getProposal(proposalId);
    expect(expired.state).toBe('expired');
    // Whoever else would announce it (a click, another replica) finds it told.
    expect(await server.notifier.send(settledNotice(expired))).toBe(false);
    expect(threadReplies(slack, ts)).toHaveLength(1);
  });
});

describe.each([
  { kind: 'sqlite', url: () => join(testTempDir('pinbot-once-'), 'pinbot.sqlite'), drop: async () => undefined },
  { kind: 'postgres', url: () => urlWithSchema(schema), drop: () => dropSchema(schema) },
])('a settled: notice on the $kind store', ({ url, drop }) => {
  it('is delivered once by two replicas at once, and not again after a restart', async () => {
    const at = url();
    const delivered: Notification[] = [];
    const replica = async () => {
      const store = await openStore(at);
      const notifier = new Notifier(store.once, silentLogger);
      notifier.addChannel({ platform: 'slack', deliver: async (n) => { delivered.push(n); } });
      return { store, notifier };
    };
    const [a, b] = await Promise.all([replica(), replica()]);
    const notice: Notification = {
      key: 'settled:P1', scope: 'default', channel: { platform: 'slack', channelId: CHANNEL }, message: { visibility: 'channel', lines: [[text('done')]] },
    };
    try {
      const sent = await Promise.all([a.notifier.send(notice), b.notifier.send(notice), a.notifier.send(notice), b.notifier.send(notice)]);
      expect(sent.filter(Boolean)).toHaveLength(1);
      await a.store.close();
      const restarted = await replica();
      expect(await restarted.notifier.send(notice)).toBe(false);
      await restarted.store.close();
      expect(delivered).toHaveLength(1);
    } finally {
      await b.store.close();
      await drop();
    }
  });
});

const schema = freshSchemaName();
