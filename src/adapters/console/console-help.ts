import { RESTORE_USAGE } from '../../core/domain/command.ts';
import { code, text, type Line } from '../../core/domain/ui.ts';

/** How many other scopes `help` names before it counts the rest. */
const SCOPES_NAMED = 5;

/**
 * What `help` says only in the console: the commands that stand for what chat does with buttons
 * or by leaving, and the other scopes, which the console reaches through `--scope` at start.
 */
export function consoleHelpLines(scope: string, scopes: readonly string[]): Line[] {
  const [restore = 'restore <alert id>', restoreMeaning = ''] = RESTORE_USAGE.split(' — ');
  const lines: Line[] = [
    [text('• '), code(restore), text(` — ${restoreMeaning}`)],
    [text('• '), code('resume <schedule id>'), text(" — resume a schedule a person's change held (what a schedule's notice offers)")],
    [text('• '), code('advance <duration>'), text(' — sandbox only: move the demo clock ahead (e.g. 8h) to see schedules switch')],
    [text('• '), code('exit'), text(' — leave the console')],
  ];
  const others = scopes.filter((name) => name !== scope);
  const [first] = others;
  if (first === undefined) return lines;
  const named = others.slice(0, SCOPES_NAMED);
  const line: Line[number][] = [text(`Other scope${others.length === 1 ? '' : 's'}: `)];
  named.forEach((name, index) => line.push(...(index > 0 ? [text(', ')] : []), code(name)));
  if (others.length > named.length) line.push(text(` and ${(others.length - named.length).toLocaleString('en-US')} more`));
  line.push(text('. Start pinbot with '), code(`--scope ${first}`), text(others.length === 1 ? ' to act on it.' : ' (or another name) to act on one.'));
  lines.push(line);
  return lines;
}
