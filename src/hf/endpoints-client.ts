import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { PinbotError } from '../core/errors.ts';
import {
  noMetrics, silentLogger, type EndpointInfo, type Logger, type Metrics, type ModelStatus, type PinnedList, type PinnedModelsApi, type WriteAnswer,
} from '../core/ports.ts';
import { warmPins } from '../core/warm-endpoints.ts';
import { parseRetryAfter } from './client.ts';
import { toTransportError } from './errors.ts';
import { endpointListSchema, endpointSchema, endpointsErrorSchema, type EndpointWire } from './endpoints-schema.ts';
import { describeIssues } from './schema.ts';
import { backoffMs, createPool, parseBaseUrl, redactor, requestHeaders, RETRYABLE_STATUS, retrySettings, type RetryOptions, type TransportTimeouts } from './transport.ts';

export const DEFAULT_ENDPOINTS_API_URL = 'https://api.endpoints.huggingface.cloud/v2';

/** A cold endpoint with no timeout of its own gets this one, so it does scale to zero. */
export const DEFAULT_SCALE_TO_ZERO_MINUTES = 15;

export interface EndpointsClientOptions {
  /** e.g. `https://api.endpoints.huggingface.cloud/v2`; the path prefix is kept. */
  readonly baseUrl: string;
  readonly token: string;
  readonly namespace: string;
  /** The scope's `max_warm`, reported as the list's `allowed`. */
  readonly maxWarm: number;
  readonly timeouts?: TransportTimeouts;
  /** The same rules and defaults as the classic client (src/hf/transport.ts). */
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Removes every configured secret from text the API sent back (error bodies) before it is quoted. */
  readonly scrub?: (text: string) => string;
}

export type EndpointsClient = PinnedModelsApi & { readonly endpoints: NonNullable<PinnedModelsApi['endpoints']>; close(): Promise<void> };

const METRIC_ENDPOINT = 'endpoints';

interface Call {
  readonly method: 'GET' | 'PUT';
  readonly path: string;
  /** The endpoint a call is about; absent for the namespace's list. */
  readonly name?: string;
  readonly body?: string;
}

