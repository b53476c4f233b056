import { createInterface } from 'node:readline';
import type { ConsoleIo } from './console-session.ts';

/** Line input and output on a terminal or pipe. */
export function createReadlineIo(input: NodeJS.ReadableStream, output: NodeJS.WritableStream & { isTTY?: boolean }): ConsoleIo & { close(): void } {
  const rl = createInterface({ input, output, terminal: output.isTTY === true });
  const lines = rl[Symbol.asyncIterator]();
  let ended = false;
  return {
    write: (text) => {
      output.write(`${text}\n`);
    },
    readLine: async (prompt) => {
      if (ended) return undefined;
      output.write(prompt);
      const next = await lines.next();
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
