import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { Notifier, settledNotice, type Notification } from '../src/core/follow-ups/notifications.ts';
import { silentLogger, type Clock } from '../src/core/ports.ts';
import { text } from '../src/core/domain/ui.ts';
import { startSimulator } from '../src/backends/classic/simulator.ts';
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
import { CHAT_STYLE } from './helpers/reply-style.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('notifications from a served pinbot (Slack over HTTP, in process)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start(serveClock?: Clock) {
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
    const server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), {
      expirySweepMs: 20, ...(serveClock ? { clock: serveClock } : {}),
    });
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
    expect(await server.notifier.send(settledNotice(expired, CHAT_STYLE))).toBe(false);
    expect(threadReplies(slack, ts)).toHaveLength(1);
  });

  it('forgets once-keys older than a week on the sweep, so the table does not grow with every interval forever', async () => {
    // The sweep's clock runs eight days ahead of the store's, so every key claimed now is a week old to it.
    const sweepClock = manualClock(Date.now() + 8 * DAY_MS);
    const { pinbot } = await start(sweepClock);
    expect(await pinbot.store.once.claim('drift-check:default:1')).toBe(true);
    expect(await pinbot.store.once.claim('drift-check:default:1')).toBe(false);
    // Pruning runs at most hourly: an hour on, the next sweep forgets the key, and it can be claimed again.
    sweepClock.advance(60 * 60 * 1000);
    await waitFor(() => pinbot.store.once.claim('drift-check:default:1'), 5000, 'the week-old key forgotten');
  });

  it('tells, on the sweep, a proposal another replica settled but died before announcing', async () => {
    const { slack, clock, pinbot } = await start();
    const ts = '1700000098.000100';
    const context = { scope: 'default', principal: { platform: 'slack' as const, userId: ALICE.id }, channel: { platform: 'slack' as const, channelId: CHANNEL } };
    const proposal = await pinbot.service.propose({ verb: 'add', pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }] }, context);
    await pinbot.service.attachMessage(proposal.id, `${CHANNEL}:${ts}`);
    // Settled the way a replica's click would, which then died before its card edit and notice.
    await pinbot.service.approve(proposal.id, context.principal);
    // Past the grace a live click gets to announce it itself.
    clock.advance(31_000);
    await waitFor(() => cardUpdates(slack, ts).length === 1 && threadReplies(slack, ts).length >= 1, 10_000, 'the sweep to tell it');

    expect(cardUpdates(slack, ts)[0]?.params['text']).toContain('Applied');
    expect(threadReplies(slack, ts).filter((r) => (r.params['text'] ?? '').includes('Pinned models updated'))).toHaveLength(1);
  });

  it('settles as stale, at once, a pending card made on the list another approval replaced: its Approve goes and its thread is told', async () => {
    const { slack, pinbot, events } = await start();
    const propose = async (text: string, count: number) => {
      await postSigned(events, SIGNING_SECRET, commandBody({ text, user: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl('commands') }));
      await waitFor(() => slack.callsTo('chat.postMessage').length === count, 10_000, `the card for ${text}`);
      const card = slack.callsTo('chat.postMessage')[count - 1];
      return { ts: String(card?.result['ts']), proposalId: card ? approveValue(card) ?? '' : '' };
    };
    const first = await propose('add bigscience/bloom gpu', 1);
    const second = await propose('add t5-small cpu', 2);

    await pinbot.service.approve(first.proposalId, { platform: 'slack', userId: ALICE.id });

    await waitFor(() => cardUpdates(slack, second.ts).length === 1 && threadReplies(slack, second.ts).length === 1, 10_000, 'the superseded card redrawn');
    expect(cardUpdates(slack, second.ts)[0]?.params['text']).toContain('Not applied: the pinned list changed');
    expect(cardUpdates(slack, second.ts)[0]?.params['blocks']).not.toContain('pinbot_approve');
    expect(cardUpdates(slack, second.ts)[0]?.params['blocks']).toContain('pinbot_repropose');
    expect(threadReplies(slack, second.ts)[0]?.params['text']).toContain('Nothing was written');
    const superseded = await pinbot.service.getProposal(second.proposalId);
    expect(superseded.outcome).toMatchObject({ kind: 'stale', supersededBy: first.proposalId });
  });
});

describe('start-up of a served pinbot after a process died right after a write', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  it('redraws the card, tells its thread once and follows the new model until it loads', async () => {
    const sim = await startSimulator({ loadDelayMs: 300, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const env = {
      HF_TOKEN: TOKEN, HF_API_URL: sim.url, PORT: '0', DATABASE_URL: join(testTempDir('pinbot-untold-'), 'pinbot.sqlite'),
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    };
    const config = loadConfig(env);
    const pinbot = await buildPinbot(config, { env, logger: silentLogger });
    // What a process killed between the write and everything after it leaves: an applied
    // proposal, its audit row, no card edit, no notice, no recorded load follow.
    const ts = '1700000099.000100';
    const context = { scope: 'default', principal: { platform: 'slack' as const, userId: ALICE.id }, channel: { platform: 'slack' as const, channelId: CHANNEL } };
    const proposal = await pinbot.service.propose({ verb: 'add', pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }] }, context);
    await pinbot.service.attachMessage(proposal.id, `${CHANNEL}:${ts}`);
    expect((await pinbot.service.approve(proposal.id, context.principal)).proposal.state).toBe('applied');

    const server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), { loadPollMs: 20 });
    cleanups.push(() => server.shutdown());

    await waitFor(() => threadReplies(slack, ts).some((r) => (r.params['text'] ?? '').includes('is loaded')), 10_000, 'the load follow-up');
    expect(cardUpdates(slack, ts).map((u) => u.params['text'])).toEqual([expect.stringContaining('Applied')]);
    const replies = threadReplies(slack, ts).map((r) => r.params['text'] ?? '');
    expect(replies.filter((text) => text.includes('Pinned models updated'))).toHaveLength(1);
    expect(replies.filter((text) => text.includes('is loaded'))).toHaveLength(1);
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
