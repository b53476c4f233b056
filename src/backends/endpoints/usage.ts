import type { UsageSource } from '../../core/backend.ts';
import { isPinbotError } from '../../core/domain/errors.ts';
import { statusClassOf, type Latency, type StatusClass, type UsageCounter, type UsageReading } from '../../core/domain/usage.ts';
import type { EndpointsScopeApi, NamespaceState } from './api.ts';
import { parseEndpointMetrics, type EndpointMetrics } from './open-metrics.ts';
import { replicasOf } from './plan.ts';

/**
 * Usage of a namespace's endpoints, from each endpoint's OpenMetrics snapshot: `http_requests` per
 * replica and status code, summed by status class, and the latency quantiles. What keeping one warm
 * costs is its price per replica-hour times its minimum replicas, where the API gives the price.
 * `idleAfterMs` is the scope's `idle_after`; without it, no idle endpoint is told of.
 */
export function endpointsUsage(api: EndpointsScopeApi, namespace: string, idleAfterMs?: number): UsageSource<NamespaceState> {
  return {
    ...(idleAfterMs !== undefined ? { idleAfterMs } : {}),
    entries: async () => (await api.readPins()).endpoints.map((endpoint) => endpoint.name),
    entriesIn: (live) => live.endpoints.map((endpoint) => endpoint.name),
    sample: async (name): Promise<UsageReading> => {
      let text: string;
      try {
        text = await api.openMetrics(name);
      } catch (error) {
        const status = isPinbotError(error) && 'status' in error.details ? error.details.status : undefined;
        if (status === 403 || status === 404) return { kind: 'denied', reason: metricsDenied(namespace, status) };
        throw error;
      }
      return { kind: 'sample', sample: toSample(parseEndpointMetrics(text)) };
    },
    readyCostPerHour: (pin, live) => {
      const price = pricesIn(live).get(pin.modelId);
      return price === undefined ? undefined : price * replicasOf(pin);
    },
  };
}

/** Each endpoint's price per replica-hour in one live state, looked up by name: a report asks for every endpoint's. */
const pricesByState = new WeakMap<NamespaceState, Map<string, number>>();

function pricesIn(live: NamespaceState): Map<string, number> {
  let prices = pricesByState.get(live);
  if (prices === undefined) {
    prices = new Map(live.endpoints.flatMap((endpoint) => (endpoint.pricePerHour !== undefined ? [[endpoint.name, endpoint.pricePerHour] as const] : [])));
    pricesByState.set(live, prices);
  }
  return prices;
}

/** The sentence `usage` shows for a namespace whose plan has no metrics. */
export function metricsDenied(namespace: string, status: number): string {
  return `The Inference Endpoints metrics of ${namespace} are not readable with this token (HTTP ${status}): `
    + 'the metrics API is in beta and needs a Team or Enterprise plan, so pinbot keeps no usage for this scope.';
}

/**
 * One counter per (replica, status code), lines that differ only in other labels summed; each with
 * its status class. Quantiles 0.5, 0.9 and 0.99 as p50, p90 and p99.
 */
export function toSample(metrics: EndpointMetrics): { counters: UsageCounter[]; latency?: Latency } {
  const sums = new Map<string, { instance: string; status: StatusClass; series: string; value: number }>();
  for (const { replica, statusCode, value } of metrics.requests) {
    const status = statusClassOf(statusCode);
    if (status === undefined) continue;
    const key = `${replica}\u0000${statusCode}`;
    const sum = sums.get(key) ?? { instance: replica, status, series: String(statusCode), value: 0 };
    sums.set(key, { ...sum, value: sum.value + value });
  }
  const quantile = (q: number) => metrics.latencyQuantiles.get(q);
  const [p50, p90, p99] = [quantile(0.5), quantile(0.9), quantile(0.99)];
  const latency: Latency = { ...(p50 !== undefined ? { p50 } : {}), ...(p90 !== undefined ? { p90 } : {}), ...(p99 !== undefined ? { p99 } : {}) };
  return { counters: [...sums.values()], ...(Object.keys(latency).length > 0 ? { latency } : {}) };
}