/** The Inference Endpoints API of one namespace, as the core's port. */
export function createEndpointsClient(options: EndpointsClientOptions): EndpointsClient {
  const base = parseBaseUrl(options.baseUrl, 'Endpoints API base URL');
  const host = base.host;
  const prefix = `${base.pathname.replace(/\/+$/, '')}/endpoint/${encodeURIComponent(options.namespace)}`;
  const { token, namespace } = options;
  const logger = (options.logger ?? silentLogger).child({ component: 'hf-endpoints', host });
  const metrics = options.metrics ?? noMetrics;
  const retry = retrySettings(options.retry);
  const pool = createPool(base.origin, options.timeouts);
  const headers = requestHeaders(token);
  const inFlight = new Map<string, Promise<unknown>>();
  const redact = redactor(token, options.scrub);
  const backoff = (attempt: number): number => backoffMs(retry, attempt);

  /** One logical call with bounded retries: the parsed 2xx body, or a PinbotError. */
  async function send<S extends z.ZodType>(call: Call, schema: S): Promise<z.infer<S>> {
    for (let attempt = 1; ; attempt++) {
      const canRetry = attempt < retry.maxAttempts;
      const started = Date.now();
      let status: number;
      let text: string;
      let retryAfter: string | undefined;
      try {
        const response = await pool.request({
          method: call.method,
          path: prefix + call.path,
          headers: call.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(call.body === undefined ? {} : { body: call.body }),
        });
        text = await response.body.text();
        status = response.statusCode;
        const header = response.headers['retry-after'];
        retryAfter = typeof header === 'string' ? header : undefined;
      } catch (error) {
        metrics.hfRequest(METRIC_ENDPOINT, call.method, 'network', (Date.now() - started) / 1000);
        const cause = toTransportError(error, redact);
        if (!canRetry) {
          throw fail(call, new PinbotError('HF_UNAVAILABLE', `The Inference Endpoints API could not be reached at ${host} after ${tries(attempt)} (${cause.isTimeout ? 'the request timed out' : `network error ${cause.code}`}).`, { attempts: attempt }, { cause }));
        }
        metrics.hfRetry(METRIC_ENDPOINT, 'network');
        await sleep(backoff(attempt));
        continue;
      }
      metrics.hfRequest(METRIC_ENDPOINT, call.method, String(status), (Date.now() - started) / 1000);
      logger.debug({ method: call.method, path: call.path, attempt, status, ms: Date.now() - started }, 'hf endpoints request');
      const json = parseJson(text);
      if (status >= 200 && status < 300) {
        const body = schema.safeParse(json);
        if (!body.success) {
          throw fail(call, new PinbotError('HF_BAD_RESPONSE', `The Inference Endpoints API answered HTTP ${status} with a body pinbot does not understand (${redact(describeIssues(body.error))}).`, { status, attempts: attempt }));
        }
        return body.data;
      }
      const hfMessage = messageOf(json, text, redact);
      if (RETRYABLE_STATUS.has(status) && canRetry) {
        let delay = backoff(attempt);
        const waitMs = status === 429 ? parseRetryAfter(retryAfter) : undefined;
        if (waitMs !== undefined) {
          if (waitMs > retry.maxRetryAfterMs) throw fail(call, refusal(call, status, attempt, hfMessage, Math.ceil(waitMs / 1000)));
          delay = waitMs;
        }
        metrics.hfRetry(METRIC_ENDPOINT, String(status));
        await sleep(delay);
        continue;
      }
      const waitMs = status === 429 ? parseRetryAfter(retryAfter) : undefined;
      throw fail(call, refusal(call, status, attempt, hfMessage, waitMs === undefined ? undefined : Math.ceil(waitMs / 1000)));
    }
  }

  function fail(call: Call, error: PinbotError): PinbotError {
    logger.warn({ method: call.method, path: call.path, code: error.code, status: 'status' in error.details ? error.details.status : undefined }, 'hf endpoints call failed');
    return error;
  }

  /** The sentence for a refusal; Hugging Face's own text is quoted as it came. */
  function refusal(call: Call, status: number, attempts: number, hfMessage: string | undefined, retryAfterSeconds: number | undefined): PinbotError {
    const details = { status, attempts, ...(hfMessage !== undefined ? { hfMessage } : {}) };
    const said = hfMessage !== undefined ? ` Hugging Face said: "${hfMessage}".` : '';
    if (status === 401) return new PinbotError('HF_BAD_TOKEN', `Hugging Face did not accept the token for the endpoints of ${namespace} (HTTP 401).${said}`, details);
    if (status === 403) {
      return new PinbotError('HF_REJECTED', `The token may not ${call.method === 'PUT' ? 'update' : 'read'} the endpoints of ${namespace} (HTTP 403).${said}`, details);
    }
    if (status === 404 && call.name !== undefined) {
      return new PinbotError('HF_UNKNOWN_ENDPOINT', `There is no endpoint ${call.name} in ${namespace} (HTTP 404).${said}`, { ...details, name: call.name });
    }
    if (status === 429) {
      const when = retryAfterSeconds !== undefined ? `try again in ${retryAfterSeconds} seconds` : 'try again later';
      return new PinbotError('HF_RATE_LIMITED', `Hugging Face is rate-limiting this token after ${tries(attempts)}; ${when}.${said}`, {
        ...details, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      });
    }
    if (status >= 500) return new PinbotError('HF_UNAVAILABLE', `The Inference Endpoints API at ${host} is unavailable (HTTP ${status} after ${tries(attempts)}).${said}`, details);
    return new PinbotError('HF_REJECTED', `The Inference Endpoints API refused the request (HTTP ${status}).${said}`, details);
  }

  /** Concurrent identical GETs share one request while it is in flight; nothing is cached after. */
  function singleflight<T>(key: string, run: () => Promise<T>): Promise<T> {
    const existing = inFlight.get(key);
    if (existing) return existing as Promise<T>;
    const promise = run().finally(() => inFlight.delete(key));
    inFlight.set(key, promise);
    return promise;
  }

  const readEndpoint = (name: string): Promise<EndpointInfo> => {
    const path = `/${encodeURIComponent(name)}`;
    return singleflight(`GET ${path}`, async () => toInfo(await send({ method: 'GET', path, name }, endpointSchema)));
  };

  const readNamespace = async (): Promise<PinnedList & { endpoints: EndpointInfo[] }> => {
    const body = await send({ method: 'GET', path: '' }, endpointListSchema);
    const endpoints = body.items.map(toInfo);
    return { pins: warmPins(endpoints), allowed: options.maxWarm, endpoints };
  };

  return {
    readPins(): Promise<PinnedList> {
      return singleflight('GET /', readNamespace);
    },

    writePins(): Promise<WriteAnswer> {
      // The core writes endpoints one by one through `endpoints`; a whole-list write has no meaning here.
      return Promise.reject(new Error('an Inference Endpoints scope is written endpoint by endpoint'));
    },

    async modelStatus(name: string): Promise<ModelStatus> {
      const endpoint = await readEndpoint(name);
      return { modelId: name, loaded: endpoint.state === 'running', state: endpoint.state, computeType: endpoint.instance };
    },

    endpoints: {
      readNamespace,
      readEndpoint,
      async writeMinReplica(name: string, minReplica: number, current: EndpointInfo, coldTimeout?: number): Promise<EndpointInfo> {
        const body = JSON.stringify({ compute: { scaling: scalingBlock(minReplica, current, coldTimeout) } });
        return toInfo(await send({ method: 'PUT', path: `/${encodeURIComponent(name)}`, name, body }, endpointSchema));
      },
    },

    async close(): Promise<void> {
      await pool.close();
    },
  };
}

