import type { types } from '@slack/bolt';
import type { ActionKind } from '../../core/domain/actions.ts';
import type { Principal } from '../../core/domain/principal.ts';
import { diffSymbol, diffText, markCard, markMessage, plainText, type Card, type CardAction, type Inline, type Line, type Message } from '../../core/domain/ui.ts';

type KnownBlock = types.KnownBlock;
type Button = types.Button;

/** Block Kit limits (notes/slack.md §3 and @slack/types). */
export const SECTION_TEXT_LIMIT = 3000;
export const FIELD_TEXT_LIMIT = 2000;
export const MAX_FIELDS = 10;
export const MAX_BLOCKS = 50;
const BUTTON_TEXT_LIMIT = 75;
const CONFIRM_LIMITS = { title: 100, text: 300, confirm: 30, deny: 30 } as const;
/** Diff lines shown before "… and N more". */
export const MAX_DIFF_LINES = 40;
/** Notification text next to blocks; Slack shows the blocks. */
const FALLBACK_TEXT_LIMIT = 3000;
/** Room kept at the end of a cut text for " … and N more". */
const ELLIPSIS_ROOM = 40;

/** A chat message as Slack takes it: blocks, and the plain text used for notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

export const ACTION_IDS: Readonly<Record<ActionKind, string>> = {
  approve: 'pinbot_approve',
  cancel: 'pinbot_cancel',
  repropose: 'pinbot_repropose',
  restore: 'pinbot_restore',
  letgocold: 'pinbot_letgocold',
  resume: 'pinbot_resume',
  unschedule: 'pinbot_unschedule',
  // Slack confirms in a dialog of its own; these ids are never rendered, only understood.
  confirm: 'pinbot_confirm',
  back: 'pinbot_back',
};

export function actionKindOf(actionId: string): ActionKind | undefined {
  return (Object.keys(ACTION_IDS) as ActionKind[]).find((kind) => ACTION_IDS[kind] === actionId);
}

/** Slack's three control characters; escaped, no input can become a mention, a link or `<!channel>`. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function mention(who: Principal): string {
  if (who.platform === 'slack' && /^[UW][A-Z0-9]{1,31}$/.test(who.userId)) return `<@${who.userId}>`;
  return escapeMrkdwn(who.displayName ?? who.userId);
}

/** Inline code can hold neither a backtick nor a line break. */
function codeSafe(value: string): string {
  return value.replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
}

function inlineMrkdwn(part: Inline): string {
  if ('text' in part) return escapeMrkdwn(part.text);
  if ('code' in part) return `\`${escapeMrkdwn(codeSafe(part.code))}\``;
  if ('strong' in part) return `*${escapeMrkdwn(part.strong)}*`;
  return mention(part.user);
}

/** The longest escaped prefix of `raw` that fits in `room` characters (escaping can grow a character to five). */
function escapedPrefix(raw: string, room: number, render: (value: string) => string): string {
  let length = Math.min(raw.length, room);
  while (length > 0) {
    const rendered = render(raw.slice(0, length));
    if (rendered.length <= room) return rendered;
    length = Math.min(length - 1, Math.floor((length * room) / rendered.length));
  }
  return '';
}

/**
 * One line as mrkdwn within `limit` characters. When it does not fit, it ends with "… and N more",
 * N counting the items (code parts) left out, e.g. the models of a long list.
 */
export function lineMrkdwn(line: Line, limit = SECTION_TEXT_LIMIT): string {
  let out = '';
  for (const [index, part] of line.entries()) {
    const piece = inlineMrkdwn(part);
    if (out.length + piece.length <= limit - ELLIPSIS_ROOM || (index === line.length - 1 && out.length + piece.length <= limit)) {
      out += piece;
      continue;
    }
    const left = line.slice(index).filter((rest) => 'code' in rest).length;
    if (left === 0 && 'text' in part) out += escapedPrefix(part.text, limit - ELLIPSIS_ROOM - out.length, escapeMrkdwn);
    return `${out} … and ${left > 0 ? `${left} more` : 'more'}`;
  }
  return out;
}

/** Joins rendered lines into one text of at most `limit` characters and `maxLines` lines. */
function listWithin(lines: readonly string[], limit: number, maxLines = Number.POSITIVE_INFINITY): string {
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    if (kept.length >= maxLines || length + line.length + 1 > limit - ELLIPSIS_ROOM) break;
    kept.push(line);
    length += line.length + 1;
  }
  const left = lines.length - kept.length;
  return left > 0 ? [...kept, `… and ${left} more`].join('\n') : kept.join('\n');
}

