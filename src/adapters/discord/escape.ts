import type { Principal } from '../../core/domain/principal.ts';

/**
 * Every ASCII character Discord markdown gives a meaning to (bold, italics, strikethrough, code,
 * spoilers, quotes, headings, lists, masked links, mentions, escapes). Discord renders `\x` as `x`
 * for any punctuation, so escaping more than needed never shows.
 */
const MARKDOWN_CHARS = /[\\*_~`|>#\-[\]()<+]/g;
/** `1. ` at a line start is a numbered list. */
const NUMBERED_LIST = /^(\s*\d+)\./gm;
const SNOWFLAKE = /^\d{15,21}$/;

/** Text from a user or from Hugging Face, shown literally in any Discord markdown context. */
export function escapeText(value: string): string {
  return value.replace(MARKDOWN_CHARS, '\\$&').replace(NUMBERED_LIST, '$1\\.');
}

/**
 * An inline code span that stays one span whatever it holds: a code span cannot escape a backtick,
 * so backticks become a look-alike (U+02CB) and newlines, which end the span, become spaces.
 */
export function codeSpan(value: string): string {
  const safe = value.replaceAll('`', '\u02CB').replace(/[\r\n]+/g, ' ');
  return safe.trim() === '' ? escapeText(value) : `\`${safe}\``;
}

/** A Discord user is a `<@id>` mention (allowed_mentions keeps it from pinging); anyone else is a name. */
export function mention(principal: Principal): string {
  if (principal.platform === 'discord' && SNOWFLAKE.test(principal.userId)) return `<@${principal.userId}>`;
  return escapeText(principal.displayName ?? principal.userId);
}

/** Cuts `value` to `max` characters, marking the cut. */
export function clamp(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
