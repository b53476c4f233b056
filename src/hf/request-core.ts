import { setTimeout as sleep } from 'node:timers/promises';
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import type { PinbotError } from '../core/domain/errors.ts';
import { noMetrics, silentLogger, type Logger, type Metrics } from '../core/ports.ts';
import { toTransportError, type HfTransportError } from './transport-error.ts';
import { describeIssues } from './response-issues.ts';
import { backoffMs, createPool, redactor, requestHeaders, RETRYABLE_STATUS, retrySettings, type RetryOptions, type TransportTimeouts } from './transport.ts';

/** One HTTP exchange a client asks for; `path` follows the client's prefix and is what logs show. */
export interface RequestCall {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  /** The `endpoint` label of the request metrics. */
  readonly endpoint: string;
  readonly body?: string;
  /**
   * Refusals this call expects now and then and whose caller reports them itself (once, not per
   * call): logged at debug instead of warn.
   */
  readonly quietStatuses?: readonly number[];
}

/** What one HTTP exchange produced, before it is judged. */
export type Exchange =
  | { readonly kind: 'answer'; readonly status: number; readonly text: string; readonly headers: IncomingHttpHeaders; readonly ms: number }
  | { readonly kind: 'network'; readonly error: unknown; readonly ms: number };

/** Everything that can go wrong in one logical call, already free of the token and every scrubbed secret. */
export type RequestFailure =
  | {
      readonly kind: 'http';
      readonly status: number;
      readonly attempts: number;
      /** Hugging Face's own text, verbatim. */
      readonly hfMessage?: string;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'network'; readonly attempts: number; readonly cause: HfTransportError }
  | { readonly kind: 'bad-response'; readonly status: number; readonly attempts: number; readonly problem: string };

/** A 2xx body that is a failure all the same: Hugging Face's message, or what is wrong with it. */
export type FailedAnswer = { readonly hfMessage: string } | { readonly problem: string };

/** What differs from one Hugging Face API to the next; the loop itself does not. */
export interface ApiRules<C extends RequestCall> {
  /** Hugging Face's message in a parsed error body, when the API's envelope holds one. */
  messageOf(json: unknown): string | undefined;
  /** A 2xx answer that still reports a failure; `json` is undefined when the body is not JSON. */
  failedAnswer?(json: unknown, isJson: boolean): FailedAnswer | undefined;
  /** The coded error, and its sentence, for a failed call. */
  toError(failure: RequestFailure, call: C): PinbotError;
  /** The fixed messages of the log lines; a debug line without a message is not written. */
  readonly log: {
    readonly request: string;
    readonly failed: string;
    readonly networkError?: string;
    readonly retry?: string;
    /** Whether the `failed` line carries the number of attempts. */
    readonly failedWithAttempts?: boolean;
  };
}

export interface TransportOptions {
  readonly base: URL;
  /** Prepended to every call's path: the base URL's own path, and what the API adds. */
  readonly prefix: string;
  readonly token: string;
  readonly timeouts?: TransportTimeouts;
  /** A whole exchange that takes longer is aborted (a network failure named TimeoutError). */
  readonly requestTimeoutMs?: number;
  readonly metrics?: Metrics;
}

export interface Transport {
  /** One try over the pool, counted in the request metrics. */
  exchange(call: RequestCall): Promise<Exchange>;
  close(): Promise<void>;
}

/** The pool, headers and request metrics of one Hugging Face API; no judgement of the answers. */
export function createTransport(options: TransportOptions): Transport {
  const pool = createPool(options.base.origin, options.timeouts);
  const headers = requestHeaders(options.token);
  const metrics = options.metrics ?? noMetrics;

  async function exchange(call: RequestCall): Promise<Exchange> {
    const started = performance.now();
    const elapsed = (): number => performance.now() - started;
    try {
      const response = await pool.request({
        method: call.method,
        path: options.prefix + call.path,
        headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(call.body === undefined ? {} : { body: call.body }),
        ...(options.requestTimeoutMs === undefined ? {} : { signal: AbortSignal.timeout(options.requestTimeoutMs) }),
      });
      const text = await response.body.text();
      const ms = elapsed();
      metrics.hfRequest(call.endpoint, call.method, String(response.statusCode), ms / 1000);
      return { kind: 'answer', status: response.statusCode, text, headers: response.headers, ms };
    } catch (error) {
      const ms = elapsed();
      metrics.hfRequest(call.endpoint, call.method, 'network', ms / 1000);
      return { kind: 'network', error, ms };
    }
  }

  return { exchange, close: () => pool.close() };
}

export interface RequestCoreOptions<C extends RequestCall> extends TransportOptions {
  readonly retry?: RetryOptions;
  /** Already the client's child logger. */
  readonly logger?: Logger;
  /** Removes every configured secret from text the API sent back, after the token. */
  readonly scrub?: (text: string) => string;
  readonly rules: ApiRules<C>;
}

