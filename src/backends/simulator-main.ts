import { startSandboxEndpoints } from './endpoints/simulator.ts';
import { SANDBOX_ALLOWED, SANDBOX_TOKEN, startSandboxSimulator } from './classic/simulator.ts';

function fail(sentence: string): never {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

/** One sentence for a port that cannot be listened on; nothing else is expected here. */
function listenProblem(error: unknown, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} is already in use (another simulator?): set PORT to a free port, or PORT=0 for any.`;
  if (code === 'EACCES') return `Port ${port} may not be listened on by this user: set PORT to another port, or PORT=0 for any.`;
  return `The simulator could not listen on port ${port}: ${error instanceof Error ? error.message : String(error)}`;
}

const port = Number(process.env['PORT'] ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, got "${process.env['PORT']}"`);
// The Inference Endpoints simulator listens next to it, on the following port (any free one with PORT=0).
const endpointsPort = port === 0 ? 0 : port + 1;
if (endpointsPort > 65535) fail(`PORT must leave room for the Endpoints simulator on the following port, got ${port}`);
const customToken = process.env['SIMULATOR_TOKEN'];

// Both listen before anything is printed: instructions for a simulator that is not there would mislead.
const { simulator } = await startSandboxSimulator({ port, ...(customToken ? { token: customToken } : {}) })
  .catch((error: unknown) => fail(listenProblem(error, port)));
const endpoints = await startSandboxEndpoints({ port: endpointsPort }).catch(async (error: unknown) => {
  await simulator.close();
  return fail(listenProblem(error, endpointsPort));
});

console.log(`Hugging Face Inference API simulator listening on ${simulator.url}`);
console.log(`One account: ${SANDBOX_ALLOWED} pinned-model slots, seeded with ${simulator.pins(customToken ?? SANDBOX_TOKEN).map((pin) => pin.model_id).join(', ')}.`);
console.log('Point pinbot at it (it also serves the Hub model API, so added models are checked against it):');
console.log(`  HF_API_URL=${simulator.url} HF_HUB_URL=${simulator.url} HF_TOKEN=${customToken ? '<your SIMULATOR_TOKEN>' : SANDBOX_TOKEN} npm start`);
console.log(`Admin routes: GET/DELETE ${simulator.url}/_simulator/log, POST ${simulator.url}/_simulator/{faults,pins,allowed,accounts}`);
console.log(`Inference Endpoints simulator listening on ${endpoints.simulator.url}: namespace ${endpoints.namespace}, token ${endpoints.token}.`);
console.log(`  In PINBOT_CONFIG: backend: endpoints, namespace: ${endpoints.namespace}, max_warm: ${endpoints.maxWarm}; then HF_ENDPOINTS_API_URL=${endpoints.simulator.url}`);
console.log(`Admin routes: GET/DELETE ${endpoints.simulator.url}/_simulator/log, POST ${endpoints.simulator.url}/_simulator/{faults,scaling,reset}`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the simulator`);
  await simulator.close();
  await endpoints.simulator.close();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
