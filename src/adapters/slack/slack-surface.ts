import type { RespondFn, webApi } from '@slack/bolt';
import type { CardSurface, ChatSurface } from '../../core/interaction/chat-surface.ts';
import type { PinningService } from '../../core/workflow/pinning-service.ts';
import type { Logger } from '../../core/ports.ts';
import type { Line } from '../../core/domain/ui.ts';
import { SLACK_STYLE } from './handler-deps.ts';
import { renderMessageBlocks } from './render-blocks.ts';
import { describeFailure, postProposalCard, postToChannel, redrawCard, respondWith, updateCard, type MessageRef } from './slack-messages.ts';
import { sendUsageChart } from './usage-chart.ts';

/** One Slack request (a slash command or a button click), as the core's flows act on it. */
export interface SlackRequest {
  readonly client: webApi.WebClient;
  /** The request's `response_url`: private answers, and the fallback where the bot cannot post or edit. */
  readonly respond: RespondFn;
  readonly service: PinningService;
  /** The card that was clicked, when Slack says where it is. */
  readonly card?: MessageRef;
  /** The channel the request came from, when Slack says. */
  readonly channelId: string | undefined;
  /** Who sent it, when it is a command: where a usage chart goes (usage-chart.ts). */
  readonly userId?: string;
  /** Said first in everything sent (the sandbox's marker), or nothing. */
  readonly marker: Line | undefined;
  readonly logger: Logger;
  /** Lets requests waiting for their ack go first (ack-first.ts). */
  readonly turn?: () => Promise<void>;
}

/**
 * The chat surface of one Slack request. Bolt has acknowledged it already, so the work needs no
 * acknowledgement of its own; Slack asks "replace the whole list?" in the button's own dialog.
 */
export function slackSurface(request: SlackRequest): ChatSurface {
  const { client, respond, card, marker, logger, userId } = request;
  return {
    platform: 'slack',
    style: SLACK_STYLE,
    answerPrivately: (message) => respondWith(respond, message, marker, logger),
    postCard: (proposal, rendered) => postProposalCard(client, respond, request.service, proposal, rendered, marker, logger),
    editCard: (_proposal, rendered) => updateCard(client, respond, card, rendered, marker, logger),
    announce: async (proposal, message) => {
      const channel = card?.channel ?? request.channelId ?? proposal.channel.channelId;
      try {
        await postToChannel(client, respond, channel, renderMessageBlocks(message, marker), logger);
      } catch (error) {
        logger.warn({ error: describeFailure(error) }, 'outcome could not be posted to the channel');
      }
    },
    failureFields: (error) => ({ error: describeFailure(error) }),
    ...(request.turn !== undefined ? { turn: request.turn } : {}),
    ...(userId !== undefined ? { sendUsageChart: (report) => sendUsageChart({ client, respond, userId, marker, logger }, report) } : {}),
  };
}

/** Where Slack cards are drawn again outside a request: `chat.update` with the bot token. */
export function slackCardSurface(client: webApi.WebClient, marker: Line | undefined, logger: Logger): CardSurface {
  return {
    platform: 'slack',
    style: SLACK_STYLE,
    editCard: (proposal, card) => redrawCard(client, proposal, card, marker, logger),
  };
}
