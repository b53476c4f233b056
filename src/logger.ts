import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino, type Level, type Logger as PinoLogger } from 'pino';
import type { PinoPretty as PinoPrettyFactory } from 'pino-pretty';
import type { Logger } from './core/ports.ts';
import { SecretScrubber } from './secrets.ts';

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const REDACTED_KEYS = ['token', 'hfToken', 'botToken', 'appToken', 'signingSecret', 'authorization', 'Authorization', 'password'];

export interface LoggerOptions {
  readonly level: string;
  /**
   * Exact secret values (tokens, signing secrets) replaced in every line before it is written; the
   * composition root passes its scrubber, which learns the scopes' tokens once they are loaded.
   */
  readonly secrets: readonly (string | undefined)[] | SecretScrubber;
  /** Where lines go; standard output by default. */
  readonly sink?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Human-readable lines instead of JSON; defaults to whether the sink is a terminal. */
  readonly pretty?: boolean;
}

/**
 * A pino logger whose sink scrubs every known secret from each line, so a token that slips into
 * a message or an error's text is still never written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const sink = options.sink ?? process.stdout;
  const scrubber = options.secrets instanceof SecretScrubber ? options.secrets : new SecretScrubber(options.secrets);
  const pretty = options.pretty ?? sink.isTTY === true;
  const target: NodeJS.WritableStream = pretty ? loadPretty()({ colorize: sink.isTTY === true, destination: sink, sync: true }) : sink;
  const scrubbing = new Writable({
    write(chunk: Buffer, _encoding, done) {
      target.write(scrubber.scrub(chunk.toString('utf8')));
      done();
    },
  });
  const root = pino(
    {
      level: options.level,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`)], censor: '[redacted]' },
      base: { app: 'pinbot' },
    },
    scrubbing,
  );
  return new LazyLogger(root, undefined, {});
}

/**
 * Child loggers bind their fields when they first write a line. Each chat request makes one (its
 * user, channel, interaction) and most write nothing; a pino child with redaction costs several
 * microseconds to make, spent on the thread that acks the next request. A class rather than a
 * set of closures: making one is a single small allocation.
 */
class LazyLogger implements Logger {
  #bound: PinoLogger | undefined;

  constructor(
    private readonly root: PinoLogger,
    private readonly parent: LazyLogger | undefined,
    private readonly fields: Record<string, unknown>,
  ) {}

  debug(fields: Record<string, unknown>, message: string): void {
    this.write('debug', fields, message);
  }

  info(fields: Record<string, unknown>, message: string): void {
    this.write('info', fields, message);
  }

  warn(fields: Record<string, unknown>, message: string): void {
    this.write('warn', fields, message);
  }

  error(fields: Record<string, unknown>, message: string): void {
    this.write('error', fields, message);
  }

  child(fields: Record<string, unknown>): Logger {
    return new LazyLogger(this.root, this, fields);
  }

  private write(level: Level, fields: Record<string, unknown>, message: string): void {
    if (this.root.isLevelEnabled(level)) this.pino()[level](fields, message);
  }

  private pino(): PinoLogger {
    return (this.#bound ??= this.parent === undefined ? this.root : this.parent.pino().child(this.fields));
  }
}

/** The pretty printer is only for terminals; servers writing JSON never load it. */
function loadPretty(): typeof PinoPrettyFactory {
  const require = createRequire(import.meta.url);
  return (require('pino-pretty') as { PinoPretty: typeof PinoPrettyFactory }).PinoPretty;
}
