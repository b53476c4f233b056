import type { Notification, NotificationChannel } from '../../core/follow-ups/notifications.ts';
import { code, text } from '../../core/domain/ui.ts';
import type { ConsoleIo } from './console-io.ts';
import { renderLine, renderMessageText, type TextStyle } from './render-text.ts';

/** Prints what pinbot tells the console on its own (a model loaded, a drift alert) between commands. */
export function consoleNotificationChannel(io: ConsoleIo, style: TextStyle): NotificationChannel {
  return {
    platform: 'console',
    deliver: async (notification) => {
      io.notice(renderNoticeText(notification, style));
    },
  };
}

/** The notice's message, then each button as the command that does the same. */
export function renderNoticeText(notification: Notification, style: TextStyle): string {
  const commands = (notification.actions ?? []).flatMap((action) => {
    const typed = action.typed ?? (action.kind === 'restore' ? `restore ${action.proposalId}` : undefined);
    return typed !== undefined ? [renderLine([text(`${action.label}: type `), code(typed)], style)] : [];
  });
  return [renderMessageText(notification.message, style), ...commands].join('\n');
}
