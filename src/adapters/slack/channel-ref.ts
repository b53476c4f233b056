import type { ChannelRef } from '../../core/ports.ts';

/**
 * A Slack channel as the core and the scope resolver see it. Every Slack request (a command, a
 * click) builds it here, so none can build it differently.
 */
export function slackChannelRef(channelId: string): ChannelRef {
  return { platform: 'slack', channelId };
}
