import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createEndpointsClient, type EndpointsClient } from '../../../src/backends/endpoints/client.ts';
import { priceList } from '../../../src/backends/endpoints/hardware.ts';
import { hardwareCatalogueSchema } from '../../../src/backends/endpoints/schema.ts';
import { startEndpointsSimulator, type EndpointsSimulator, type SimulatedEndpoint } from '../../../src/backends/endpoints/simulator.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { manualClock } from '../../helpers/pinbot-harness.ts';

const ENDPOINTS: SimulatedEndpoint[] = [
  { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
  { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15, accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x2' },
  { name: 'reranker', repository: 'BAAI/bge-reranker-base', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15, vendor: 'GCP', region: 'us-east4', instanceType: 'Nvidia-L4' },
  { name: 'eu-chat', repository: 'mistralai/Mistral-7B-Instruct-v0.3', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15, region: 'eu-west-1' },
];

/**
 * A catalogue in the shape the public client's test fixture has (`MOCK_PROVIDERS`): `numCpus`
 * missing and `gpuMemoryGb` null on CPU hardware, an instance that is reserved.
 */
const CATALOGUE = {
  vendors: [
    {
      name: 'aws', status: 'available',
      regions: [{
        name: 'us-east-1', label: 'N. Virginia', status: 'available',
        computes: [
          {
            id: 'aws-us-east-1-nvidia-l4-x1', accelerator: 'gpu', numAccelerators: 1, numCpus: 7, memoryGb: 30, gpuMemoryGb: 24,
            instanceType: 'nvidia-l4', instanceSize: 'x1', architecture: 'Nvidia L4', status: 'available', pricePerHour: 0.8,
            quota: { maxAccelerators: 16, usedAccelerators: 1 },
          },
          {
            id: 'aws-us-east-1-intel-spr-x1', accelerator: 'cpu', numAccelerators: 1, memoryGb: 2, gpuMemoryGb: null,
            instanceType: 'intel-spr', instanceSize: 'x1', architecture: 'Intel Sapphire Rapids', status: 'available', pricePerHour: 0.033,
            quota: { maxAccelerators: 60, usedAccelerators: 0 },
          },
        ],
      }],
    },
    {
      name: 'gcp', status: 'available',
      regions: [{
        name: 'us-east4', label: 'Virginia', status: 'available',
        computes: [{
          id: 'gcp-us-east4-nvidia-a100-x8', accelerator: 'gpu', numAccelerators: 8, numCpus: 96, memoryGb: 680, gpuMemoryGb: 640,
          instanceType: 'nvidia-a100', instanceSize: 'x8', architecture: 'Nvidia A100', status: 'reserved', pricePerHour: 28.8,
          quota: { maxAccelerators: 2, usedAccelerators: 0 },
        }],
      }],
    },
  ],
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (let close = closers.pop(); close; close = closers.pop()) await close();
});

async function world(): Promise<{ sim: EndpointsSimulator; client: EndpointsClient; clock: ReturnType<typeof manualClock> }> {
  const sim = await startEndpointsSimulator({ accounts: { [TOKEN]: { namespace: 'acme', endpoints: ENDPOINTS.map((endpoint) => ({ ...endpoint })) } } });
  closers.push(() => sim.close());
  const clock = manualClock();
  const client = createEndpointsClient({ baseUrl: `${sim.url}/v2`, token: TOKEN, namespace: 'acme', maxWarm: 2, clock, retry: { maxAttempts: 1 } });
  closers.push(() => client.close());
  return { sim, client, clock };
}

const catalogueReads = (sim: EndpointsSimulator) => sim.requestLog.filter((entry) => entry.path === '/v2/provider/acme');
const pricesOf = async (client: EndpointsClient) => Object.fromEntries((await client.endpoints.readNamespace()).endpoints.map((e) => [e.name, e.pricePerHour]));

describe('the hardware catalogue, GET /provider/{namespace}', () => {
  it('reads vendors → regions → computes in the public client\'s shape, each price by vendor, region and instance', () => {
    const prices = priceList(hardwareCatalogueSchema.parse(CATALOGUE));
    expect(prices.priceOf({ vendor: 'aws', region: 'us-east-1', accelerator: 'gpu', instanceType: 'nvidia-l4', instanceSize: 'x1' })).toBe(0.8);
    expect(prices.priceOf({ vendor: 'aws', region: 'us-east-1', accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x1' })).toBe(0.033);
    // A reserved instance still has its price.
    expect(prices.priceOf({ vendor: 'gcp', region: 'us-east4', accelerator: 'gpu', instanceType: 'nvidia-a100', instanceSize: 'x8' })).toBe(28.8);
    // Another region, size or vendor is another instance: no price rather than a neighbour's.
    expect(prices.priceOf({ vendor: 'aws', region: 'eu-west-1', accelerator: 'gpu', instanceType: 'nvidia-l4', instanceSize: 'x1' })).toBeUndefined();
    expect(prices.priceOf({ vendor: 'aws', region: 'us-east-1', accelerator: 'gpu', instanceType: 'nvidia-l4', instanceSize: 'x4' })).toBeUndefined();
  });

  it('gives each endpoint the price of its provider and compute hardware, unknown when the catalogue has none', async () => {
    const { sim, client } = await world();
    const namespace = await client.endpoints.readNamespace();
    expect(namespace.endpoints.map((e) => [e.name, e.hardware, e.pricePerHour])).toEqual([
      ['llama-chat', { vendor: 'aws', region: 'us-east-1', accelerator: 'gpu', instanceType: 'nvidia-a10g', instanceSize: 'x1' }, 1],
      ['embedder', { vendor: 'aws', region: 'us-east-1', accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x2' }, 0.067],
      // Matched without regard to case.
      ['reranker', { vendor: 'GCP', region: 'us-east4', accelerator: 'gpu', instanceType: 'Nvidia-L4', instanceSize: 'x1' }, 0.7],
      ['eu-chat', { vendor: 'aws', region: 'eu-west-1', accelerator: 'gpu', instanceType: 'nvidia-a10g', instanceSize: 'x1' }, undefined],
    ]);
    expect(namespace.catalogueUnread).toBeUndefined();
    expect(catalogueReads(sim).map((entry) => `${entry.method} ${entry.status}`)).toEqual(['GET 200']);
    // The status read of one endpoint does not read the catalogue.
    await client.modelStatus('embedder');
    expect(catalogueReads(sim)).toHaveLength(1);
  });

  it('is read at most once an hour', async () => {
    const { sim, client, clock } = await world();
    await client.readPins();
    await client.endpoints.readNamespace();
    clock.advance(59 * 60_000);
    await client.endpoints.readNamespace();
    expect(catalogueReads(sim)).toHaveLength(1);

    sim.unpriceCompute('aws-us-east-1-intel-spr-x2');
    expect((await pricesOf(client))['embedder']).toBe(0.067);
    clock.advance(2 * 60_000);
    expect((await pricesOf(client))['embedder']).toBeUndefined();
    expect(catalogueReads(sim)).toHaveLength(2);
  });

  it('does not fail the read of the namespace when it cannot be read: the prices are then unknown, and it is tried again a minute later', async () => {
    const { sim, client, clock } = await world();
    sim.failCatalogue(503);
    const namespace = await client.readPins();
    expect(namespace.catalogueUnread).toBe(true);
    expect(namespace.endpoints.map((e) => e.pricePerHour)).toEqual([undefined, undefined, undefined, undefined]);
    await client.endpoints.readNamespace();
    expect(catalogueReads(sim).map((entry) => entry.status)).toEqual([503]);

    sim.failCatalogue(undefined);
    clock.advance(61_000);
    expect((await pricesOf(client))['llama-chat']).toBe(1);
    expect(catalogueReads(sim).map((entry) => entry.status)).toEqual([503, 200]);

    // Once read, a later failure keeps the prices read within the last hours rather than dropping them.
    sim.failCatalogue(503);
    clock.advance(61 * 60_000);
    expect((await pricesOf(client))['llama-chat']).toBe(1);
    expect(catalogueReads(sim).map((entry) => entry.status)).toEqual([503, 200, 503]);
  });

  it('is served by the simulator with the token\'s access, and can be made to fail or to lack an instance over HTTP', async () => {
    const { sim } = await world();
    const get = async (token: string | undefined, namespace = 'acme') => {
      const response = await request(`${sim.url}/v2/provider/${namespace}`, { headers: token !== undefined ? { authorization: `Bearer ${token}` } : {} });
      return { status: response.statusCode, body: (await response.body.json()) as unknown };
    };
    const ok = await get(TOKEN);
    expect(ok.status).toBe(200);
    const ids = (body: unknown) => hardwareCatalogueSchema.parse(body).vendors.flatMap((v) => v.regions.flatMap((r) => r.computes.map((c) => c.id)));
    expect(ids(ok.body)).toContain('aws-us-east-1-nvidia-l4-x1');
    expect((await get(undefined)).status).toBe(401);
    expect((await get(TOKEN, 'other-org')).status).toBe(403);

    const admin = (body: unknown) => request(`${sim.url}/_simulator/catalogue`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.statusCode);
    expect(await admin({ unpriced: ['aws-us-east-1-nvidia-l4-x1'] })).toBe(204);
    expect(ids((await get(TOKEN)).body)).not.toContain('aws-us-east-1-nvidia-l4-x1');
    expect(await admin({ fail: 500 })).toBe(204);
    expect((await get(TOKEN)).status).toBe(500);
    expect(await admin({ fail: null })).toBe(204);
    expect((await get(TOKEN)).status).toBe(200);
    expect(await admin({ fail: 'yes' })).toBe(400);
    sim.reset();
    expect(ids((await get(TOKEN)).body)).toContain('aws-us-east-1-nvidia-l4-x1');
  });
});
