import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ALICE, mrkdwnOf, blocksOf, UNBOUND_CHANNEL, useSlackHarness } from './slack-harness.ts';

describe('Slack /pins commands that answer only the asker', () => {
  const start = useSlackHarness();

  it('acks at once with an empty body and lists the pins ephemerally through response_url', async () => {
    const h = await start({ allowed: 3, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }] });

    const answer = await h.command('  list  ');

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    const reply = await h.response(answer.responseUrl);
    expect(reply.body.response_type).toBe('ephemeral');
    const shown = mrkdwnOf(blocksOf(reply));
    expect(shown).toContain('2 of 3 slots used');
    expect(shown).toContain('• `gpt2` — cpu');
    expect(shown).toContain('• `bigscience/bloom` — gpu');
    expect(String(reply.body.text)).toContain('`gpt2`');
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('answers help, status, pending and history to the asker only', async () => {
    const h = await start();
    for (const text of ['help', 'status', 'pending', 'history', '']) {
      const answer = await h.command(text);
      const reply = await h.response(answer.responseUrl);
      expect(reply.body.response_type, text).toBe('ephemeral');
      expect(mrkdwnOf(blocksOf(reply)).length, text).toBeGreaterThan(0);
    }
    const help = await h.response((await h.command('help')).responseUrl);
    expect(mrkdwnOf(blocksOf(help))).toContain('`/pins add');
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('tells the asker that a channel bound to no scope is not managed, and reads nothing', async () => {
    const h = await start();

    const reply = await h.response((await h.command('list', { channelId: UNBOUND_CHANNEL })).responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(reply))).toContain(`not bound to a pinbot scope`);
    expect(mrkdwnOf(blocksOf(reply))).toContain(UNBOUND_CHANNEL);
    expect(h.pinbot.clientRequests()).toHaveLength(0);
  });

  it('answers an unknown word with the nearest command, ephemerally', async () => {
    const h = await start();

    const reply = await h.response((await h.command('lsit', { user: ALICE })).responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(reply))).toContain('list');
    expect(mrkdwnOf(blocksOf(reply))).toContain('`/pins help`');
    expect(h.pinbot.clientRequests()).toHaveLength(0);
  });

  it('still answers while another request stalls before its ack (acks go first, but not forever)', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    // A request whose body never finishes: Bolt can never ack it.
    const stalled = connect(h.slack.port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', resolve));
    stalled.write('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\ncommand=%2Fpins');
    try {
      const answer = await h.command('list');
      expect(answer.status).toBe(200);
      const reply = await h.response(answer.responseUrl);
      expect(mrkdwnOf(blocksOf(reply))).toContain('`gpt2`');
    } finally {
      stalled.destroy();
    }
  });
});
