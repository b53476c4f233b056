import { startEndpointsSimulator, type EndpointsSimulator } from '../../src/backends/endpoints/simulator.ts';
import { TOKEN } from './hf-harness.ts';
import { pricedEndpoints } from './priced-endpoints.ts';

/**
 * The Endpoints simulator with the namespace the end-to-end tests share: `llama-chat` warm,
 * `embedder` and `sentiment` cold, for the token `TOKEN`. `metricsPlan: false` gives the namespace
 * a plan without the metrics API (its open-metrics route answers 403).
 */
export function startAcmeEndpoints(warmupMs: number, options: { metricsPlan?: boolean } = {}): Promise<EndpointsSimulator> {
  return startEndpointsSimulator({
    warmupMs,
    accounts: {
      [TOKEN]: {
        namespace: 'acme',
        ...(options.metricsPlan !== undefined ? { metricsPlan: options.metricsPlan } : {}),
        endpoints: [
          { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
          { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
          { name: 'sentiment', repository: 'distilbert/sst2', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
        ],
      },
    },
  });
}

/**
 * The Endpoints simulator with `acme` on the hardware of `PRICED_ENDPOINTS` (priced-endpoints.ts):
 * `llama-chat` warm at $1.00 per replica-hour, `embedder` $0.80, `sentiment` $0.033, and
 * `sentiment-eu` on hardware the catalogue does not list.
 */
export function startPricedAcmeEndpoints(warmupMs: number): Promise<EndpointsSimulator> {
  return startEndpointsSimulator({ warmupMs, accounts: { [TOKEN]: { namespace: 'acme', endpoints: pricedEndpoints() } } });
}
