import type { Message } from '../../core/domain/ui.ts';
import type { Notifier } from '../../core/follow-ups/notifications.ts';
import type { PinningService, RequestContext } from '../../core/workflow/pinning-service.ts';
import { consoleNotificationChannel } from './console-notices.ts';
import { ConsoleSession } from './console-session.ts';
import { createReadlineIo } from './readline-io.ts';

export interface ConsoleOptions {
  readonly service: PinningService;
  readonly context: RequestContext;
  /** Shown first: which account this console manages (sandbox or real). */
  readonly banner: string;
  readonly assumeYes: boolean;
  /** Every scope's name, for `help`. */
  readonly scopes?: readonly string[];
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where a one-shot run prints its banner, so that its output holds only the answer (stderr). */
  readonly diagnostics: NodeJS.WritableStream;
  /** Removes every configured secret from what is printed (text an upstream sent back included). */
  readonly scrub?: (text: string) => string;
}

/** Runs one command and returns the process exit code: 0 done, 1 refused or failed. */
export async function runOneShot(commandLine: string, options: ConsoleOptions): Promise<number> {
  const io = createReadlineIo(options.input, options.output, options.scrub);
  try {
    const session = new ConsoleSession({ ...options, io, textStyle: { color: options.output.isTTY === true } });
    options.diagnostics.write(`${options.banner}\n`);
    return (await session.run(commandLine)) ? 0 : 1;
  } finally {
    io.close();
  }
}

export interface InteractiveOptions extends ConsoleOptions {
  /** Where load follow-ups and drift alerts come from; they are printed between commands. */
  readonly notifier?: Notifier;
  /** The sandbox's `advance <duration>` (a demo clock); absent on a real account. */
  readonly advance?: (ms: number) => Promise<Message>;
}

/** The interactive console: reads commands until `exit` or the end of input. */
export async function runInteractive(options: InteractiveOptions): Promise<number> {
  const io = createReadlineIo(options.input, options.output, options.scrub);
  const textStyle = { color: options.output.isTTY === true };
  const session = new ConsoleSession({ ...options, io, textStyle });
  options.notifier?.addChannel(consoleNotificationChannel(io, textStyle));
  io.write(options.banner);
  io.write('Type a command (e.g. `list`, `add gpt2 cpu`, `help`), or `exit`.');
  try {
    for (;;) {
      const line = await io.readLine('pinbot> ');
      if (line === undefined) return 0;
      const trimmed = line.trim();
      if (trimmed === '') continue;
      if (/^(exit|quit)$/i.test(trimmed)) return 0;
      await session.run(trimmed);
    }
  } finally {
    io.close();
  }
}
