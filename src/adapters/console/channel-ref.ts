import type { ChannelRef } from '../../core/ports.ts';

/**
 * The terminal as the core and the scope resolver see it: one channel, for every command typed
 * and every notice printed. Built here only.
 */
export const CONSOLE_CHANNEL: ChannelRef = { platform: 'console', channelId: 'terminal' };
