import { decodeAction, encodeAction, type ActionKind } from '../../../src/core/domain/actions.ts';
import type { Pinbot } from '../../../src/pinbot.ts';
import type { Server } from '../../../src/serve.ts';
import { buttonClick, customIds, slashCommand } from '../../helpers/discord-interactions.ts';
import { APPLICATION_ID, startDiscordPeer, type DiscordPeer, type PeerMessage } from '../../helpers/discord-peer.ts';
import { servePinbot, type ServedPinbotOptions } from '../../helpers/served-pinbot.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { body, DISCORD_TOKEN, waitForRequest } from './use-discord.ts';

export const WAIT = 10_000;

/** Discord markdown escapes such as `\(` removed, to read what the user reads. */
export const unescaped = (value: string): string => value.replace(/\\/g, '');

/** A message as the user reads it (content, embeds, buttons), as one text. */
export const text = (message: PeerMessage | Record<string, unknown>): string => unescaped(JSON.stringify(message));

/** The first embed of a message (a card), its text unescaped. */
export function embedOf(message: PeerMessage): { title: string; description: string; fields: { name: string; value: string }[] } {
  const [embed] = message.embeds as { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
  return {
    title: unescaped(embed?.title ?? ''),
    description: unescaped(embed?.description ?? ''),
    fields: (embed?.fields ?? []).map((field) => ({ name: field.name, value: unescaped(field.value) })),
  };
}

export interface ServedDiscord {
  readonly peer: DiscordPeer;
  readonly pinbot: Pinbot;
  readonly server: Server;
  /** Dispatches `/pins <sub>` as Alice; resolves with the private answer's content and the interaction's token. */
  command(sub: string, options?: Record<string, string>): Promise<{ content: string; token: string }>;
  /** Every posted proposal card (a message with an Approve button), in order. */
  cards(): PeerMessage[];
  /** Dispatches `/pins <sub>` and waits for the card it posts. */
  proposeCard(sub: string, options: Record<string, string>): Promise<PeerMessage>;
  /** Clicks the message's button of that kind as Alice. */
  clickOn(message: PeerMessage, kind: ActionKind): void;
  /** Approves a card (Approve, then Confirm on the private step) and waits until it reads `words`. */
  approveAndSettle(card: PeerMessage, words: string): Promise<PeerMessage>;
}

/**
 * pinbot served in process with Discord against the project's Discord peer; the config's scopes
 * are bound to the peer's `CHANNEL_ID` by the caller. Everything is closed through `cleanups`.
 */
export async function serveDiscord(
  options: ServedPinbotOptions,
  cleanups: (() => Promise<void>)[],
): Promise<ServedDiscord> {
  const peer = await startDiscordPeer();
  cleanups.push(() => peer.close());
  const env = { ...options.env, DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: peer.apiUrl };
  const { pinbot, server } = await servePinbot({ ...options, env }, cleanups);
  await waitFor(() => peer.identifiedSessions() > 0, WAIT, 'the bot to connect');

  const cards = () => [...peer.messages.values()].filter((m) => customIds(m).some((id) => decodeAction(id)?.kind === 'approve'));
  const command = async (sub: string, commandOptions: Record<string, string> = {}) => {
    const payload = slashCommand(sub, commandOptions);
    peer.dispatch(payload);
    const token = String(payload['token']);
    const reply = await waitForRequest(peer, `the reply to /pins ${sub}`, (r) => r.method === 'PATCH' && r.path.includes(token));
    return { content: unescaped(String(body(reply)['content'] ?? '')), token };
  };
  const clickOn = (message: PeerMessage, kind: ActionKind) => {
    const id = customIds(message).find((custom) => decodeAction(custom)?.kind === kind);
    if (id === undefined) throw new Error(`no ${kind} button on the message`);
    peer.dispatch(buttonClick(message, id));
  };
  return {
    peer,
    pinbot,
    server,
    command,
    cards,
    async proposeCard(sub, commandOptions) {
      const before = cards().length;
      await command(sub, commandOptions);
      await waitFor(() => cards().length === before + 1, WAIT, `the card for ${sub}`);
      return cards()[before] as PeerMessage;
    },
    clickOn,
    async approveAndSettle(card, words) {
      clickOn(card, 'approve');
      // Approve asks privately first; Confirm on that step is what applies.
      const approveId = customIds(card).find((custom) => decodeAction(custom)?.kind === 'approve') ?? '';
      const confirmId = encodeAction('confirm', decodeAction(approveId)?.proposalId ?? '');
      const confirmationStep = () => [...peer.messages.values()].find((m) => (m.flags & 64) !== 0 && customIds(m).includes(confirmId));
      await waitFor(() => confirmationStep() !== undefined, WAIT, 'the confirmation step');
      peer.dispatch(buttonClick(confirmationStep() as PeerMessage, confirmId));
      await waitFor(() => text(peer.messages.get(card.id) ?? {}).includes(words), WAIT, words);
      return peer.messages.get(card.id) as PeerMessage;
    },
  };
}
