import { afterEach, describe, expect, it } from 'vitest';
import { createEndpointsClient, type EndpointsClient } from '../../../src/backends/endpoints/client.ts';
import { SANDBOX_ENDPOINTS_TOKEN, startEndpointsSimulator, startSandboxEndpoints, type EndpointScaling, type EndpointsSimulator, type EndpointsSimulatorOptions, type SimulatedEndpoint } from '../../../src/backends/endpoints/simulator.ts';
import { rejection, TOKEN } from '../../helpers/hf-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const ENDPOINTS: SimulatedEndpoint[] = [
  { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
  { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15, accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x2' },
];

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (let close = closers.pop(); close; close = closers.pop()) await close();
});

async function world(options: EndpointsSimulatorOptions = {}): Promise<{ sim: EndpointsSimulator; client: EndpointsClient }> {
  const sim = await startEndpointsSimulator({
    warmupMs: 40,
    accounts: { [TOKEN]: { namespace: 'acme', endpoints: ENDPOINTS.map((endpoint) => ({ ...endpoint })) } },
    ...options,
  });
  closers.push(() => sim.close());
  const client = createEndpointsClient({
    baseUrl: `${sim.url}/v2`, token: TOKEN, namespace: 'acme', maxWarm: 2,
    retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
  });
  closers.push(() => client.close());
  return { sim, client };
}

const apiRequests = (sim: EndpointsSimulator) => sim.requestLog.filter((entry) => entry.source === 'client');

