import { clearScreenDown, createInterface, cursorTo, moveCursor } from 'node:readline';
import type { ConsoleIo } from './console-io.ts';

/** Line input and output on a terminal or pipe; everything pinbot prints passes through `scrub`. */
export function createReadlineIo(
  input: NodeJS.ReadableStream, output: NodeJS.WritableStream & { isTTY?: boolean }, scrub: (text: string) => string = (text) => text,
): ConsoleIo & { close(): void } {
  const terminal = output.isTTY === true;
  const rl = createInterface({ input, output, terminal });
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  /** The prompt on screen while a line is awaited. */
  let waitingAt: string | undefined;
  return {
    write: (said) => {
      output.write(`${scrub(said)}\n`);
    },
    notice: (said) => {
      const text = scrub(said);
      if (waitingAt === undefined) {
        output.write(`${text}\n`);
      } else if (terminal) {
        // Over the prompt line, then the prompt again with what was typed so far and the cursor where it was.
        cursorTo(output, 0);
        clearScreenDown(output);
        output.write(`${text}\n${waitingAt}${rl.line}`);
        moveCursor(output, rl.cursor - rl.line.length, 0);
      } else {
        output.write(`\n${text}\n${waitingAt}`);
      }
    },
    readLine: async (prompt) => {
      if (ended) return undefined;
      output.write(prompt);
      waitingAt = prompt;
      const next = await lines.next();
      waitingAt = undefined;
      if (next.done === true) {
        ended = true;
        output.write('\n');
        return undefined;
      }
      return next.value;
    },
    close: () => rl.close(),
  };
}
