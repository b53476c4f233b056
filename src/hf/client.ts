import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { PinbotError } from '../core/errors.ts';
import { pinToWire, type Pin } from '../core/pin.ts';
import { noMetrics, silentLogger, type Logger, type Metrics, type ModelStatus, type PinnedList, type PinnedModelsApi, type WriteAnswer } from '../core/ports.ts';
import { toPinbotError, toTransportError, type HfEndpoint, type HfFailure } from './errors.ts';
import { backoffMs, createPool, parseBaseUrl, redactor, requestHeaders, RETRYABLE_STATUS, retrySettings, type RetryOptions, type TransportTimeouts } from './transport.ts';
import {
  describeIssues,
  errorEnvelopeSchema,
  errorText,
  modelStatusResponseSchema,
  pinnedModelsResponseSchema,
  pinWriteResponseSchema,
  type PinnedModelEntry,
} from './schema.ts';

export interface HfClientOptions {
  /** e.g. `https://api-inference.huggingface.co`; a path prefix is kept. */
  readonly baseUrl: string;
  readonly token: string;
  readonly timeouts?: TransportTimeouts;
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Removes every configured secret from text the API sent back (error bodies) before it is quoted. */
  readonly scrub?: (text: string) => string;
}

export type HfClient = PinnedModelsApi & { close(): Promise<void> };

/** What one HTTP exchange produced, before it is judged. */
type Exchange =
  | { readonly kind: 'answer'; readonly status: number; readonly text: string; readonly retryAfter?: string }
  | { readonly kind: 'network'; readonly error: unknown };

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly endpoint: HfEndpoint;
  readonly body?: string;
  readonly modelId?: string;
}

