import { isPinbotError } from '../../core/domain/errors.ts';
import type { Clock, Logger } from '../../core/ports.ts';
import type { PriceList } from './hardware.ts';

/** Prices change rarely: the catalogue is read at most once an hour. */
export const CATALOGUE_TTL_MS = 60 * 60 * 1000;
/** After a failed read, the next one waits this long, so a broken catalogue costs one request a minute, not one per list. */
export const CATALOGUE_RETRY_MS = 60 * 1000;

export interface CachedPrices {
  /**
   * The prices read within the hour, else read now; undefined when the catalogue cannot be read
   * and none was read before. Never throws: a missing price makes a cost unknown, never a failure.
   */
  current(): Promise<PriceList | undefined>;
}

/**
 * One namespace's hardware catalogue, read at most once per `ttlMs` (readers at the same moment
 * share one read). A failed read keeps the prices read before, if any, and is tried again after
 * `retryMs`.
 */
export function cachedPrices(read: () => Promise<PriceList>, options: { clock: Clock; logger: Logger; ttlMs?: number; retryMs?: number }): CachedPrices {
  const ttlMs = options.ttlMs ?? CATALOGUE_TTL_MS;
  const retryMs = options.retryMs ?? CATALOGUE_RETRY_MS;
  let prices: PriceList | undefined;
  let nextReadAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<PriceList | undefined> | undefined;

  async function refresh(): Promise<PriceList | undefined> {
    try {
      prices = await read();
      nextReadAt = options.clock.now() + ttlMs;
    } catch (error) {
      nextReadAt = options.clock.now() + retryMs;
      options.logger.warn({ code: isPinbotError(error) ? error.code : 'UNKNOWN', keptEarlier: prices !== undefined }, 'hardware catalogue unreadable; prices unknown');
    }
    return prices;
  }

  return {
    current() {
      if (options.clock.now() < nextReadAt) return Promise.resolve(prices);
      reading ??= refresh().finally(() => {
        reading = undefined;
      });
      return reading;
    },
  };
}
