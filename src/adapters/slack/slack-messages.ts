import type { RespondFn, webApi } from '@slack/bolt';
import type { Notification } from '../../core/follow-ups/notifications.ts';
import type { PinningService } from '../../core/workflow/pinning-service.ts';
import type { Logger } from '../../core/ports.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import type { Card, Line, Message } from '../../core/domain/ui.ts';
import { renderCardBlocks, renderMessageBlocks, renderNotificationBlocks, type SlackMessage } from './render-blocks.ts';
import { slackErrorCode } from './schema.ts';

/** Where a posted message lives; stored with the proposal as `${channel}:${ts}`. */
export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

/** Slack refuses `chat.postMessage` here (DMs, private channels without the bot); `response_url` still works. */
const CANNOT_POST_HERE = new Set(['not_in_channel', 'channel_not_found']);

export function formatMessageRef(ref: MessageRef): string {
  return `${ref.channel}:${ref.ts}`;
}

export function parseMessageRef(value: string | undefined): MessageRef | undefined {
  const match = /^([A-Z0-9]+):(\d+\.\d+)$/.exec(value ?? '');
  return match?.[1] !== undefined && match[2] !== undefined ? { channel: match[1], ts: match[2] } : undefined;
}

/**
 * Sends through the request's `response_url`; a failure is logged, never thrown at the user.
 * `marker` (the sandbox's, or none) goes on everything these functions send.
 */
export async function respondWith(respond: RespondFn, message: Message, marker: Line | undefined, logger: Logger): Promise<void> {
  const { text, blocks } = renderMessageBlocks(message, marker);
  try {
    await respond({
      response_type: message.visibility === 'channel' ? 'in_channel' : 'ephemeral',
      replace_original: false,
      text,
      blocks,
    });
  } catch (error) {
    logger.warn({ error: describeFailure(error) }, 'slack response_url post failed');
  }
}

/**
 * Posts to the channel with `chat.postMessage`. Where the bot may not post (a DM, a private channel
 * it was not invited to) the same message goes in-channel through `response_url`, which cannot be
 * edited later by `chat.update`; `undefined` is returned then.
 */
export async function postToChannel(
  client: webApi.WebClient, respond: RespondFn, channel: string, message: SlackMessage, logger: Logger,
): Promise<MessageRef | undefined> {
  try {
    const posted = await client.chat.postMessage({ channel, text: message.text, blocks: message.blocks });
    if (posted.ts !== undefined) return { channel: posted.channel ?? channel, ts: posted.ts };
    return undefined;
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === undefined || !CANNOT_POST_HERE.has(code)) throw error;
    logger.info({ code, channel }, 'bot cannot post in this channel; answering in-channel through response_url');
    await respond({ response_type: 'in_channel', replace_original: false, text: message.text, blocks: message.blocks });
    return undefined;
  }
}

/** Posts a proposal's card and remembers where it is, so it can be edited when the proposal settles. */
export async function postProposalCard(
  client: webApi.WebClient, respond: RespondFn, service: PinningService, proposal: Proposal, card: Card, marker: Line | undefined, logger: Logger,
): Promise<void> {
  const ref = await postToChannel(client, respond, proposal.channel.channelId, renderCardBlocks(card, marker), logger);
  if (ref) await service.attachMessage(proposal.id, formatMessageRef(ref));
  logger.info({ proposalId: proposal.id, posted: ref !== undefined ? 'chat.postMessage' : 'response_url' }, 'proposal card posted');
}

/**
 * Replaces a card with its proposal's current state. `chat.update` first; a card that came through
 * `response_url` (or one Slack will not let us edit) is replaced through the click's `response_url`.
 */
export async function updateCard(
  client: webApi.WebClient, respond: RespondFn, ref: MessageRef | undefined, card: Card, marker: Line | undefined, logger: Logger,
): Promise<void> {
  const { text, blocks } = renderCardBlocks(card, marker);
  if (ref) {
    try {
      await client.chat.update({ channel: ref.channel, ts: ref.ts, text, blocks });
      return;
    } catch (error) {
      logger.info({ error: describeFailure(error) }, 'chat.update refused; replacing the card through response_url');
    }
  }
  try {
    await respond({ replace_original: true, text, blocks });
  } catch (error) {
    logger.warn({ error: describeFailure(error) }, 'card could not be updated');
  }
}

/** Redraws the card recorded with a Slack proposal (`messageRef`), e.g. after the expiry sweep moved it. */
export async function redrawCard(client: webApi.WebClient, proposal: Proposal, card: Card, marker: Line | undefined, logger: Logger): Promise<void> {
  const ref = parseMessageRef(proposal.messageRef);
  if (!ref) return;
  try {
    await client.chat.update({ channel: ref.channel, ts: ref.ts, ...renderCardBlocks(card, marker) });
  } catch (error) {
    logger.warn({ proposalId: proposal.id, error: describeFailure(error) }, 'card could not be refreshed');
  }
}

/**
 * Posts a notification with the bot token; in the thread of the card it follows up when
 * `replyTo` is a Slack message ref in the same channel. Throws when Slack refuses.
 */
export async function deliverNotification(client: webApi.WebClient, notification: Notification, marker: Line | undefined): Promise<void> {
  const { channelId } = notification.channel;
  const card = parseMessageRef(notification.replyTo);
  const { text, blocks } = renderNotificationBlocks(notification.message, notification.actions ?? [], marker);
  await client.chat.postMessage({ channel: channelId, text, blocks, ...(card?.channel === channelId ? { thread_ts: card.ts } : {}) });
}

/** A short, secret-free description of a failed Slack call for the log. */
export function describeFailure(error: unknown): string {
  const code = slackErrorCode(error);
  if (code !== undefined) return `slack: ${code}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure';
}
