import {
  ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder,
  type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type MessageMentionOptions,
} from 'discord.js';
import { encodeAction } from '../../core/domain/actions.ts';
import type { ProposalState } from '../../core/domain/proposal.ts';
import type { ReplyStyle } from '../../core/words/replies.ts';
import { wordsOf } from '../../backends/registry.ts';
import { diffSymbol, diffText, markCard, markMessage, type Card, type CardAction, type Line, type Message } from '../../core/domain/ui.ts';
import { clamp, codeSpan, escapeText, mention } from './escape.ts';

/** How commands are written in Discord, for help and hints. */
export const DISCORD_STYLE: ReplyStyle = { commandPrefix: '/pins ', wordsOf };

/** Nothing the bot sends may ping anyone: users, roles, @everyone. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [] };

/** Discord's limits (resources/message and channel embed limits). */
const LIMITS = { content: 2000, title: 256, description: 4096, fieldName: 256, fieldValue: 1024, footer: 2048 } as const;

const COLORS: Readonly<Record<ProposalState, number>> = {
  pending: 0x5865f2,
  applying: 0x5865f2,
  applied: 0x57f287,
  stale: 0xfee75c,
  failed: 0xed4245,
  cancelled: 0x99aab5,
  expired: 0x99aab5,
};

const BUTTON_STYLES: Readonly<Record<CardAction['style'], ButtonStyle>> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  secondary: ButtonStyle.Secondary,
};

export function renderLine(line: Line): string {
  return line
    .map((part) => {
      if ('text' in part) return escapeText(part.text);
      if ('code' in part) return codeSpan(part.code);
      if ('strong' in part) return `**${escapeText(part.strong)}**`;
      return mention(part.user);
    })
    .join('');
}

/** A title is already bold in an embed, so `strong` is shown as plain text there. */
function renderTitle(line: Line): string {
  return line.map((part) => ('strong' in part ? { text: part.strong } : part)).map((part) => renderLine([part])).join('');
}

/** Joins whole lines up to `max` characters, so a cut never leaves half a code span. */
export function joinWithin(lines: readonly string[], max: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const [index, line] of lines.entries()) {
    const more = lines.length - index;
    const marker = `… and ${more} more`;
    if (length + line.length + 1 + marker.length + 1 > max && index < lines.length - 1) {
      kept.push(marker);
      return kept.join('\n');
    }
    kept.push(clamp(line, max));
    length += line.length + 1;
  }
  return clamp(kept.join('\n'), max);
}

export interface CardPayload {
  readonly embeds: APIEmbed[];
  readonly components: APIActionRowComponent<APIButtonComponent>[];
  readonly allowedMentions: MessageMentionOptions;
}

/**
 * A proposal card as a Discord embed with its buttons; no buttons once the proposal is settled.
 * `marker` (the sandbox's) goes ahead of the title.
 */
export function renderCard(unmarked: Card, marker: Line | undefined): CardPayload {
  const card = markCard(unmarked, marker);
  const embed = new EmbedBuilder()
    .setColor(COLORS[card.state])
    .setTitle(clamp(renderTitle(card.title), LIMITS.title))
    .setFooter({ text: clamp(`Proposal ${card.proposalId}`, LIMITS.footer) });
  const description = joinWithin(card.notes.map(renderLine), LIMITS.description);
  if (description !== '') embed.setDescription(description);
  embed.addFields(
    card.fields.map((field) => ({
      name: clamp(field.label, LIMITS.fieldName),
      value: clamp(renderLine(field.value) || '—', LIMITS.fieldValue),
      inline: true,
    })),
  );
  if (card.diff.length > 0) {
    const lines = card.diff.map((line) => `${escapeText(diffSymbol(line))} ${codeSpan(diffText(line))}`);
    embed.addFields({ name: 'Changes', value: joinWithin(lines, LIMITS.fieldValue) });
  }
  return { embeds: [embed.toJSON()], components: actionRows(card.actions), allowedMentions: NO_MENTIONS };
}

function actionRows(actions: readonly CardAction[]): APIActionRowComponent<APIButtonComponent>[] {
  if (actions.length === 0) return [];
  const buttons = actions.map((action) =>
    new ButtonBuilder()
      .setCustomId(encodeAction(action.kind, action.proposalId))
      .setLabel(action.label)
      // Approve is the one green button on the card.
      .setStyle(action.kind === 'approve' ? ButtonStyle.Success : BUTTON_STYLES[action.style]),
  );
  return [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON()];
}

export interface TextPayload {
  readonly content: string;
  readonly allowedMentions: MessageMentionOptions;
}

/** A result, refusal or outcome as message text; `marker` is its first line. */
export function renderMessage(unmarked: Message, marker: Line | undefined): TextPayload {
  const message = markMessage(unmarked, marker);
  return { content: joinWithin(message.lines.map(renderLine), LIMITS.content), allowedMentions: NO_MENTIONS };
}

export interface NotificationPayload extends TextPayload {
  readonly components: APIActionRowComponent<APIButtonComponent>[];
}

/** A notification as message text with its buttons (custom id = `encodeAction(kind, id)`). */
export function renderNotification(message: Message, actions: readonly CardAction[], marker: Line | undefined): NotificationPayload {
  return { ...renderMessage(message, marker), components: actionRows(actions) };
}
