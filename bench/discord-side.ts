// Worker thread: Discord. Two test peers (REST + gateway), one for pinbot's client and one for a
// bare discord.js client. Dispatches `/pins list` and times the first callback on this thread.
import type { Burst, Who } from './ack-rounds.ts';
import { slashCommand } from '../test/helpers/discord-interactions.ts';
import { startDiscordPeer, type DiscordPeer, type PeerRequest } from '../test/helpers/discord-peer.ts';
import { now, serveWorker, within } from './worker-rpc.ts';

const peers = new Map<Who, DiscordPeer>();
/** Interaction token → the callback (the ack) and the edit of the deferred reply (the answer) awaited. */
const waiting = new Map<string, { callback: (at: number) => void; edit: (at: number) => void }>();

function arrived(request: PeerRequest): void {
  const at = now();
  const token = /^\/(?:interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(request.path)?.[1];
  const entry = token !== undefined ? waiting.get(token) : undefined;
  if (request.path.endsWith('/callback')) entry?.callback(at);
  else if (request.method === 'PATCH') entry?.edit(at);
}

async function dispatch({ who, count, thinkMs }: { who: Who; count: number; thinkMs: number }): Promise<Burst> {
  const peer = peers.get(who);
  if (!peer) throw new Error(`no peer for ${who}`);
  const timed = Array.from({ length: count }, () => {
    const interaction = slashCommand('list');
    const token = String(interaction['token']);
    let [onCallback, onEdit] = [(_at: number) => {}, (_at: number) => {}];
    const callback = new Promise<number>((resolve) => { onCallback = resolve; });
    // The bare client only defers: it never edits.
    const edit = who === 'pinbot' ? new Promise<number>((resolve) => { onEdit = resolve; }) : Promise.resolve(Number.NaN);
    waiting.set(token, { callback: onCallback, edit: onEdit });
    return { interaction, token, callback, edit, sent: 0 };
  });
  for (const item of timed) {
    item.sent = now();
    peer.dispatch(item.interaction);
  }
  const results = await within(Promise.all(timed.map(async (item) => [(await item.callback) - item.sent, (await item.edit) - item.sent] as const)), `${count} Discord callbacks`);
  for (const item of timed) waiting.delete(item.token);
  // Every answer awaited has arrived: what the peer keeps of this round would only grow its heap,
  // whose collections stop this thread, and V8's helper threads, during later rounds.
  peer.forget();
  await new Promise((resolve) => setTimeout(resolve, thinkMs));
  return { ack: results.map(([ack]) => ack), answer: who === 'pinbot' ? results.map(([ack, edit]) => edit - ack) : [] };
}

const handlers = {
  start: async (_: null) => {
    for (const who of ['pinbot', 'baseline'] as const) {
      // Longer than a round: pinbot's rounds last seconds (its answer edits go out at discord.js's 50
      // requests per second), and with Node's 5 s default its connections would have expired
      // before its next round, while the baseline's short rounds kept theirs.
      peers.set(who, await startDiscordPeer({ keepAliveMs: 60_000, onRequest: arrived }));
    }
    return { pinbot: peers.get('pinbot')?.apiUrl ?? '', baseline: peers.get('baseline')?.apiUrl ?? '' };
  },
  dispatch,
  close: async (_: null) => {
    for (const peer of peers.values()) await peer.close();
    return null;
  },
};

export type DiscordSideHandlers = typeof handlers;

serveWorker(handlers);
