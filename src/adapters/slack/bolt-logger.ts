import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../core/ports.ts';

const SEVERITY: Readonly<Record<LogLevel, number>> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

/** Slack token shapes (`xoxb-…`, `xapp-…`, …), scrubbed even when not among the known secrets. */
const TOKEN_SHAPE = /\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g;
const DETAIL_LIMIT = 1000;

/**
 * Bolt's (and the Web API and Socket Mode clients') logger, routed into pinbot's at `warn`.
 * Every line is scrubbed of the given secrets and of anything shaped like a Slack token.
 */
export function createBoltLogger(logger: Logger, secrets: readonly (string | undefined)[], level: LogLevel = LogLevel.WARN): BoltLogger {
  let current = level;
  const known = secrets.filter((secret): secret is string => secret !== undefined && secret.length >= 4);
  const scrub = (value: string): string => known.reduce((out, secret) => out.split(secret).join('[redacted]'), value).replace(TOKEN_SHAPE, '[redacted]');
  const emit = (requested: LogLevel, parts: unknown[]): void => {
    // The Web API client warns of every failed HTTP attempt; whoever made the call reports the
    // failure once, in a sentence (at start-up, one per attempt), so these only help debugging.
    const at = requested === LogLevel.WARN && typeof parts[0] === 'string' && parts[0].startsWith('http request failed') ? LogLevel.DEBUG : requested;
    if (SEVERITY[at] < SEVERITY[current]) return;
    const detail = scrub(parts.map(describe).join(' ')).slice(0, DETAIL_LIMIT);
    const fields = { source: 'slack-sdk', detail };
    if (at === LogLevel.ERROR) logger.error(fields, 'slack sdk error');
    else if (at === LogLevel.WARN) logger.warn(fields, 'slack sdk warning');
    else if (at === LogLevel.INFO) logger.info(fields, 'slack sdk info');
    else logger.debug(fields, 'slack sdk debug');
  };
  return {
    debug: (...parts: unknown[]) => emit(LogLevel.DEBUG, parts),
    info: (...parts: unknown[]) => emit(LogLevel.INFO, parts),
    warn: (...parts: unknown[]) => emit(LogLevel.WARN, parts),
    error: (...parts: unknown[]) => emit(LogLevel.ERROR, parts),
    setLevel: (next: LogLevel) => {
      current = next;
    },
    getLevel: () => current,
    setName: () => undefined,
  };
}

/** Messages and names only: no stack traces, no request objects (they may carry headers). */
function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  if (typeof part === 'number' || typeof part === 'boolean') return String(part);
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return '[unprintable]';
  }
}
