import { fstatSync, statSync } from 'node:fs';

/**
 * True when standard input can never give the interactive console a line: it is no terminal, and
 * it is closed or `/dev/null` — what `docker run` without `-i`, `docker run -d`, Kubernetes
 * without `stdin: true` and systemd give a process. A pipe still counts as input, even one that
 * ends at once: scripts (and the tests) type commands through one, and its end ends the session.
 */
export function noInputForConsole(stdin: { readonly isTTY?: boolean }, fd = 0): boolean {
  if (stdin.isTTY === true) return false;
  let input;
  try {
    input = fstatSync(fd);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EBADF';
  }
  if (!input.isCharacterDevice()) return false;
  try {
    return input.rdev === statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

export const NO_INPUT_FOR_CONSOLE = "pinbot can't start: no chat platform is configured and there is no terminal for the console "
  + '(standard input is closed or /dev/null): set SLACK_BOT_TOKEN or DISCORD_TOKEN to serve a chat platform, '
  + 'run it with a terminal (`docker run -it`), or give a command, e.g. `pinbot list`.';