export interface RequestCore<C extends RequestCall> {
  /** One logical call with bounded retries: the parsed 2xx body, or the API's PinbotError. */
  send<S extends z.ZodType>(call: C, schema: S): Promise<z.infer<S>>;
  /** The same, for an answer that is text rather than JSON: the 2xx body as it came. */
  sendText(call: C): Promise<string>;
  /** Concurrent identical GETs share one request while it is in flight; nothing is cached after. */
  singleflight<T>(key: string, run: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The request loop every Hugging Face API client shares: network errors and 429/502/503/504 are
 * tried again with backoff (a 429's Retry-After honoured up to a bound), a 2xx body is checked
 * against its schema, anything else becomes the API's coded error and one warn line.
 */
export function createRequestCore<C extends RequestCall>(options: RequestCoreOptions<C>): RequestCore<C> {
  const { rules } = options;
  const transport = createTransport(options);
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics ?? noMetrics;
  const retry = retrySettings(options.retry);
  const redact = redactor(options.token, options.scrub);
  const inFlight = new Map<string, Promise<unknown>>();

  function send<S extends z.ZodType>(call: C, schema: S): Promise<z.infer<S>> {
    return exchangeUntilAnswered(call, (parsed) => {
      const body = schema.safeParse(parsed.value);
      return body.success ? { ok: true, value: body.data as z.infer<S> } : { ok: false, problem: redact(describeIssues(body.error)) };
    });
  }

  function sendText(call: C): Promise<string> {
    return exchangeUntilAnswered(call, (_parsed, text) => ({ ok: true, value: text }));
  }

  async function exchangeUntilAnswered<T>(call: C, accept: (parsed: Parsed, text: string) => { ok: true; value: T } | { ok: false; problem: string }): Promise<T> {
    const fail = (failure: RequestFailure): never => {
      const error = rules.toError(failure, call);
      const status = 'status' in failure ? failure.status : undefined;
      const attempts = rules.log.failedWithAttempts === true ? { attempts: failure.attempts } : {};
      const quiet = status !== undefined && call.quietStatuses?.includes(status) === true;
      logger[quiet ? 'debug' : 'warn']({ method: call.method, path: call.path, code: error.code, status, ...attempts }, rules.log.failed);
      throw error;
    };

    for (let attempt = 1; ; attempt++) {
      const result = await transport.exchange(call);
      const canRetry = attempt < retry.maxAttempts;
      const ms = Math.round(result.ms);

      if (result.kind === 'network') {
        const cause = toTransportError(result.error, redact);
        if (rules.log.networkError !== undefined) {
          logger.debug({ method: call.method, path: call.path, attempt, error: cause.code, ms }, rules.log.networkError);
        }
        if (!canRetry) return fail({ kind: 'network', attempts: attempt, cause });
        metrics.hfRetry(call.endpoint, 'network');
        await sleep(backoffMs(retry, attempt));
        continue;
      }

      const { status, text } = result;
      logger.debug({ method: call.method, path: call.path, attempt, status, ms }, rules.log.request);
      const parsed = parseJson(text);

      if (status >= 200 && status < 300) {
        const failed = rules.failedAnswer?.(parsed.value, parsed.ok);
        if (failed !== undefined) {
          return 'hfMessage' in failed
            ? fail({ kind: 'http', status, attempts: attempt, hfMessage: redact(failed.hfMessage) })
            : fail({ kind: 'bad-response', status, attempts: attempt, problem: failed.problem });
        }
        const body = accept(parsed, text);
        if (!body.ok) return fail({ kind: 'bad-response', status, attempts: attempt, problem: body.problem });
        return body.value;
      }

      const hfMessage = parsed.ok ? rules.messageOf(parsed.value) : plainText(text);
      const failure: RequestFailure = {
        kind: 'http',
        status,
        attempts: attempt,
        ...(hfMessage !== undefined ? { hfMessage: redact(hfMessage) } : {}),
      };
      if (!RETRYABLE_STATUS.has(status)) return fail(failure);

      let delay = backoffMs(retry, attempt);
      if (status === 429) {
        const header = result.headers['retry-after'];
        const waitMs = parseRetryAfter(typeof header === 'string' ? header : undefined);
        if (waitMs !== undefined) {
          const rateLimited = { ...failure, retryAfterSeconds: Math.ceil(waitMs / 1000) };
          if (waitMs > retry.maxRetryAfterMs || !canRetry) return fail(rateLimited);
          delay = waitMs;
        }
      }
      if (!canRetry) return fail(failure);
      if (rules.log.retry !== undefined) {
        logger.debug({ method: call.method, path: call.path, attempt, status, delayMs: Math.round(delay) }, rules.log.retry);
      }
      metrics.hfRetry(call.endpoint, String(status));
      await sleep(delay);
    }
  }

  function singleflight<T>(key: string, run: () => Promise<T>): Promise<T> {
    const existing = inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const promise = run().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  return { send, sendText, singleflight, close: () => transport.close() };
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly value: undefined };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, value: undefined };
  }
}

/** A short plain-text body (proxies, gateways) is quoted; an HTML page is not. */
function plainText(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= 300 && !trimmed.startsWith('<') ? trimmed : undefined;
}

/** `Retry-After` as delta-seconds or an HTTP-date, in milliseconds. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
