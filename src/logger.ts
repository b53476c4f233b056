import { pino } from 'pino';
import type { Logger } from './core/ports.ts';

/** Keys whose values never reach a log line, wherever they sit in the logged object. */
const REDACTED_KEYS = ['token', 'hfToken', 'botToken', 'appToken', 'signingSecret', 'authorization', 'Authorization', 'password'];

export function createLogger(level: string, destination: 1 | 2 = 1): Logger {
  return pino(
    {
      level,
      redact: { paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((key) => `*.${key}`)], censor: '[redacted]' },
      base: { app: 'pinbot' },
    },
    pino.destination({ fd: destination, sync: false }),
  );
}