export function createHfClient(options: HfClientOptions): HfClient {
  const base = parseBaseUrl(options.baseUrl, 'HF API base URL');
  const host = base.host;
  const prefix = base.pathname.replace(/\/+$/, '');
  const token = options.token;
  const logger = (options.logger ?? silentLogger).child({ component: 'hf', host });
  const metrics = options.metrics ?? noMetrics;
  const retry = retrySettings(options.retry);
  const pool = createPool(base.origin, options.timeouts);
  const headers = requestHeaders(token);
  const inFlight = new Map<string, Promise<unknown>>();

  const redact = redactor(token, options.scrub);

  async function exchange(call: Call): Promise<Exchange> {
    try {
      const response = await pool.request({
        method: call.method,
        path: prefix + call.path,
        headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(call.body === undefined ? {} : { body: call.body }),
      });
      const text = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'answer',
        status: response.statusCode,
        text,
        ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
      };
    } catch (error) {
      return { kind: 'network', error };
    }
  }

  const backoff = (attempt: number): number => backoffMs(retry, attempt);

  /** Sends one logical call with bounded retries; returns the parsed 2xx body or throws a PinbotError. */
  async function send<S extends z.ZodType>(call: Call, schema: S): Promise<z.infer<S>> {
    const fail = (failure: HfFailure): never => {
      const error = toPinbotError(failure);
      const status = 'status' in failure ? failure.status : undefined;
      logger.warn({ method: call.method, path: call.path, code: error.code, status, attempts: failure.attempts }, 'hf call failed');
      throw error;
    };
    const where = { endpoint: call.endpoint, host, ...(call.modelId !== undefined ? { modelId: call.modelId } : {}) };

    for (let attempt = 1; ; attempt++) {
      const started = Date.now();
      const result = await exchange(call);
      const canRetry = attempt < retry.maxAttempts;

      const seconds = (Date.now() - started) / 1000;
      metrics.hfRequest(call.endpoint, call.method, result.kind === 'network' ? 'network' : String(result.status), seconds);

      if (result.kind === 'network') {
        const cause = toTransportError(result.error, redact);
        logger.debug({ method: call.method, path: call.path, attempt, error: cause.code, ms: Date.now() - started }, 'hf request failed');
        if (!canRetry) return fail({ ...where, kind: 'network', attempts: attempt, cause });
        metrics.hfRetry(call.endpoint, 'network');
        await sleep(backoff(attempt));
        continue;
      }

      const { status, text } = result;
      logger.debug({ method: call.method, path: call.path, attempt, status, ms: Date.now() - started }, 'hf request');
      const parsed = parseJson(text);

      if (status >= 200 && status < 300) {
        const envelope = errorEnvelopeSchema.safeParse(parsed.value);
        if (envelope.success) {
          // huggingface_hub treats a 200 carrying `error` as a failure; so does pinbot.
          return fail({ ...where, kind: 'http', status, attempts: attempt, hfMessage: redact(errorText(envelope.data)) });
        }
        if (!parsed.ok) return fail({ ...where, kind: 'bad-response', status, attempts: attempt, problem: 'the body is not JSON' });
        const body = schema.safeParse(parsed.value);
        if (!body.success) return fail({ ...where, kind: 'bad-response', status, attempts: attempt, problem: redact(describeIssues(body.error)) });
        return body.data;
      }

      const hfMessage = messageOf(parsed, text);
      const failure: HfFailure = {
        ...where,
        kind: 'http',
        status,
        attempts: attempt,
        ...(hfMessage !== undefined ? { hfMessage: redact(hfMessage) } : {}),
      };
      if (!RETRYABLE_STATUS.has(status)) return fail(failure);

      let delay = backoff(attempt);
      if (status === 429) {
        const waitMs = parseRetryAfter(result.retryAfter);
        if (waitMs !== undefined) {
          const rateLimited = { ...failure, retryAfterSeconds: Math.ceil(waitMs / 1000) };
          if (waitMs > retry.maxRetryAfterMs || !canRetry) return fail(rateLimited);
          delay = waitMs;
        }
      }
      if (!canRetry) return fail(failure);
      logger.debug({ method: call.method, path: call.path, attempt, status, delayMs: Math.round(delay) }, 'hf retry');
      metrics.hfRetry(call.endpoint, String(status));
      await sleep(delay);
    }
  }

  /** Concurrent identical GETs share one request while it is in flight; nothing is cached after. */
  function singleflight<T>(key: string, run: () => Promise<T>): Promise<T> {
    const existing = inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const promise = run().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  return {
    readPins(): Promise<PinnedList> {
      const path = '/usage/pinned_models';
      return singleflight(`GET ${path}`, async () => {
        const body = await send({ method: 'GET', path, endpoint: 'pinned_models' }, pinnedModelsResponseSchema);
        return { pins: body.pinned_models.map(entryToPin), allowed: body.allowed_pinned_models };
      });
    },

    async writePins(pins: readonly Pin[]): Promise<WriteAnswer> {
      const body = JSON.stringify({ pinned_models: pins.map(pinToWire) });
      const answer = await send({ method: 'POST', path: '/usage/pinned_models', endpoint: 'pinned_models', body }, pinWriteResponseSchema);
      return { message: answer.ok, ...(answer.pinned_models ? { pins: answer.pinned_models.map(entryToPin) } : {}) };
    },

    modelStatus(modelId: string): Promise<ModelStatus> {
      const path = `/status/${encodeModelPath(modelId)}`;
      return singleflight(`GET ${path}`, async () => {
        const body = await send({ method: 'GET', path, endpoint: 'status', modelId }, modelStatusResponseSchema);
        return {
          modelId,
          loaded: body.loaded,
          state: body.state,
          ...(body.compute_type !== undefined ? { computeType: body.compute_type } : {}),
          ...(body.framework !== undefined ? { framework: body.framework } : {}),
        };
      });
    },

    async close(): Promise<void> {
      await pool.close();
    },
  };
}

function entryToPin(entry: PinnedModelEntry): Pin {
  return { modelId: entry.model_id, computeType: entry.compute_type, wire: entry };
}

/** `google/flan-t5-xxl` → `google/flan-t5-xxl`: each segment encoded, the slash kept. */
export function encodeModelPath(modelId: string): string {
  const segments = modelId.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new PinbotError('INVALID_MODEL_ID', `"${modelId}" is not a model id.`, { modelId, reason: 'empty or relative path segment' });
  }
  return segments.map(encodeURIComponent).join('/');
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly value: undefined };

function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, value: undefined };
  }
}

/** Hugging Face's `error` text; a short plain-text body when there is no envelope (proxies, gateways). */
function messageOf(parsed: Parsed, text: string): string | undefined {
  const envelope = errorEnvelopeSchema.safeParse(parsed.value);
  if (envelope.success) return errorText(envelope.data);
  const trimmed = text.trim();
  if (!parsed.ok && trimmed.length > 0 && trimmed.length <= 300 && !trimmed.startsWith('<')) return trimmed;
  return undefined;
}

/** `Retry-After` as delta-seconds or an HTTP-date, in milliseconds. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
