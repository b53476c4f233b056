import { afterEach, expect } from 'vitest';
import type { DiscordConfig } from '../../../src/config.ts';
import type { ScopeResolver } from '../../../src/core/ports.ts';
import { startDiscord, type DiscordAdapter } from '../../../src/adapters/discord/client.ts';
import { usePinbotHarness, TOKEN, type PinbotHarness, type PinbotHarnessOptions } from '../../helpers/pinbot-harness.ts';
import { APPLICATION_ID, startDiscordPeer, type DiscordPeer, type PeerMessage, type PeerRequest } from '../../helpers/discord-peer.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/** Looks like a bot token so a leak is easy to spot; only ever sent to the peer. */
export const DISCORD_TOKEN = 'MTExMTExMTExMTExMTExMTEx.PinbotTest.DiscordTokenAbCdEfGhIjKl';
export const WAIT_MS = 5000;

export interface DiscordSetup extends PinbotHarnessOptions {
  readonly roles?: readonly { id: string; name: string }[];
  readonly ackDeadlineMs?: number;
  readonly scopeFor?: ScopeResolver;
}

export interface DiscordWorld {
  readonly pinbot: PinbotHarness;
  readonly peer: DiscordPeer;
  bot: DiscordAdapter;
  /** Stops the client and starts a new one on the same service and store. */
  restart(): Promise<void>;
}

/** A real pinbot (harness + simulator), a Discord peer and an unmodified discord.js client; all stopped after each test. */
export function useDiscord() {
  const startPinbot = usePinbotHarness();
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  return async function start(setup: DiscordSetup = {}): Promise<DiscordWorld> {
    const pinbot = await startPinbot(setup);
    const peer = await startDiscordPeer({ roles: setup.roles ?? [] });
    closers.push(() => peer.close());
    const config: DiscordConfig = { token: DISCORD_TOKEN, applicationId: APPLICATION_ID, apiUrl: peer.apiUrl };
    const launch = async (): Promise<DiscordAdapter> => {
      const bot = await startDiscord({
        service: pinbot.service,
        scopeFor: setup.scopeFor ?? (() => 'default'),
        config,
        logger: pinbot.logger,
        ...(setup.ackDeadlineMs !== undefined ? { ackDeadlineMs: setup.ackDeadlineMs } : {}),
      });
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        await bot.stop();
      };
      closers.push(stop);
      return { ...bot, stop };
    };
    const world: DiscordWorld = {
      pinbot,
      peer,
      bot: await launch(),
      async restart() {
        await world.bot.stop();
        world.bot = await launch();
      },
    };
    return world;
  };
}

/** Requests answering the interaction with `token` (callbacks and webhook edits). */
export function forToken(peer: DiscordPeer, token: string): PeerRequest[] {
  return peer.requests.filter((r) => r.path.includes(`/${token}`));
}

export function callbackOf(peer: DiscordPeer, token: string): PeerRequest | undefined {
  return forToken(peer, token).find((r) => r.path.endsWith('/callback'));
}

export async function waitForRequest(peer: DiscordPeer, what: string, matches: (r: PeerRequest) => boolean): Promise<PeerRequest> {
  await waitFor(() => peer.requests.some(matches), WAIT_MS, what);
  const found = peer.requests.find(matches);
  if (!found) throw new Error(`no request: ${what}`);
  return found;
}

export const isChannelPost = (r: PeerRequest) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path);

export function channelPosts(peer: DiscordPeer): Record<string, unknown>[] {
  return peer.requests.filter(isChannelPost).map((r) => r.body as Record<string, unknown>);
}

/** The proposal card the bot posted (the first channel message with an embed), as the peer holds it now. */
export function cardMessage(peer: DiscordPeer): PeerMessage {
  const card = [...peer.messages.values()].find((m) => m.embeds.length > 0 && (m.flags & 64) === 0);
  if (!card) throw new Error('no card posted');
  return card;
}

export function body(request: PeerRequest | undefined): Record<string, unknown> {
  return (request?.body ?? {}) as Record<string, unknown>;
}

/** Requests that carry a message the bot sends (content or embeds), with their message body. */
function sentMessages(peer: DiscordPeer): { request: PeerRequest; message: Record<string, unknown> }[] {
  return peer.requests.flatMap((request) => {
    const b = body(request);
    const message = request.path.endsWith('/callback') ? ((b['data'] ?? {}) as Record<string, unknown>) : b;
    const carries = request.method !== 'GET' && ('content' in message || 'embeds' in message);
    return carries ? [{ request, message }] : [];
  });
}

/** Every message allows no mentions; no token reached a message or a log line. */
export function expectCleanTraffic(world: DiscordWorld): void {
  const sent = sentMessages(world.peer);
  expect(sent.length).toBeGreaterThan(0);
  for (const { request, message } of sent) {
    expect(message['allowed_mentions'], `${request.method} ${request.path}`).toEqual({ parse: [] });
  }
  for (const request of world.peer.requests) {
    expect(request.raw).not.toContain(TOKEN);
    expect(request.raw).not.toContain(DISCORD_TOKEN);
    expect(request.path).not.toContain(DISCORD_TOKEN);
  }
  const logs = JSON.stringify(world.pinbot.logLines);
  expect(logs).not.toContain(TOKEN);
  expect(logs).not.toContain(DISCORD_TOKEN);
  expect(logs).not.toContain('interaction-token-');
}
