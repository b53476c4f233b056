import type { Client, Message, MessageCreateOptions, MessageEditOptions } from 'discord.js';
import type { Logger } from '../../core/ports.ts';
import { errorFields } from './discord-errors.ts';

/**
 * Posts and edits through the channel with the bot token: works for messages of any age, after
 * the 15-minute interaction token is gone and after a restart.
 */
export class ChannelMessages {
  constructor(
    private readonly client: Client,
    private readonly logger: Logger,
  ) {}

  async send(channelId: string, payload: MessageCreateOptions): Promise<Message | undefined> {
    try {
      const channel = await this.client.channels.fetch(channelId);
      if (!channel?.isSendable()) {
        this.logger.warn({ channelId }, 'channel is not one the bot can post in');
        return undefined;
      }
      return await channel.send(payload);
    } catch (error) {
      this.logger.warn({ channelId, ...errorFields(error) }, 'could not post to the channel');
      return undefined;
    }
  }

  /** Edits the message `channelId:messageId`; false when it could not. */
  async edit(messageRef: string, payload: MessageEditOptions): Promise<boolean> {
    const [channelId, messageId] = messageRef.split(':');
    if (channelId === undefined || messageId === undefined) return false;
    try {
      const channel = await this.client.channels.fetch(channelId);
      if (!channel?.isTextBased()) return false;
      await channel.messages.edit(messageId, payload);
      return true;
    } catch (error) {
      this.logger.warn({ channelId, messageId, ...errorFields(error) }, 'could not edit the message through the channel');
      return false;
    }
  }
}

/** `channelId:messageId` as stored with a Discord proposal; `undefined` for anything else. */
export function parseMessageRef(value: string | undefined): { channelId: string; messageId: string } | undefined {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(value ?? '');
  return match?.[1] !== undefined && match[2] !== undefined ? { channelId: match[1], messageId: match[2] } : undefined;
}

export function messageRefOf(message: Pick<Message, 'channelId' | 'id'>): string {
  return `${message.channelId}:${message.id}`;
}
