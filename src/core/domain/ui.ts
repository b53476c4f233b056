import type { ActionKind } from './actions.ts';
import type { Principal } from './principal.ts';
import type { DiffLine, ProposalState } from './proposal.ts';

/**
 * Neutral rich text. Each adapter renders it in its own markup and escapes `text` for it, so
 * user input (model ids, Hugging Face's text) can never become markup or a mention.
 */
export type Inline =
  | { readonly text: string }
  | { readonly code: string }
  | { readonly strong: string }
  | { readonly user: Principal };

export type Line = readonly Inline[];

export interface CardAction {
  readonly kind: ActionKind;
  readonly proposalId: string;
  readonly label: string;
  readonly style: 'primary' | 'danger' | 'secondary';
  readonly confirm?: { readonly title: string; readonly text: string; readonly confirm: string; readonly deny: string };
  /** The command that does the same, for a platform with no buttons (the console); absent: the kind's own. */
  readonly typed?: string;
}

/** A proposal as every platform shows it. */
export interface Card {
  readonly proposalId: string;
  readonly state: ProposalState;
  readonly title: Line;
  readonly fields: readonly { readonly label: string; readonly value: Line }[];
  readonly diff: readonly DiffLine[];
  readonly notes: readonly Line[];
  readonly actions: readonly CardAction[];
}

/** Any other answer: a few lines, shown to the channel or to the asker only. */
export interface Message {
  readonly visibility: 'private' | 'channel';
  readonly lines: readonly Line[];
  /** True when this message reports a refusal or failure. */
  readonly isError?: boolean;
}

export const text = (value: string): Inline => ({ text: value });
export const code = (value: string): Inline => ({ code: value });
export const strong = (value: string): Inline => ({ strong: value });
export const user = (principal: Principal): Inline => ({ user: principal });

/**
 * What every card and message says first while pinbot serves the simulated account of the
 * sandbox, on every platform, so that nobody takes its models for a real account's.
 */
export const SANDBOX_MARKER: Line = [strong('SANDBOX'), text(' — simulated Hugging Face account')];

/**
 * The one way a marker goes on a message: its first line. Each adapter's renderers call this and
 * `markCard`, so everything an adapter sends carries the marker it was started with.
 */
export function markMessage(message: Message, marker: Line | undefined): Message {
  return marker === undefined ? message : { ...message, lines: [marker, ...message.lines] };
}

/** The one way a marker goes on a card: ahead of its title, the first thing every platform shows. */
export function markCard(card: Card, marker: Line | undefined): Card {
  return marker === undefined ? card : { ...card, title: [...marker, text(' · '), ...card.title] };
}

/** Plain text of a line, for terminals and notification fallbacks. */
export function plainText(line: Line): string {
  return line
    .map((part) => {
      if ('text' in part) return part.text;
      if ('code' in part) return part.code;
      if ('strong' in part) return part.strong;
      return part.user.displayName ?? part.user.userId;
    })
    .join('');
}

export function diffSymbol(line: DiffLine): string {
  return line.kind === 'added' ? '+' : line.kind === 'removed' ? '−' : '~';
}

/** One diff line as rich text: `+ ` and the model in code. */
export function diffLine(line: DiffLine): Line {
  return [text(`${diffSymbol(line)} `), code(diffText(line))];
}

export function diffText(line: DiffLine): string {
  return line.kind === 'compute' ? `${line.modelId} (${line.from} → ${line.to})` : `${line.modelId} (${line.computeType})`;
}
