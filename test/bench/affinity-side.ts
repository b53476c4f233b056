// Worker thread for cpu-layout.test.ts: tells the CPUs the kernel lets it run on.
import { threadCpus } from '../../bench/cpu-layout.ts';
import { serveWorker } from '../../bench/worker-rpc.ts';

const handlers = {
  allowed: async (_: null) => threadCpus(),
};

export type AffinitySideHandlers = typeof handlers;

serveWorker(handlers);
