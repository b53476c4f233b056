import { startEndpointsSimulator, type EndpointsSimulator } from '../../src/backends/endpoints/simulator.ts';
import { TOKEN } from './hf-harness.ts';

/**
 * The Endpoints simulator with the namespace the end-to-end tests share: `llama-chat` warm,
 * `embedder` and `sentiment` cold, for the token `TOKEN`.
 */
export function startAcmeEndpoints(warmupMs: number): Promise<EndpointsSimulator> {
  return startEndpointsSimulator({
    warmupMs,
    accounts: {
      [TOKEN]: {
        namespace: 'acme',
        endpoints: [
          { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
          { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
          { name: 'sentiment', repository: 'distilbert/sst2', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
        ],
      },
    },
  });
}
