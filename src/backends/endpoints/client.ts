import { PinbotError } from '../../core/domain/errors.ts';
import { silentLogger, systemClock, type Clock, type Logger, type Metrics, type ModelStatus } from '../../core/ports.ts';
import type { EndpointInfo, EndpointsScopeApi, NamespaceState } from './api.ts';
import { hardwareOf, priceList, type PriceList } from './hardware.ts';
import { warmPins } from './plan.ts';
import { cachedPrices } from './price-cache.ts';
import { endpointListSchema, endpointSchema, endpointsErrorSchema, hardwareCatalogueSchema, type EndpointWire } from './schema.ts';
import { createRequestCore, type ApiRules, type RequestCall } from '../../hf/request-core.ts';
import { parseBaseUrl, type RetryOptions, type TransportTimeouts } from '../../hf/transport.ts';

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
  /** The scope's `max_cost_per_hour`, reported with the namespace. */
  readonly maxCostPerHour?: number;
  /** When the hardware catalogue was last read (it is read at most hourly); the system clock by default. */
  readonly clock?: Clock;
  readonly timeouts?: TransportTimeouts;
  /** The same rules and defaults as the classic client (src/hf/transport.ts). */
  readonly retry?: RetryOptions;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Removes every configured secret from text the API sent back (error bodies) before it is quoted. */
  readonly scrub?: (text: string) => string;
}

export type EndpointsClient = EndpointsScopeApi & { close(): Promise<void> };

interface Call extends RequestCall {
  readonly method: 'GET' | 'PUT';
  /** The endpoint a call is about; absent for the namespace's list. */
  readonly name?: string;
}

/** One metric label for the whole API: endpoint names are the user's and unbounded. */
const METRIC_ENDPOINT = 'endpoints';

/** The Endpoints API's error bodies and its own sentences for a namespace's failures. */
function endpointsRules(host: string, namespace: string): ApiRules<Call> {
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

  return {
    messageOf(json) {
      const envelope = endpointsErrorSchema.safeParse(json);
      const said = envelope.success ? envelope.data['error'] ?? envelope.data['message'] : undefined;
      return typeof said === 'string' ? said : undefined;
    },
    toError(failure, call) {
      const { attempts } = failure;
      if (failure.kind === 'network') {
        const what = failure.cause.isTimeout ? 'the request timed out' : `network error ${failure.cause.code}`;
        return new PinbotError('HF_UNAVAILABLE', `The Inference Endpoints API could not be reached at ${host} after ${tries(attempts)} (${what}).`, { attempts }, { cause: failure.cause });
      }
      if (failure.kind === 'bad-response') {
        return new PinbotError('HF_BAD_RESPONSE', `The Inference Endpoints API answered HTTP ${failure.status} with a body pinbot does not understand (${failure.problem}).`, {
          status: failure.status, attempts,
        });
      }
      return refusal(call, failure.status, attempts, failure.hfMessage, failure.retryAfterSeconds);
    },
    log: { request: 'hf endpoints request', failed: 'hf endpoints call failed' },
  };
}

/** The Inference Endpoints API of one namespace, for the endpoints backend. */
export function createEndpointsClient(options: EndpointsClientOptions): EndpointsClient {
  const base = parseBaseUrl(options.baseUrl, 'Endpoints API base URL');
  const { namespace } = options;
  const logger = (options.logger ?? silentLogger).child({ component: 'hf-endpoints', host: base.host });
  const coreAt = (route: string) => createRequestCore<Call>({
    base,
    prefix: `${base.pathname.replace(/\/+$/, '')}/${route}/${encodeURIComponent(namespace)}`,
    token: options.token,
    timeouts: options.timeouts,
    retry: options.retry,
    logger,
    metrics: options.metrics,
    scrub: options.scrub,
    rules: endpointsRules(base.host, namespace),
  });
  const core = coreAt('endpoint');
  const { send, singleflight } = core;
  // The hardware catalogue lives beside the endpoints, at /provider/{namespace}.
  const catalogueCore = coreAt('provider');
  const readPriceList = async (): Promise<PriceList> => priceList(await catalogueCore.send({ method: 'GET', path: '', endpoint: METRIC_ENDPOINT }, hardwareCatalogueSchema));
  const prices = cachedPrices(readPriceList, { clock: options.clock ?? systemClock, logger });

  const readEndpoint = (name: string): Promise<EndpointInfo> => {
    const path = `/${encodeURIComponent(name)}`;
    return singleflight(`GET ${path}`, async () => toInfo(await send({ method: 'GET', path, name, endpoint: METRIC_ENDPOINT }, endpointSchema)));
  };

  const readNamespace = async (): Promise<NamespaceState> => {
    const [body, known] = await Promise.all([send({ method: 'GET', path: '', endpoint: METRIC_ENDPOINT }, endpointListSchema), prices.current()]);
    const endpoints = body.items.map((wire) => withPrice(toInfo(wire), known));
    return {
      pins: warmPins(endpoints), allowed: options.maxWarm, endpoints,
      ...(options.maxCostPerHour !== undefined ? { maxCostPerHour: options.maxCostPerHour } : {}),
      ...(known === undefined ? { catalogueUnread: true } : {}),
    };
  };

  return {
    readPins(): Promise<NamespaceState> {
      return singleflight('GET /', readNamespace);
    },

    async modelStatus(name: string): Promise<ModelStatus> {
      const endpoint = await readEndpoint(name);
      return { modelId: name, loaded: endpoint.state === 'running', state: endpoint.state, computeType: endpoint.instance };
    },

    openMetrics(name: string): Promise<string> {
      // 403 and 404 mean a plan without metrics: the usage sampler reports that once, not per call.
      return core.sendText({
        method: 'GET', path: `/${encodeURIComponent(name)}/open-metrics`, name, endpoint: METRIC_ENDPOINT, quietStatuses: [403, 404],
      });
    },

    endpoints: {
      readNamespace,
      readEndpoint,
      async writeMinReplica(name: string, minReplica: number, current: EndpointInfo, coldTimeout?: number): Promise<EndpointInfo> {
        const body = JSON.stringify({ compute: { scaling: scalingBlock(minReplica, current, coldTimeout) } });
        return toInfo(await send({ method: 'PUT', path: `/${encodeURIComponent(name)}`, name, body, endpoint: METRIC_ENDPOINT }, endpointSchema));
      },
    },

    async close(): Promise<void> {
      await Promise.all([core.close(), catalogueCore.close()]);
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
  const hardware = hardwareOf(wire);
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
    ...(hardware !== undefined ? { hardware } : {}),
  };
}

/** The endpoint with its price per replica-hour, when the catalogue has one for its hardware. */
function withPrice(endpoint: EndpointInfo, prices: PriceList | undefined): EndpointInfo {
  const price = endpoint.hardware && prices?.priceOf(endpoint.hardware);
  return price === undefined ? endpoint : { ...endpoint, pricePerHour: price };
}

function tries(attempts: number): string {
  return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}
