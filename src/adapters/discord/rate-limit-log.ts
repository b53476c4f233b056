import type { RateLimitData } from 'discord.js';
import type { Logger } from '../../core/ports.ts';

/** At most one summary line per this long. */
const SUMMARY_INTERVAL_MS = 10_000;

/**
 * Logs discord.js's rate-limit queueing without a line per request. Past Discord's global 50
 * requests per second (a burst of channel posts; before interaction answers had a client of their
 * own, a burst of answers) discord.js queues every further request and reports each one: 150 lines
 * for a burst of 200, each redacted and written on the thread that acks the next interactions.
 * The first queued request is logged at once; the ones queued in the next interval are counted,
 * and written as one line when it ends.
 */
export interface RateLimitLog {
  queued(info: RateLimitData): void;
  /** Writes the count not yet written and stops the interval; for shutdown. */
  flush(): void;
}

export function createRateLimitLog(logger: Logger, intervalMs = SUMMARY_INTERVAL_MS): RateLimitLog {
  let interval: NodeJS.Timeout | undefined;
  let counted = 0;
  let globalCounted = 0;
  let latest: RateLimitData | undefined;

  const flush = (): void => {
    clearTimeout(interval);
    interval = undefined;
    if (latest !== undefined && counted > 0) {
      logger.warn({ ...fieldsOf(latest), queued: counted, globalQueued: globalCounted, intervalMs }, 'discord rate limit: more requests queued');
    }
    counted = 0;
    globalCounted = 0;
    latest = undefined;
  };

  return {
    queued: (info) => {
      if (interval === undefined) {
        logger.warn(fieldsOf(info), 'discord rate limit: request queued');
        interval = setTimeout(flush, intervalMs);
        interval.unref();
        return;
      }
      counted++;
      if (info.global) globalCounted++;
      latest = info;
    },
    flush,
  };
}

/** Routes are buckets (`/webhooks/:id/:token`): the real URL holds interaction tokens. */
function fieldsOf(info: RateLimitData): Record<string, unknown> {
  return { route: info.route, method: info.method, retryAfterMs: info.retryAfter, global: info.global, scope: info.scope };
}
