import type { App, RespondFn, webApi } from '@slack/bolt';
import { isProposalId, type ActionKind } from '../../core/actions.ts';
import { hasCode, isPinbotError } from '../../core/errors.ts';
import { settledNotice } from '../../core/notifications.ts';
import type { Principal } from '../../core/principal.ts';
import { isFinal, type Proposal } from '../../core/proposal.ts';
import { describeError, renderOutcome } from '../../core/replies.ts';
import { text } from '../../core/ui.ts';
import type { Logger } from '../../core/ports.ts';
import { SLACK_STYLE, type SlackHandlerDeps } from './handler-deps.ts';
import { slackPrincipal } from './principal.ts';
import { ACTION_IDS, actionKindOf, renderMessageBlocks } from './render-blocks.ts';
import { blockActionSchema, type BlockActionPayload } from './schema.ts';
import { describeFailure, postProposalCard, postToChannel, respondWith, updateCard, type MessageRef } from './slack-messages.ts';

/** One click, as the handlers need it. */
interface Click {
  readonly kind: ActionKind;
  readonly proposalId: string;
  readonly principal: Principal;
  /** The card that was clicked, when Slack says where it is. */
  readonly card: MessageRef | undefined;
  readonly channelId: string | undefined;
  readonly client: webApi.WebClient;
  readonly respond: RespondFn;
  readonly logger: Logger;
}

const ACTION_PATTERN = new RegExp(`^(${Object.values(ACTION_IDS).join('|')})$`);

/** Approve / Cancel / Propose again: ack at once; the core decides who may and who wins. */
export function registerActions(app: App, deps: SlackHandlerDeps): void {
  app.action(ACTION_PATTERN, async ({ ack, body, respond, client }) => {
    await ack();
    await deps.track(() => handleClick(deps, body, respond, client));
  });
}

async function handleClick(deps: SlackHandlerDeps, body: unknown, respond: RespondFn, client: webApi.WebClient): Promise<void> {
  const parsed = blockActionSchema.safeParse(body);
  if (!parsed.success) {
    deps.logger.warn({ issues: parsed.error.issues.length }, 'button payload not understood');
    return;
  }
  const click = toClick(parsed.data, await deps.groupsOf(parsed.data.user.id), respond, client, deps.logger);
  if (!click) {
    await respondWith(respond, { visibility: 'private', isError: true, lines: [[text('pinbot does not recognise that button; nothing was written.')]] }, deps.marker, deps.logger);
    return;
  }
  try {
    if (click.kind === 'approve' || click.kind === 'confirm') await approve(deps, click);
    else if (click.kind === 'cancel') await cancel(deps, click);
    else if (click.kind === 'repropose') await repropose(deps, click);
    else if (click.kind === 'restore') await restore(deps, click);
  } catch (error) {
    if (isPinbotError(error)) click.logger.info({ code: error.code }, 'click refused');
    else click.logger.error({ error: describeFailure(error) }, 'click failed');
    await respondWith(click.respond, describeError(error, SLACK_STYLE), deps.marker, click.logger);
    // A card whose buttons this click found unable to act (it expired the proposal, or the change
    // was already proposed again) is redrawn without them. A decided card was redrawn by its decider.
    if (hasCode(error, 'EXPIRED') || hasCode(error, 'ALREADY_REPROPOSED')) await refreshCard(deps, click);
  }
}

function toClick(payload: BlockActionPayload, groups: readonly string[], respond: RespondFn, client: webApi.WebClient, logger: Logger): Click | undefined {
  const [action] = payload.actions;
  const kind = action ? actionKindOf(action.action_id) : undefined;
  const proposalId = action?.value;
  if (kind === undefined || proposalId === undefined || !isProposalId(proposalId)) return undefined;
  const channelId = payload.container?.channel_id ?? payload.channel?.id;
  const ts = payload.message?.ts ?? payload.container?.message_ts;
  const card = channelId !== undefined && ts !== undefined && payload.container?.is_ephemeral !== true ? { channel: channelId, ts } : undefined;
  return {
    kind,
    proposalId,
    principal: slackPrincipal(payload.user.id, payload.user.username ?? payload.user.name, groups),
    card,
    channelId,
    client,
    respond,
    logger: logger.child({ user: payload.user.id, proposalId, action: kind }),
  };
}

async function approve(deps: SlackHandlerDeps, click: Click): Promise<void> {
  const result = await deps.service.approve(click.proposalId, click.principal);
  await updateCard(click.client, click.respond, click.card, result.proposal, deps.marker, click.logger);
  if (result.kind === 'settled') await announce(deps, click, result.proposal);
}

async function cancel(deps: SlackHandlerDeps, click: Click): Promise<void> {
  const cancelled = await deps.service.cancel(click.proposalId, click.principal);
  await updateCard(click.client, click.respond, click.card, cancelled, deps.marker, click.logger);
  await announce(deps, click, cancelled);
}

/** A drift alert's Restore button: a normal proposal, through the same approval. */
async function restore(deps: SlackHandlerDeps, click: Click): Promise<void> {
  if (click.channelId === undefined) return;
  const channel = { platform: 'slack' as const, channelId: click.channelId };
  const proposal = await deps.service.restoreDrift(click.proposalId, { principal: click.principal, channel });
  await postProposalCard(click.client, click.respond, deps.service, proposal, deps.marker, click.logger);
}

async function repropose(deps: SlackHandlerDeps, click: Click): Promise<void> {
  const original = await deps.service.getProposal(click.proposalId);
  const channel = { platform: 'slack' as const, channelId: click.channelId ?? original.channel.channelId };
  const proposal = await deps.service.repropose(click.proposalId, { principal: click.principal, channel });
  await postProposalCard(click.client, click.respond, deps.service, proposal, deps.marker, click.logger);
  // The stale card's button has done its work: redraw it without.
  if (click.card) await updateCard(click.client, click.respond, click.card, await deps.service.getProposal(click.proposalId), deps.marker, click.logger);
}

async function refreshCard(deps: SlackHandlerDeps, click: Click): Promise<void> {
  try {
    const proposal = await deps.service.getProposal(click.proposalId);
    if (isFinal(proposal.state)) await updateCard(click.client, click.respond, click.card, proposal, deps.marker, click.logger);
  } catch (error) {
    click.logger.warn({ error: describeFailure(error) }, 'card could not be refreshed');
  }
}

/**
 * The one channel message about how a proposal ended, posted by the click that ended it; through
 * the shared notifier when there is one, so it is keyed like recovery's and the sweep's.
 */
async function announce(deps: SlackHandlerDeps, click: Click, proposal: Proposal): Promise<void> {
  if (deps.notifier) {
    await deps.notifier.send(settledNotice(proposal, SLACK_STYLE));
    return;
  }
  const channel = click.card?.channel ?? click.channelId ?? proposal.channel.channelId;
  try {
    await postToChannel(click.client, click.respond, channel, renderMessageBlocks(renderOutcome(proposal, SLACK_STYLE), deps.marker), click.logger);
  } catch (error) {
    click.logger.warn({ error: describeFailure(error) }, 'outcome could not be posted to the channel');
  }
}
