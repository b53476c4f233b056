// The namespace the usage part measures against: `count` cold endpoints with counters to read.
import { startEndpointsSimulator, type EndpointsSimulator, type SimulatedEndpoint } from '../src/backends/endpoints/simulator.ts';

export const TOKEN = 'hf_BenchUsageTokenNotSecret000000000';
export const NAMESPACE = 'bench';

/** `count` endpoints, `ep-0000` …, cold, as a namespace the sampler reads. */
export function benchEndpoints(count: number): SimulatedEndpoint[] {
  return Array.from({ length: count }, (_, i) => ({ name: endpointName(i), repository: `org/model-${i}`, minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 }));
}

export function endpointName(i: number): string {
  return `ep-${String(i).padStart(4, '0')}`;
}

/** The simulator serving `count` endpoints, each with counters to parse, as an endpoint that served traffic has. */
export async function startBenchSimulator(count: number): Promise<EndpointsSimulator> {
  const simulator = await startEndpointsSimulator({ warmupMs: 0, accounts: { [TOKEN]: { namespace: NAMESPACE, endpoints: benchEndpoints(count) } } });
  for (let i = 0; i < count; i++) simulator.traffic(TOKEN, endpointName(i), { '200': 100 + i, '503': 1 }, { latencySeconds: 0.2 });
  return simulator;
}
