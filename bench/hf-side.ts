// Worker thread: Hugging Face. The simulator is an outside service to pinbot, so it runs on its
// own thread and does not charge its request handling to the event loop of the app under test.
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/backends/classic/simulator.ts';
import { serveWorker } from './worker-rpc.ts';

let simulator: Simulator | undefined;

const handlers = {
  start: async (options: SimulatorOptions) => {
    simulator = await startSimulator(options);
    return { url: simulator.url };
  },
  close: async (_: null) => {
    await simulator?.close();
    return null;
  },
};

export type HfSideHandlers = typeof handlers;

serveWorker(handlers);
