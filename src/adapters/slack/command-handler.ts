import type { App, RespondFn, webApi } from '@slack/bolt';
import { isPinbotError } from '../../core/errors.ts';
import type { RequestContext } from '../../core/pinning-service.ts';
import { describeError, renderResult } from '../../core/replies.ts';
import { code, text, type Message } from '../../core/ui.ts';
import { SLACK_STYLE, SLASH_COMMAND, type SlackHandlerDeps } from './handler-deps.ts';
import { slackPrincipal } from './principal.ts';
import { slashCommandSchema, type SlashCommandPayload } from './schema.ts';
import { describeFailure, postProposalCard, respondWith } from './slack-messages.ts';

/** `/pins <command>`: ack at once, then answer the asker, or post a proposal card to the channel. */
export function registerCommand(app: App, deps: SlackHandlerDeps): void {
  app.command(SLASH_COMMAND, async ({ ack, body, respond, client }) => {
    await ack();
    await deps.track(() => handleCommand(deps, body, respond, client));
  });
}

async function handleCommand(deps: SlackHandlerDeps, body: unknown, respond: RespondFn, client: webApi.WebClient): Promise<void> {
  const parsed = slashCommandSchema.safeParse(body);
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, 'slash command payload not understood');
    await respondWith(respond, describeError(undefined, SLACK_STYLE), deps.marker, deps.logger);
    return;
  }
  const payload = parsed.data;
  const logger = deps.logger.child({ user: payload.user_id, channel: payload.channel_id });
  const channel = { platform: 'slack' as const, channelId: payload.channel_id };
  const scope = deps.scopeFor(channel);
  if (scope === undefined) {
    await respondWith(respond, notBound(payload), deps.marker, logger);
    return;
  }
  const principal = slackPrincipal(payload.user_id, payload.user_name, await deps.groupsOf(payload.user_id));
  const context: RequestContext = { scope, principal, channel };
  try {
    const result = await deps.service.execute(deps.service.parse(payload.text.trim(), scope), context);
    await deps.turn();
    if (result.kind === 'proposal') {
      await postProposalCard(client, respond, deps.service, result.proposal, deps.marker, logger.child({ scope }));
    } else {
      await respondWith(respond, renderResult(result, SLACK_STYLE), deps.marker, logger);
    }
  } catch (error) {
    if (isPinbotError(error)) logger.info({ scope, code: error.code }, 'command refused');
    else logger.error({ scope, error: describeFailure(error) }, 'command failed');
    await respondWith(respond, describeError(error, SLACK_STYLE), deps.marker, logger);
  }
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
