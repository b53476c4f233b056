import { describe, expect, it } from 'vitest';
import { renderNoticeText } from '../../../src/adapters/console/console-notices.ts';
import { idleLines } from '../../../src/core/follow-ups/idle-alerts.ts';
import type { Notification } from '../../../src/core/follow-ups/notifications.ts';

const HOUR = 3_600_000;

describe('console notices', () => {
  it('prints an idle alert with the command its Let it go cold button stands for', () => {
    const now = Date.UTC(2026, 10, 28, 12);
    const alert = { id: 'idle-abc', scope: 'inference', previous: { pins: [], allowed: 2, at: now - 26 * HOUR }, current: { pins: [], allowed: 2, at: now }, detectedAt: now };
    const notification: Notification = {
      key: 'idle:idle-abc:console:console',
      scope: 'inference',
      channel: { platform: 'console', channelId: 'console' },
      message: { visibility: 'channel', lines: idleLines('inference', { alert, entry: 'llama-chat', idleSince: now - 26 * HOUR, cost: 26 }, 'endpoint', now) },
      actions: [{ kind: 'letgocold', proposalId: 'idle-abc', label: 'Let it go cold', style: 'primary', typed: 'remove llama-chat' }],
    };
    const printed = renderNoticeText(notification, { color: false });
    expect(printed).toContain('The endpoint llama-chat of scope inference has had no requests for 26 h.');
    expect(printed).toContain('Keeping it ready cost about $26.00 over that time.');
    expect(printed.split('\n').at(-1)).toBe('Let it go cold: type remove llama-chat');
  });

  it('prints a drift alert\'s Restore as the restore command', () => {
    const printed = renderNoticeText({
      key: 'drift:a1', scope: 'default', channel: { platform: 'console', channelId: 'console' },
      message: { visibility: 'channel', lines: [] },
      actions: [{ kind: 'restore', proposalId: 'a1', label: 'Restore the previous list', style: 'primary' }],
    }, { color: false });
    expect(printed).toContain('Restore the previous list: type restore a1');
  });
});