/** Packs lines into section texts of at most SECTION_TEXT_LIMIT characters each. */
function packSections(lines: readonly string[]): string[] {
  const sections: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + 1 + line.length > SECTION_TEXT_LIMIT) {
      sections.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') sections.push(current);
  return sections;
}

function section(mrkdwn: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn } };
}

/** Keeps at most `room` blocks, the last one saying how many sections were left out. */
function capBlocks(blocks: KnownBlock[], room: number): KnownBlock[] {
  if (blocks.length <= room) return blocks;
  const kept = blocks.slice(0, Math.max(0, room - 1));
  return [...kept, section(`… and ${blocks.length - kept.length} more sections`)];
}

function clip(value: string, limit: number): string {
  return value.length <= limit ? value : `${value.slice(0, limit - 1)}…`;
}

function plain(value: string, limit: number): { type: 'plain_text'; text: string } {
  return { type: 'plain_text', text: clip(value, limit) };
}

function button(action: CardAction): Button {
  return {
    type: 'button',
    action_id: ACTION_IDS[action.kind],
    value: action.proposalId,
    text: { ...plain(action.label, BUTTON_TEXT_LIMIT), emoji: true },
    ...(action.style !== 'secondary' ? { style: action.style } : {}),
    ...(action.confirm
      ? {
          confirm: {
            title: plain(action.confirm.title, CONFIRM_LIMITS.title),
            text: plain(action.confirm.text, CONFIRM_LIMITS.text),
            confirm: plain(action.confirm.confirm, CONFIRM_LIMITS.confirm),
            deny: plain(action.confirm.deny, CONFIRM_LIMITS.deny),
          },
        }
      : {}),
  };
}

/** The fallback text of a card: its title and its diff, escaped like everything else. */
function cardFallback(card: Card): string {
  const diff = card.diff.map((line) => `${diffSymbol(line)} ${diffText(line)}`).join(', ');
  return clip(escapeMrkdwn(diff === '' ? plainText(card.title) : `${plainText(card.title)}: ${diff}`), FALLBACK_TEXT_LIMIT);
}

/**
 * A proposal card as Block Kit: title, fields, diff, notes, and its buttons (value = the proposal
 * id). `marker` (the sandbox's) goes ahead of the title.
 */
export function renderCardBlocks(unmarked: Card, marker: Line | undefined): SlackMessage {
  const card = markCard(unmarked, marker);
  const head: KnownBlock[] = [section(lineMrkdwn(card.title))];
  if (card.fields.length > 0) {
    head.push({
      type: 'section',
      fields: card.fields.slice(0, MAX_FIELDS).map((field) => ({
        type: 'mrkdwn' as const,
        text: `*${escapeMrkdwn(field.label)}*\n${lineMrkdwn(field.value, FIELD_TEXT_LIMIT - field.label.length - 4)}`,
      })),
    });
  }
  if (card.diff.length > 0) {
    const lines = card.diff.map((line) => `${diffSymbol(line)} \`${escapeMrkdwn(codeSafe(diffText(line)))}\``);
    head.push(section(`*Changes*\n${listWithin(lines, SECTION_TEXT_LIMIT - 12, MAX_DIFF_LINES)}`));
  }
  const notes = packSections(card.notes.map((note) => lineMrkdwn(note))).map(section);
  const actions: KnownBlock[] = card.actions.length > 0
    ? [{ type: 'actions', block_id: `pinbot_actions`, elements: card.actions.map(button) }]
    : [];
  const body = capBlocks([...head, ...notes], MAX_BLOCKS - actions.length);
  return { text: cardFallback(card), blocks: [...body, ...actions] };
}

/** Any other answer as Block Kit sections, with the same text as fallback; `marker` is its first line. */
export function renderMessageBlocks(unmarked: Message, marker: Line | undefined): SlackMessage {
  const message = markMessage(unmarked, marker);
  const lines = message.lines.map((line) => lineMrkdwn(line));
  const blocks = capBlocks(packSections(lines).map(section), MAX_BLOCKS);
  return { text: clip(lines.join('\n'), FALLBACK_TEXT_LIMIT), blocks };
}

/** A notification: its text as sections, then its buttons (value = the proposal or alert id). */
export function renderNotificationBlocks(message: Message, actions: readonly CardAction[], marker: Line | undefined): SlackMessage {
  const { text, blocks } = renderMessageBlocks(message, marker);
  if (actions.length === 0) return { text, blocks };
  const row: KnownBlock = { type: 'actions', block_id: 'pinbot_actions', elements: actions.map(button) };
  return { text, blocks: [...capBlocks(blocks, MAX_BLOCKS - 1), row] };
}
