import { afterEach, describe, expect, it } from 'vitest';
import { APPLICATION_ID, startDiscordPeer, type DiscordPeer } from '../helpers/discord-peer.ts';

describe('the Discord test peer forgetting what it keeps (the Discord ack bench, after each round)', () => {
  let peer: DiscordPeer | undefined;
  afterEach(async () => {
    await peer?.close();
    peer = undefined;
  });

  it('drops the messages and requests of answered interactions; their tokens no longer find a message', async () => {
    peer = await startDiscordPeer();
    const api = `${peer.apiUrl}/v10`;
    const post = (path: string, method: string, body: unknown) =>
      fetch(`${api}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    expect((await post('/interactions/1/token-a/callback', 'POST', { type: 5, data: { flags: 64 } })).status).toBe(204);
    const edited = await post(`/webhooks/${APPLICATION_ID}/token-a/messages/@original`, 'PATCH', { content: 'the list' });
    expect(edited.status).toBe(200);
    expect(peer.messages.size).toBe(1);
    expect(peer.requests).toHaveLength(2);

    peer.forget();
    expect(peer.messages.size).toBe(0);
    expect(peer.requests).toHaveLength(0);
    const afterForget = await post(`/webhooks/${APPLICATION_ID}/token-a/messages/@original`, 'PATCH', { content: 'again' });
    expect(afterForget.status).toBe(404);
    expect(peer.requests).toHaveLength(1);
  });
});
