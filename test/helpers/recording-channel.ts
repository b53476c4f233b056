import type { Notification, NotificationChannel } from '../../src/core/follow-ups/notifications.ts';
import type { Platform } from '../../src/core/ports.ts';

/** A NotificationChannel that keeps what it was asked to deliver, for tests of the core's notices. */
export function recordingChannel(platform: Platform = 'slack'): NotificationChannel & { delivered: Notification[] } {
  const delivered: Notification[] = [];
  return {
    platform,
    delivered,
    deliver: async (notification) => {
      delivered.push(notification);
    },
  };
}
