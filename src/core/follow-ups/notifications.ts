import type { CardAction, Message } from '../domain/ui.ts';
import type { ChannelRef, Logger, OnceLedger, Platform } from '../ports.ts';
import type { Proposal } from '../domain/proposal.ts';
import { renderOutcome, type ReplyStyle } from '../words/replies.ts';

/** Something pinbot tells a channel on its own: a result after a restart, a model loaded, a drift alert. */
export interface Notification {
  /** Sent once per key, across restarts and pinbot processes: `settled:<proposal>`, `loaded:<proposal>:<model>`, … */
  readonly key: string;
  readonly scope: string;
  readonly channel: ChannelRef;
  /** The platform's reference of the card this follows up (`channel:ts` or `channel:message`), to reply in its thread. */
  readonly replyTo?: string;
  readonly message: Message;
  readonly actions?: readonly CardAction[];
  /**
   * Whether the scope's notification channels get a copy too (default true). False for notices
   * that choose their channels themselves, such as drift alerts.
   */
  readonly copyToScopeChannels?: boolean;
}

/** A platform's way of posting a notification. */
export interface NotificationChannel {
  readonly platform: Platform;
  deliver(notification: Notification): Promise<void>;
}

/**
 * Sends each notification at most once: the key is claimed in the shared store first, so neither a
 * restart nor a second pinbot process repeats it.
 */
export class Notifier {
  private readonly channels = new Map<Platform, NotificationChannel>();

  constructor(
    private readonly once: OnceLedger,
    private readonly logger: Logger,
    /** The optional notification channels of a scope, which get a copy of every notice. */
    private readonly scopeChannels: (scope: string) => readonly ChannelRef[] = () => [],
  ) {}

  addChannel(channel: NotificationChannel): void {
    this.channels.set(channel.platform, channel);
  }

  /**
   * Sends to the notice's channel and, unless it opts out, a copy to each of the scope's
   * notification channels (not threaded: the card lives elsewhere). Returns true when this call
   * delivered the notice to its own channel.
   */
  async send(notification: Notification): Promise<boolean> {
    const delivered = await this.sendOne(notification);
    if (notification.copyToScopeChannels === false) return delivered;
    for (const copyTo of this.scopeChannels(notification.scope)) {
      if (copyTo.platform === notification.channel.platform && copyTo.channelId === notification.channel.channelId) continue;
      const { replyTo: _thread, ...rest } = notification;
      await this.sendOne({ ...rest, key: `${notification.key}@${copyTo.platform}:${copyTo.channelId}`, channel: copyTo });
    }
    return delivered;
  }

  private async sendOne(notification: Notification): Promise<boolean> {
    const channel = this.channels.get(notification.channel.platform);
    if (!channel) return false;
    try {
      // A store that cannot answer means not told, rather than a failed click or start-up.
      if (!(await this.once.claim(`notify:${notification.key}`))) return false;
      await channel.deliver(notification);
      return true;
    } catch (error) {
      this.logger.warn(
        { key: notification.key, scope: notification.scope, error: error instanceof Error ? error.message : String(error) },
        'notification not delivered',
      );
      return false;
    }
  }
}

/**
 * The one channel message about how a proposal ended, as a reply to its card. Keyed by the
 * proposal alone, so whoever settled it (a click, start-up recovery, the expiry sweep, another
 * pinbot process) it is told once.
 */
export function settledNotice(proposal: Proposal, style: Pick<ReplyStyle, 'wordsOf'>): Notification {
  return {
    key: `settled:${proposal.id}`,
    scope: proposal.scope,
    channel: proposal.channel,
    ...(proposal.messageRef !== undefined ? { replyTo: proposal.messageRef } : {}),
    message: renderOutcome(proposal, style),
  };
}
