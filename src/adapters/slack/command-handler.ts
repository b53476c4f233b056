import type { App, RespondFn, webApi } from '@slack/bolt';
import { handleCommand } from '../../core/interaction/command-flow.ts';
import { describeError } from '../../core/words/replies.ts';
import { code, text, type Message } from '../../core/domain/ui.ts';
import { slackChannelRef } from './channel-ref.ts';
import { SLACK_STYLE, SLASH_COMMAND, type SlackHandlerDeps } from './handler-deps.ts';
import { slackPrincipal } from './principal.ts';
import { slashCommandSchema, type SlashCommandPayload } from './schema.ts';
import { respondWith } from './slack-messages.ts';
import { slackSurface } from './slack-surface.ts';

/** `/pins <command>`: ack at once, then answer the asker, or post a proposal card to the channel. */
export function registerCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(SLASH_COMMAND, async ({ ack, body, respond, client }) => {
    await ack();
    await deps.track(() => handleSlashCommand(deps, body, respond, client));
  });
}

async function handleSlashCommand(deps: SlackHandlerDeps, body: unknown, respond: RespondFn, client: webApi.WebClient): Promise<void> {
  const parsed = slashCommandSchema.safeParse(body);
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, 'slash command payload not understood');
    await respondWith(respond, describeError(undefined, SLACK_STYLE), deps.marker, deps.logger);
    return;
  }
  const payload = parsed.data;
  const logger = deps.logger.child({ user: payload.user_id, channel: payload.channel_id });
  const channel = slackChannelRef(payload.channel_id);
  const scope = deps.scopeFor(channel);
  if (scope === undefined) {
    await respondWith(respond, notBound(payload), deps.marker, logger);
    return;
  }
  const principal = slackPrincipal(payload.user_id, payload.user_name, await deps.groupsOf(payload.user_id));
  const scoped = logger.child({ scope });
  const surface = slackSurface({ client, respond, service: deps.service, channelId: payload.channel_id, userId: payload.user_id, marker: deps.marker, logger: scoped, turn: deps.turn });
  await handleCommand(deps, surface, { command: () => deps.service.parse(payload.text.trim(), scope), context: { scope, principal, channel }, logger: scoped });
}

function notBound(payload: SlashCommandPayload): Message {
  return {
    visibility: 'private',
    isError: true,
    lines: [[
      text('This channel is not bound to a pinbot scope, so pinbot manages no pinned models here. Ask whoever runs pinbot to add '),
      code(payload.channel_id),
      text(' to a scope’s '),
      code('slack_channels'),
      text('.'),
    ]],
  };
}
