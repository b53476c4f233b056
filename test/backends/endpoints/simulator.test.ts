import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (let close = closers.pop(); close; close = closers.pop()) await close();
});

async function simulator(): Promise<EndpointsSimulator> {
  const sim = await startAcmeEndpoints(40);
  closers.push(() => sim.close());
  return sim;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

async function call(sim: EndpointsSimulator, method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown, token?: string): Promise<Answer> {
  const response = await request(`${sim.url}${path}`, {
    method,
    headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
}

const admin = (sim: EndpointsSimulator, method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown) => call(sim, method, `/_simulator/${route}`, body);
const scalingOf = (answer: Answer) => (answer.body as { compute: { scaling: unknown } }).compute.scaling;
// Warm, with scale-to-zero turned off: the only valid way for an endpoint that has a timeout.
const PUT_WARM = { compute: { scaling: { minReplica: 1, scaleToZeroTimeout: null } } };

describe('the Endpoints simulator, driven over HTTP under /_simulator/', () => {
  it('injects a 429 with Retry-After and a 5xx for the next requests, then answers normally', async () => {
    const sim = await simulator();
    expect((await admin(sim, 'POST', 'faults', { failNext: { count: 2, status: 429, retryAfter: 7 } })).status).toBe(204);
    const limited = await call(sim, 'GET', '/v2/endpoint/acme', undefined, TOKEN);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
    expect(limited.body).toEqual({ error: expect.stringContaining('rate limit') as unknown });
    expect((await call(sim, 'GET', '/v2/endpoint/acme', undefined, TOKEN)).status).toBe(429);
    expect((await call(sim, 'GET', '/v2/endpoint/acme', undefined, TOKEN)).status).toBe(200);

    expect((await admin(sim, 'POST', 'faults', { failNext: { count: 1, status: 503 } })).status).toBe(204);
    expect((await call(sim, 'GET', '/v2/endpoint/acme/embedder', undefined, TOKEN)).status).toBe(503);
    expect((await call(sim, 'GET', '/v2/endpoint/acme/embedder', undefined, TOKEN)).status).toBe(200);
  });

  it('fails the PUTs of one named endpoint only, unapplied or landed, as asked', async () => {
    const sim = await simulator();
    expect((await admin(sim, 'POST', 'faults', { failPut: { name: 'embedder', status: 500 } })).status).toBe(204);
    expect((await call(sim, 'PUT', '/v2/endpoint/acme/sentiment', PUT_WARM, TOKEN)).status).toBe(200);
    expect((await call(sim, 'PUT', '/v2/endpoint/acme/embedder', PUT_WARM, TOKEN)).status).toBe(500);
    expect(scalingOf(await call(sim, 'GET', '/v2/endpoint/acme/embedder', undefined, TOKEN))).toMatchObject({ minReplica: 0 });

    expect((await admin(sim, 'POST', 'faults', { failPut: { name: 'embedder', status: 504, landed: true } })).status).toBe(204);
    expect((await call(sim, 'PUT', '/v2/endpoint/acme/embedder', PUT_WARM, TOKEN)).status).toBe(504);
    expect(scalingOf(await call(sim, 'GET', '/v2/endpoint/acme/embedder', undefined, TOKEN))).toMatchObject({ minReplica: 1 });
  });

  it('serves and clears its request log, which holds API requests and outside changes but never admin calls or tokens', async () => {
    const sim = await simulator();
    await call(sim, 'GET', '/v2/endpoint/acme', undefined, TOKEN);
    expect((await admin(sim, 'POST', 'scaling', { token: TOKEN, name: 'sentiment', minReplica: 1, scaleToZeroTimeout: null })).status).toBe(204);
    expect(scalingOf(await call(sim, 'GET', '/v2/endpoint/acme/sentiment', undefined, TOKEN))).toMatchObject({ minReplica: 1 });

    const log = await admin(sim, 'GET', 'log');
    expect(log.status).toBe(200);
    expect((log.body as { source: string; method: string; path: string }[]).map((entry) => `${entry.source} ${entry.method} ${entry.path}`)).toEqual([
      'client GET /v2/endpoint/acme',
      'admin PUT /endpoint/acme/sentiment',
      'client GET /v2/endpoint/acme/sentiment',
    ]);
    expect(JSON.stringify(log.body)).not.toContain(TOKEN);

    expect((await admin(sim, 'DELETE', 'log')).status).toBe(204);
    expect((await admin(sim, 'GET', 'log')).body).toEqual([]);
  });

  it('resets: faults, latency and the log dropped, every endpoint back as it started', async () => {
    const sim = await simulator();
    await call(sim, 'PUT', '/v2/endpoint/acme/embedder', PUT_WARM, TOKEN);
    await admin(sim, 'POST', 'faults', { failNext: { count: 5, status: 502 }, failPut: { name: 'sentiment', status: 500 }, latencyMs: 0 });

    expect((await admin(sim, 'POST', 'reset')).status).toBe(204);
    expect((await admin(sim, 'GET', 'log')).body).toEqual([]);
    const embedder = await call(sim, 'GET', '/v2/endpoint/acme/embedder', undefined, TOKEN);
    expect(embedder.status).toBe(200);
    expect(scalingOf(embedder)).toMatchObject({ minReplica: 0 });
    expect((await call(sim, 'PUT', '/v2/endpoint/acme/sentiment', PUT_WARM, TOKEN)).status).toBe(200);
  });

  it('refuses with 400 a scaling block that keeps scale-to-zero on with minReplica 1 or more, from the API and from outside', async () => {
    const sim = await simulator();
    const refused = await call(sim, 'PUT', '/v2/endpoint/acme/sentiment', { compute: { scaling: { minReplica: 1 } } }, TOKEN);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'minReplica must be 0 when scale-to-zero is enabled (scaleToZeroTimeout 15, minReplica 1)' });
    expect((await call(sim, 'PUT', '/v2/endpoint/acme/sentiment', { compute: { scaling: { minReplica: 1, scaleToZeroTimeout: 5 } } }, TOKEN)).status).toBe(400);
    expect((await admin(sim, 'POST', 'scaling', { token: TOKEN, name: 'llama-chat', scaleToZeroTimeout: 60 })).status).toBe(400);
    expect(() => sim.setScaling(TOKEN, 'llama-chat', { scaleToZeroTimeout: 60 })).toThrow('minReplica must be 0 when scale-to-zero is enabled');
    expect(scalingOf(await call(sim, 'GET', '/v2/endpoint/acme/sentiment', undefined, TOKEN))).toEqual({ minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 });
    expect((await call(sim, 'PUT', '/v2/endpoint/acme/sentiment', PUT_WARM, TOKEN)).status).toBe(200);
  });

  it('refuses a bad admin body, an unknown endpoint and an unknown route with one sentence', async () => {
    const sim = await simulator();
    expect((await admin(sim, 'POST', 'faults', { failNext: { count: 0, status: 429 } })).status).toBe(400);
    expect((await admin(sim, 'POST', 'faults', { retryAfter: 3 })).status).toBe(400);
    expect((await admin(sim, 'POST', 'scaling', { token: TOKEN, name: 'nope', minReplica: 1 })).status).toBe(404);
    expect((await admin(sim, 'POST', 'scaling', { token: 'hf_nobody', name: 'embedder', minReplica: 1 })).status).toBe(404);
    expect((await admin(sim, 'POST', 'pins')).status).toBe(404);
    expect(sim.requestLog).toEqual([]);
  });
});