describe('the Inference Endpoints client against the simulator', () => {
  it('lists every endpoint, warm or cold, and reports the warm ones as the list under max_warm', async () => {
    const { sim, client } = await world();
    const list = await client.readPins();
    expect(list.allowed).toBe(2);
    expect(list.pins).toEqual([{ modelId: 'llama-chat', computeType: '1 replica', wire: { minReplica: 1 } }]);
    expect(list.endpoints?.map((e) => [e.name, e.minReplica, e.maxReplica, e.state, e.instance, e.repository])).toEqual([
      ['llama-chat', 1, 2, 'running', 'gpu nvidia-a10g x1', 'meta-llama/Llama-3.1-8B-Instruct'],
      ['embedder', 0, 1, 'scaledToZero', 'cpu intel-spr x2', 'BAAI/bge-small-en-v1.5'],
    ]);
    // The list, and the hardware catalogue its prices come from, read side by side.
    expect(apiRequests(sim).map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /v2/endpoint/acme', 'GET /v2/provider/acme']);
  });

  it('a PUT of minReplica 1 starts a cold endpoint, turning its scale-to-zero off: initializing, then running after the warm-up; updatedAt moves', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2 });
    closers.push(() => client.close());
    const before = await client.endpoints.readEndpoint('embedder');
    const after = await client.endpoints.writeMinReplica('embedder', 1, before);
    expect(after.minReplica).toBe(1);
    expect(after.state).toBe('initializing');
    expect(after.updatedAt > before.updatedAt).toBe(true);
    // The autoscaling guide: minReplica must be 0 while scale-to-zero is on.
    expect(apiRequests(sim).at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 1, scaleToZeroTimeout: null } } });
    expect(after.scaleToZeroTimeout).toBeUndefined();
    await waitFor(async () => (await client.modelStatus('embedder')).loaded, 2000, 'embedder running');
    // Already warm, no timeout: only the replicas are sent.
    await client.endpoints.writeMinReplica('llama-chat', 2, await client.endpoints.readEndpoint('llama-chat'));
    expect(apiRequests(sim).at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 2 } } });
  });

  it('letting an endpoint go cold gives back the timeout it had before it was made warm, when one is known', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2 });
    closers.push(() => client.close());
    await client.endpoints.writeMinReplica('llama-chat', 0, await client.endpoints.readEndpoint('llama-chat'), 45);
    expect(apiRequests(sim).at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 0, scaleToZeroTimeout: 45 } } });
  });

  it('letting an endpoint go cold sets a scale-to-zero timeout when it has none, and it scales to zero after it', async () => {
    const sim = await startEndpointsSimulator({
      warmupMs: 10, minuteMs: 20,
      accounts: { [TOKEN]: { namespace: 'acme', endpoints: [{ name: 'llama-chat', repository: 'r/llama', minReplica: 1, maxReplica: 1 }] } },
    });
    closers.push(() => sim.close());
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 1 });
    closers.push(() => client.close());
    const current = await client.endpoints.readEndpoint('llama-chat');
    expect(current.scaleToZeroTimeout).toBeUndefined();
    await client.endpoints.writeMinReplica('llama-chat', 0, current);
    expect(sim.requestLog.at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 0, scaleToZeroTimeout: 15 } } });
    // 15 simulated minutes of 20 ms each after the update settles.
    await waitFor(async () => (await client.endpoints.readEndpoint('llama-chat')).state === 'scaledToZero', 3000, 'scaled to zero');
  });

  it('answers 404 for an unknown endpoint, 401 for an unknown token, 403 for another namespace', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2 });
    const stranger = createEndpointsClient({ baseUrl: sim.url, token: 'hf_unknown', namespace: 'acme', maxWarm: 2 });
    const elsewhere = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'other-org', maxWarm: 2 });
    closers.push(() => client.close(), () => stranger.close(), () => elsewhere.close());

    const unknown = await rejection(client.endpoints.readEndpoint('nope'));
    expect(unknown.code).toBe('HF_UNKNOWN_ENDPOINT');
    expect(unknown.message).toContain('There is no endpoint nope in acme');
    expect((await rejection(stranger.readPins())).code).toBe('HF_BAD_TOKEN');
    const forbidden = await rejection(elsewhere.readPins());
    expect(forbidden.code).toBe('HF_REJECTED');
    expect(forbidden.message).toContain('HTTP 403');
    for (const error of [unknown, forbidden]) expect(error.message).not.toContain(TOKEN);
  });

  it('retries a 429 after its Retry-After and a 503, then succeeds; gives up with one sentence after the bound', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({
      baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2, retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
    });
    closers.push(() => client.close());
    // The catalogue is read at most hourly: read it first, so that the faults meet the list alone.
    await client.readPins();
    sim.clearLog();
    sim.failNext(1, 429, 0);
    await client.readPins();
    sim.failNext(1, 503);
    await client.readPins();
    expect(apiRequests(sim).map((r) => r.status)).toEqual([429, 200, 503, 200]);

    sim.failNext(3, 502);
    const down = await rejection(client.readPins());
    expect(down.code).toBe('HF_UNAVAILABLE');
    sim.failNext(1, 429, 120);
    const limited = await rejection(client.readPins());
    expect(limited.code).toBe('HF_RATE_LIMITED');
    expect(limited.message).toContain('try again in 120 seconds');
  });

  it('fails the PUT of a named endpoint only, for writes that stop midway', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2, retry: { maxAttempts: 1 } });
    closers.push(() => client.close());
    sim.failPutOf('embedder', 500);
    const embedder = await client.endpoints.readEndpoint('embedder');
    const llama = await client.endpoints.readEndpoint('llama-chat');
    expect((await rejection(client.endpoints.writeMinReplica('embedder', 1, embedder))).code).toBe('HF_UNAVAILABLE');
    await client.endpoints.writeMinReplica('llama-chat', 2, llama);
    expect((await client.endpoints.readEndpoint('embedder')).minReplica).toBe(0);
    expect((await client.endpoints.readEndpoint('llama-chat')).minReplica).toBe(2);
  });

  it('refuses a minReplica above maxReplica with the API\'s sentence', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2 });
    closers.push(() => client.close());
    const embedder = await client.endpoints.readEndpoint('embedder');
    const refused = await rejection(client.endpoints.writeMinReplica('embedder', 3, embedder));
    expect(refused.code).toBe('HF_REJECTED');
    expect(refused.message).toContain('minReplica (3) cannot be greater than maxReplica (1)');
  });

  it('shares one GET between 100 concurrent list reads', async () => {
    const { sim } = await world();
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2 });
    closers.push(() => client.close());
    sim.setLatency(30);
    await Promise.all(Array.from({ length: 100 }, () => client.readPins()));
    expect(apiRequests(sim).map((r) => r.path).sort()).toEqual(['/endpoint/acme', '/provider/acme']);
  });

  it('the sandbox namespace starts from the scaling it is given, and answers a PUT only once the change is kept', async () => {
    const kept: EndpointScaling[][] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sandbox = await startSandboxEndpoints({
      scaling: [
        { name: 'llama-chat', minReplica: 0, maxReplica: 2, scaleToZeroTimeout: 30 },
        { name: 'embedder', minReplica: 1, maxReplica: 1, scaleToZeroTimeout: 15 },
      ],
      onScalingChange: async (_token, endpoints) => {
        await held;
        kept.push(endpoints);
      },
    });
    closers.push(() => sandbox.simulator.close());
    expect(sandbox.token).toBe(SANDBOX_ENDPOINTS_TOKEN);
    const client = createEndpointsClient({ baseUrl: sandbox.simulator.url, token: sandbox.token, namespace: sandbox.namespace, maxWarm: sandbox.maxWarm });
    closers.push(() => client.close());
    const start = await client.readPins();
    expect(start.endpoints?.map((e) => [e.name, e.minReplica, e.state])).toEqual([
      ['llama-chat', 0, 'scaledToZero'],
      ['embedder', 1, 'running'],
      ['sentiment', 0, 'scaledToZero'],
    ]);

    let answered = false;
    const sentiment = await client.endpoints.readEndpoint('sentiment');
    const write = client.endpoints.writeMinReplica('sentiment', 1, sentiment).then((after) => {
      answered = true;
      return after;
    });
    const minReplicaOf = (name: string) => (sandbox.simulator.endpoint(sandbox.token, name) as { compute: { scaling: { minReplica: number } } }).compute.scaling.minReplica;
    await waitFor(() => minReplicaOf('sentiment') === 1, 2000, 'the PUT to arrive');
    expect(answered).toBe(false);

    release();
    expect((await write).minReplica).toBe(1);
    expect(kept).toEqual([[
      { name: 'llama-chat', minReplica: 0, maxReplica: 2, scaleToZeroTimeout: 30 },
      { name: 'embedder', minReplica: 1, maxReplica: 1, scaleToZeroTimeout: 15 },
      { name: 'sentiment', minReplica: 1, maxReplica: 1, scaleToZeroTimeout: null },
    ]]);
  });
});
