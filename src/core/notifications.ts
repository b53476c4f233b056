import type { CardAction, Message } from './ui.ts';
import type { ChannelRef, Logger, OnceLedger, Platform } from './ports.ts';

/** Something pinbot tells a channel on its own: a result after a restart, a model loaded, a drift alert. */
export interface Notification {
  /** Sent once per key, across restarts and replicas: `settled:<proposal>`, `loaded:<proposal>:<model>`, … */
  readonly key: string;
  readonly scope: string;
  readonly channel: ChannelRef;
  /** The platform's reference of the card this follows up (`channel:ts` or `channel:message`), to reply in its thread. */
  readonly replyTo?: string;
  readonly message: Message;
  readonly actions?: readonly CardAction[];
}

/** A platform's way of posting a notification. */
export interface NotificationChannel {
  readonly platform: Platform;
  deliver(notification: Notification): Promise<void>;
}

/**
 * Sends each notification at most once: the key is claimed in the shared store first, so neither a
 * restart nor a second replica repeats it.
 */
export class Notifier {
  private readonly channels = new Map<Platform, NotificationChannel>();

  constructor(private readonly once: OnceLedger, private readonly logger: Logger) {}

  addChannel(channel: NotificationChannel): void {
    this.channels.set(channel.platform, channel);
  }

  /** Returns true when this call delivered it. */
  async send(notification: Notification): Promise<boolean> {
    const channel = this.channels.get(notification.channel.platform);
    if (!channel) return false;
    if (!(await this.once.claim(`notify:${notification.key}`))) return false;
    try {
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
