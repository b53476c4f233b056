// Worker thread: the Inference Endpoints API. An outside service to pinbot, so its answers (1,000
// endpoints' JSON) are not charged to the event loop of the `usage` being timed.
import type { EndpointsSimulator } from '../src/backends/endpoints/simulator.ts';
import { startBenchSimulator } from './endpoints-namespace.ts';
import { serveWorker } from './worker-rpc.ts';

let simulator: EndpointsSimulator | undefined;

const handlers = {
  start: async (count: number) => {
    simulator = await startBenchSimulator(count);
    return { url: simulator.url };
  },
  close: async (_: null) => {
    await simulator?.close();
    return null;
  },
};

export type EndpointsSideHandlers = typeof handlers;

serveWorker(handlers);
