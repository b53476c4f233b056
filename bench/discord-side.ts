// Worker thread: Discord. Two test peers (REST + gateway): one for pinbot's client, one for a bare
// discord.js client. Dispatches `/pins list` and times the first callback request on this thread.
import { slashCommand } from '../test/helpers/discord-interactions.ts';
import { startDiscordPeer, type DiscordPeer, type PeerRequest } from '../test/helpers/discord-peer.ts';
import { pause } from './stats.ts';
import { now, serveWorker } from './worker-rpc.ts';

export type Who = 'pinbot' | 'baseline';

export interface DispatchResult {
  /** Dispatch → first callback request received, ms. */
  readonly firstResponse: number[];
  /** Dispatch → the deferred reply edited with the answer, ms (pinbot only). */
  readonly answered: number[];
}

const peers = new Map<Who, DiscordPeer>();
/** Interaction token → what is awaited for it. */
const waiting = new Map<string, { callback?: (at: number) => void; edit?: (at: number) => void }>();

/** Stamps each request as the peer records it; the peer's own routing is left as it is. */
function watch(peer: DiscordPeer): void {
  const record = peer.requests.push.bind(peer.requests);
  peer.requests.push = (...requests: PeerRequest[]) => {
    const at = now();
    for (const request of requests) {
      const token = /^\/(?:interactions\/\d+|webhooks\/\d+)\/([^/]+)/.exec(request.path)?.[1];
      const entry = token !== undefined ? waiting.get(token) : undefined;
      if (!entry) continue;
      if (request.path.endsWith('/callback')) entry.callback?.(at);
      else if (request.method === 'PATCH') entry.edit?.(at);
    }
    return record(...requests);
  };
}

async function dispatch(arg: { who: Who; count: number; thinkMs: number }): Promise<DispatchResult> {
  const peer = peers.get(arg.who);
  if (!peer) throw new Error(`no peer for ${arg.who}`);
  const timed = Array.from({ length: arg.count }, () => {
    const interaction = slashCommand('list');
    const token = String(interaction['token']);
    let callback!: (at: number) => void;
    let edit!: (at: number) => void;
    const firstResponse = new Promise<number>((resolve) => { callback = resolve; });
    const answered = arg.who === 'pinbot' ? new Promise<number>((resolve) => { edit = resolve; }) : Promise.resolve(0);
    waiting.set(token, { callback, ...(arg.who === 'pinbot' ? { edit } : {}) });
    return { interaction, token, firstResponse, answered, sent: 0 };
  });
  for (const item of timed) {
    item.sent = now();
    peer.dispatch(item.interaction);
  }
  let timer: NodeJS.Timeout | undefined;
  const all = Promise.all(timed.map(async (item) => ({ first: (await item.firstResponse) - item.sent, answered: (await item.answered) - item.sent })));
  const results = await Promise.race([all, new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('bench: discord callbacks missing')), 30_000);
  })]);
  clearTimeout(timer);
  for (const item of timed) waiting.delete(item.token);
  // Every answer awaited has arrived: what the peer keeps of this round would only grow its heap,
  // whose collections stop this thread, and V8's helper threads, during later rounds.
  peer.forget();
  if (arg.thinkMs > 0) await pause(arg.thinkMs);
  return { firstResponse: results.map((r) => r.first), answered: arg.who === 'pinbot' ? results.map((r) => r.answered) : [] };
}

const handlers = {
  start: async (_: null) => {
    const apiUrls: Record<string, string> = {};
    for (const who of ['pinbot', 'baseline'] as const) {
      // Longer than a round: pinbot's rounds last seconds (its answer edits go out at discord.js's 50
      // requests per second), and with Node's 5 s default its connections would have expired
      // before its next round, while the baseline's short rounds kept theirs.
      const peer = await startDiscordPeer({ keepAliveMs: 60_000 });
      watch(peer);
      peers.set(who, peer);
      apiUrls[who] = peer.apiUrl;
    }
    return apiUrls as Record<Who, string>;
  },
  identified: async (who: Who) => peers.get(who)?.identifiedSessions() ?? 0,
  dispatch,
  close: async (_: null) => {
    for (const peer of peers.values()) await peer.close();
    return null;
  },
};

export type DiscordSideHandlers = typeof handlers;

serveWorker(handlers);