/**
 * The scaling a PUT sends, valid by the autoscaling guide's rule that `minReplica` must be 0 while
 * scale-to-zero is on: making an endpoint warm turns its timeout off (`null`) when it has one;
 * letting it go cold keeps its own timeout, else restores `coldTimeout`, else sets the default, so
 * that it does scale to zero. Only what changes is sent.
 */
export function scalingBlock(minReplica: number, current: Pick<EndpointInfo, 'scaleToZeroTimeout'>, coldTimeout?: number): {
  minReplica: number; scaleToZeroTimeout?: number | null;
} {
  if (minReplica >= 1) return current.scaleToZeroTimeout === undefined ? { minReplica } : { minReplica, scaleToZeroTimeout: null };
  return { minReplica, scaleToZeroTimeout: current.scaleToZeroTimeout ?? coldTimeout ?? DEFAULT_SCALE_TO_ZERO_MINUTES };
}

function toInfo(wire: EndpointWire): EndpointInfo {
  const { compute } = wire;
  const instance = [compute.accelerator, compute.instanceType, compute.instanceSize].filter((part) => part !== undefined && part !== '').join(' ');
  const timeout = compute.scaling.scaleToZeroTimeout;
  return {
    name: wire.name,
    repository: wire.model.repository,
    minReplica: compute.scaling.minReplica,
    maxReplica: compute.scaling.maxReplica,
    ...(timeout !== null && timeout !== undefined ? { scaleToZeroTimeout: timeout } : {}),
    state: wire.status.state,
    updatedAt: wire.status.updatedAt,
    instance: instance === '' ? 'unknown instance' : instance,
    ...(compute.pricePerHour !== undefined ? { pricePerHour: compute.pricePerHour } : {}),
  };
}

function tries(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function messageOf(json: unknown, text: string, redact: (text: string) => string): string | undefined {
  const envelope = endpointsErrorSchema.safeParse(json);
  if (envelope.success) {
    const said = envelope.data['error'] ?? envelope.data['message'];
    if (typeof said === 'string') return redact(said);
  }
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.length <= 300 && !trimmed.startsWith('<') && json === undefined ? redact(trimmed) : undefined;
}
