import { describe, expect, it } from 'vitest';
import { Notifier, type Notification } from '../../src/core/follow-ups/notifications.ts';
import { silentLogger } from '../../src/core/ports.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';

const notice: Notification = {
  key: 'loaded:p1:gpt2',
  scope: 'research',
  channel: { platform: 'slack', channelId: 'C0PINS' },
  replyTo: 'C0PINS:1700000000.000100',
  message: { visibility: 'channel', lines: [[{ text: 'gpt2 is loaded' }]] },
};

describe('Notifier', () => {
  function setUp() {
    const slack = recordingChannel('slack');
    const discord = recordingChannel('discord');
    const notifier = new Notifier(new MemoryOnceLedger(), silentLogger, (scope) =>
      scope === 'research' ? [{ platform: 'slack', channelId: 'C0ALERTS' }, { platform: 'discord', channelId: '1100000000000000009' }] : []);
    notifier.addChannel(slack);
    notifier.addChannel(discord);
    return { slack, discord, notifier };
  }

  it('sends a notice once per key, in its thread, with an unthreaded copy in each of the scope’s notification channels', async () => {
    const { slack, discord, notifier } = setUp();

    expect(await notifier.send(notice)).toBe(true);
    expect(await notifier.send(notice)).toBe(false);

    expect(slack.delivered.map((n) => [n.channel.channelId, n.replyTo])).toEqual([['C0PINS', 'C0PINS:1700000000.000100'], ['C0ALERTS', undefined]]);
    expect(discord.delivered.map((n) => [n.channel.channelId, n.replyTo])).toEqual([['1100000000000000009', undefined]]);
  });

  it('sends no copy to the channel the notice already goes to, nor when the notice opts out', async () => {
    const { slack, discord, notifier } = setUp();
    await notifier.send({ ...notice, key: 'a', channel: { platform: 'slack', channelId: 'C0ALERTS' } });
    await notifier.send({ ...notice, key: 'b', copyToScopeChannels: false });
    expect(slack.delivered.map((n) => n.channel.channelId)).toEqual(['C0ALERTS', 'C0PINS']);
    expect(discord.delivered.map((n) => n.key)).toEqual(['a@discord:1100000000000000009']);
  });

  it('sends nothing for a platform that is not served', async () => {
    const notifier = new Notifier(new MemoryOnceLedger(), silentLogger);
    expect(await notifier.send(notice)).toBe(false);
  });
});
