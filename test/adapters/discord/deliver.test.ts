import { describe, expect, it } from 'vitest';
import { text, strong } from '../../../src/core/domain/ui.ts';
import { CHANNEL_ID } from '../../helpers/discord-peer.ts';
import { useDiscord } from './use-discord.ts';

describe('a notification delivered on Discord', () => {
  const start = useDiscord();

  it('replies to the card it follows up, with its buttons, escaped, pinging nobody', async () => {
    const world = await start();
    const cardId = '900000000000000123';
    await world.bot.deliver({
      key: 'drift:alert1',
      scope: 'default',
      channel: { platform: 'discord', channelId: CHANNEL_ID },
      replyTo: `${CHANNEL_ID}:${cardId}`,
      message: { visibility: 'channel', lines: [[strong('Drift'), text(' by @everyone: **gone** <@&1100000000000000042>')]] },
      actions: [{ kind: 'restore', proposalId: 'alert1', label: 'Restore the previous list', style: 'primary' }],
    });

    const post = world.peer.requests.find((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`);
    const body = post?.body as Record<string, unknown>;
    expect(body['message_reference']).toEqual({ message_id: cardId, fail_if_not_exists: false });
    expect(body['allowed_mentions']).toEqual({ parse: [] });
    expect(body['content']).toBe('**Drift** by @everyone: \\*\\*gone\\*\\* \\<@&1100000000000000042\\>');
    const rows = body['components'] as { components: { custom_id: string; label: string }[] }[];
    expect(rows.flatMap((row) => row.components.map((c) => [c.custom_id, c.label]))).toEqual([['pinbot:restore:alert1', 'Restore the previous list']]);
  });

  it('posts without a reply when the reference is not a Discord message in that channel, and throws when it cannot post', async () => {
    const world = await start();
    const notice = {
      key: 'loaded:p1:gpt2', scope: 'default', channel: { platform: 'discord' as const, channelId: CHANNEL_ID },
      replyTo: 'C0PINS0001:1700000001.000100', message: { visibility: 'channel' as const, lines: [[text('gpt2 is loaded')]] },
    };
    await world.bot.deliver(notice);
    const post = world.peer.requests.find((r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`);
    expect((post?.body as Record<string, unknown>)['message_reference']).toBeUndefined();
    expect((post?.body as Record<string, unknown>)['components']).toEqual([]);

    world.peer.failNext((r) => r.method === 'POST' && r.path.endsWith('/messages'), { status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    await expect(world.bot.deliver(notice)).rejects.toThrow('could not be posted');
  });
});
