import type { App, RespondFn, webApi } from '@slack/bolt';
import { isProposalId } from '../../core/domain/actions.ts';
import type { Click } from '../../core/interaction/chat-surface.ts';
import { handleClick } from '../../core/interaction/click-flow.ts';
import { text } from '../../core/domain/ui.ts';
import type { Logger } from '../../core/ports.ts';
import { slackChannelRef } from './channel-ref.ts';
import type { SlackHandlerDeps } from './handler-deps.ts';
import { slackPrincipal } from './principal.ts';
import { ACTION_IDS, actionKindOf } from './render-blocks.ts';
import { blockActionSchema, type BlockActionPayload } from './schema.ts';
import { respondWith, type MessageRef } from './slack-messages.ts';
import { slackSurface } from './slack-surface.ts';

const ACTION_PATTERN = new RegExp(`^(${Object.values(ACTION_IDS).join('|')})$`);

/** Approve / Cancel / Propose again / Restore: ack at once; the core decides who may, who wins and what is shown. */
export function registerActions(app: App, deps: SlackHandlerDeps): void {
  app.action(ACTION_PATTERN, async ({ ack, body, respond, client }) => {
    await ack();
    await deps.track(() => handleAction(deps, body, respond, client));
  });
}

async function handleAction(deps: SlackHandlerDeps, body: unknown, respond: RespondFn, client: webApi.WebClient): Promise<void> {
  const parsed = blockActionSchema.safeParse(body);
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, 'button payload not understood');
    return;
  }
  const read = readClick(parsed.data, await deps.groupsOf(parsed.data.user.id), deps.logger);
  if (!read) {
    await respondWith(respond, { visibility: 'private', isError: true, lines: [[text('pinbot does not recognise that button; nothing was written.')]] }, deps.marker, deps.logger);
    return;
  }
  const { click, card } = read;
  const surface = slackSurface({ client, respond, service: deps.service, ...(card ? { card } : {}), channelId: click.channel?.channelId, marker: deps.marker, logger: click.logger });
  await handleClick(deps, surface, click);
}

/** The click a payload carries, and the card it was on when Slack says where that is. */
function readClick(payload: BlockActionPayload, groups: readonly string[], logger: Logger): { click: Click; card: MessageRef | undefined } | undefined {
  const [action] = payload.actions;
  const kind = action ? actionKindOf(action.action_id) : undefined;
  const id = action?.value;
  if (kind === undefined || id === undefined || !isProposalId(id)) return undefined;
  const channelId = payload.container?.channel_id ?? payload.channel?.id;
  const ts = payload.message?.ts ?? payload.container?.message_ts;
  const card = channelId !== undefined && ts !== undefined && payload.container?.is_ephemeral !== true ? { channel: channelId, ts } : undefined;
  return {
    click: {
      kind,
      id,
      principal: slackPrincipal(payload.user.id, payload.user.username ?? payload.user.name, groups),
      channel: channelId !== undefined ? slackChannelRef(channelId) : undefined,
      logger: logger.child({ user: payload.user.id, proposalId: id, action: kind }),
    },
    card,
  };
}
