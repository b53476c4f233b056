import { Pool } from 'undici';

/** Timeouts of one connection pool to a Hugging Face API. */
export interface TransportTimeouts {
  readonly connectMs?: number;
  readonly headersMs?: number;
  readonly bodyMs?: number;
}

/** How a client retries one logical call; every Hugging Face client follows the same rules. */
export interface RetryOptions {
  /** Total tries of one logical call, the first included. */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A 429 asking to wait longer than this fails at once with HF_RATE_LIMITED. */
  readonly maxRetryAfterMs?: number;
}

export type RetrySettings = Required<RetryOptions>;

const DEFAULTS = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 3000,
  maxRetryAfterMs: 30_000,
  connectMs: 5000,
  headersMs: 15_000,
  bodyMs: 15_000,
} as const;

/** Network errors aside, the answers worth another try. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function retrySettings(options: RetryOptions | undefined): RetrySettings {
  return {
    maxAttempts: Math.max(1, options?.maxAttempts ?? DEFAULTS.maxAttempts),
    baseDelayMs: options?.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options?.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
  };
}

/** Exponential backoff with full jitter: a random wait up to the attempt's ceiling. */
export function backoffMs(retry: RetrySettings, attempt: number): number {
  return Math.random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
}

/** `baseUrl` parsed; anything but http(s) is refused with a sentence naming it (`what`). */
export function parseBaseUrl(baseUrl: string, what: string): URL {
  const base = new URL(baseUrl);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`${what} must be http or https, got ${base.protocol}`);
  return base;
}

/** The headers of every request to Hugging Face; the token's only when there is one. */
export function requestHeaders(token: string | undefined): Record<string, string> {
  return { 'user-agent': 'pinbot', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/**
 * Replaces `token` wherever it appears, so that no error or log line carries it; `scrub` then
 * removes every other configured secret an upstream may echo (another scope's token, the chat
 * platforms' tokens), before the text becomes an error a chat message quotes.
 */
export function redactor(token: string, scrub: (text: string) => string = (text) => text): (text: string) => string {
  return (text) => scrub(token.length > 0 ? text.split(token).join('[redacted]') : text);
}

export function createPool(origin: string, timeouts: TransportTimeouts | undefined): Pool {
  return new Pool(origin, {
    connect: { timeout: timeouts?.connectMs ?? DEFAULTS.connectMs },
    headersTimeout: timeouts?.headersMs ?? DEFAULTS.headersMs,
    bodyTimeout: timeouts?.bodyMs ?? DEFAULTS.bodyMs,
    keepAliveTimeout: 10_000,
  });
}
