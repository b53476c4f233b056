import { diffSymbol, diffText, type Card, type Line, type Message } from '../../core/domain/ui.ts';

export interface TextStyle {
  /** ANSI colours, for a terminal. */
  readonly color: boolean;
}

const ANSI = { bold: '\u001b[1m', cyan: '\u001b[36m', green: '\u001b[32m', red: '\u001b[31m', yellow: '\u001b[33m', reset: '\u001b[0m' };

export function renderLine(line: Line, style: TextStyle): string {
  return line
    .map((part) => {
      if ('text' in part) return stripControl(part.text);
      if ('code' in part) return paint(stripControl(part.code), ANSI.cyan, style);
      if ('strong' in part) return paint(stripControl(part.strong), ANSI.bold, style);
      return `@${stripControl(part.user.displayName ?? part.user.userId)}`;
    })
    .join('');
}

export function renderMessageText(message: Message, style: TextStyle): string {
  const body = message.lines.map((line) => renderLine(line, style)).join('\n');
  return message.isError ? paint(body, ANSI.red, style) : body;
}

export function renderCardText(card: Card, style: TextStyle): string {
  const out: string[] = [renderLine(card.title, style)];
  for (const field of card.fields) out.push(`  ${field.label}: ${renderLine(field.value, style)}`);
  if (card.diff.length > 0) {
    out.push('  Changes:');
    for (const line of card.diff) {
      const color = line.kind === 'added' ? ANSI.green : line.kind === 'removed' ? ANSI.red : ANSI.yellow;
      out.push(`    ${paint(`${diffSymbol(line)} ${stripControl(diffText(line))}`, color, style)}`);
    }
  }
  for (const note of card.notes) out.push(`  ${renderLine(note, style)}`);
  return out.join('\n');
}

function paint(value: string, color: string, style: TextStyle): string {
  return style.color ? `${color}${value}${ANSI.reset}` : value;
}

/** Text from Hugging Face or a user must not move the cursor or recolour the terminal. */
function stripControl(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
