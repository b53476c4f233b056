import { startSandboxEndpoints } from './endpoints-simulator.ts';
import { SANDBOX_ALLOWED, SANDBOX_TOKEN, startSandboxSimulator } from './simulator.ts';

const port = Number(process.env['PORT'] ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, got "${process.env['PORT']}"`);
  process.exit(1);
}
const customToken = process.env['SIMULATOR_TOKEN'];
const { simulator } = await startSandboxSimulator({ port, ...(customToken ? { token: customToken } : {}) });

console.log(`Hugging Face Inference API simulator listening on ${simulator.url}`);
console.log(`One account: ${SANDBOX_ALLOWED} pinned-model slots, seeded with ${simulator.pins(customToken ?? SANDBOX_TOKEN).map((pin) => pin.model_id).join(', ')}.`);
console.log('Point pinbot at it:');
console.log(`  HF_API_URL=${simulator.url} HF_HUB_URL=${simulator.url} HF_TOKEN=${customToken ? '<your SIMULATOR_TOKEN>' : SANDBOX_TOKEN} npm start`);
console.log(`Admin routes: GET/DELETE ${simulator.url}/_simulator/log, POST ${simulator.url}/_simulator/{faults,pins,allowed,accounts}`);
// The Inference Endpoints simulator listens next to it, on the following port (any free one with PORT=0).
const endpoints = await startSandboxEndpoints({ port: port === 0 ? 0 : port + 1 });
console.log(`Inference Endpoints simulator listening on ${endpoints.simulator.url}: namespace ${endpoints.namespace}, token ${endpoints.token}.`);
console.log(`  In PINBOT_CONFIG: backend: endpoints, namespace: ${endpoints.namespace}, max_warm: ${endpoints.maxWarm}; then HF_ENDPOINTS_API_URL=${endpoints.simulator.url}`);

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
