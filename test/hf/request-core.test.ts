import { afterEach, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { PinbotError } from '../../src/core/domain/errors.ts';
import { noMetrics, type Metrics } from '../../src/core/ports.ts';
import { createRequestCore, createTransport, type ApiRules, type RequestCall, type RequestFailure } from '../../src/hf/request-core.ts';
import { json, startTinyServer, type TinyServer } from '../helpers/tiny-server.ts';
import { waitFor } from '../helpers/wait-for.ts';

const TOKEN = 'hf_coretesttoken0123456789abcdefghij';
const okSchema = z.object({ ok: z.boolean() });
const call: RequestCall = { method: 'GET', path: '/thing', endpoint: 'thing' };

/** The smallest API: its error body is `{ "message": … }`, its failures keep the failure as details. */
const rules: ApiRules<RequestCall> = {
  messageOf: (body) => (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : undefined),
  toError: (failure: RequestFailure) => {
    if (failure.kind === 'network') return new PinbotError('HF_UNAVAILABLE', `unreachable after ${failure.attempts}`, { attempts: failure.attempts }, { cause: failure.cause });
    if (failure.kind === 'bad-response') return new PinbotError('HF_BAD_RESPONSE', failure.problem, { status: failure.status, attempts: failure.attempts });
    const details = { status: failure.status, attempts: failure.attempts, ...(failure.hfMessage !== undefined ? { hfMessage: failure.hfMessage } : {}) };
    if (failure.status === 429) return new PinbotError('HF_RATE_LIMITED', 'rate limited', { ...details, ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) });
    if (failure.status >= 500) return new PinbotError('HF_UNAVAILABLE', 'unavailable', details);
    return new PinbotError('HF_REJECTED', 'rejected', details);
  },
  log: { request: 'test request', failed: 'test call failed' },
};

function recordingMetrics(): Metrics & { requests: string[]; retries: string[] } {
  const requests: string[] = [];
  const retries: string[] = [];
  return {
    ...noMetrics,
    requests,
    retries,
    hfRequest: (endpoint, method, status) => requests.push(`${endpoint} ${method} ${status}`),
    hfRetry: (endpoint, reason) => retries.push(`${endpoint} ${reason}`),
  };
}

async function rejection(promise: Promise<unknown>): Promise<PinbotError> {
  const error: unknown = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof PinbotError)) throw new Error(`expected a PinbotError, got ${String(error)}`);
  return error;
}

describe('request core', () => {
  let server: TinyServer | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await server?.close();
    server = undefined;
  });

  function core(url: string, maxAttempts: number, metrics: Metrics = noMetrics, maxRetryAfterMs = 1500) {
    const created = createRequestCore({
      base: new URL(url), prefix: '/api', token: TOKEN, metrics, rules,
      retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs },
    });
    closers.push(() => created.close());
    return created;
  }

  /** Answers the requests in turn; after the last answer, repeats it. */
  function answers(...steps: ((res: ServerResponse) => void)[]) {
    let next = 0;
    return (_req: unknown, res: ServerResponse) => steps[Math.min(next++, steps.length - 1)]!(res);
  }

  it('tries a 503 again and returns the body of the success that follows, counting each request in the metrics', async () => {
    server = await startTinyServer(answers((res) => json(res, 503, { message: 'busy' }), (res) => json(res, 200, { ok: true })));
    const metrics = recordingMetrics();

    const body = await core(server.url, 3, metrics).send(call, okSchema);

    expect(body).toEqual({ ok: true });
    expect(server.requests.map((request) => request.url)).toEqual(['/api/thing', '/api/thing']);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(metrics.requests).toEqual(['thing GET 503', 'thing GET 200']);
    expect(metrics.retries).toEqual(['thing 503']);
  });

  it('makes exactly maxAttempts requests before giving up with the API\'s error and the attempt count', async () => {
    server = await startTinyServer((_req, res) => json(res, 502, { message: `bad gateway for ${TOKEN}` }));

    const error = await rejection(core(server.url, 3).send(call, okSchema));

    expect(server.requests).toHaveLength(3);
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect(error.details).toEqual({ status: 502, attempts: 3, hfMessage: 'bad gateway for [redacted]' });
  });

  it('does not try a 4xx again', async () => {
    server = await startTinyServer((_req, res) => json(res, 400, { message: 'no' }));

    const error = await rejection(core(server.url, 4).send(call, okSchema));

    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('HF_REJECTED');
    expect(error.details).toMatchObject({ status: 400, attempts: 1, hfMessage: 'no' });
  });

  it('waits as long as a 429\'s Retry-After asks when it is within the bound', async () => {
    server = await startTinyServer(answers(
      (res) => { res.writeHead(429, { 'retry-after': '1' }); res.end('{"message":"slow down"}'); },
      (res) => json(res, 200, { ok: true }),
    ));

    const started = Date.now();
    const body = await core(server.url, 3).send(call, okSchema);

    expect(body).toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a 429 whose Retry-After is beyond the bound, saying when to try again', async () => {
    server = await startTinyServer((_req, res) => { res.writeHead(429, { 'retry-after': '60' }); res.end('{"message":"slow down"}'); });

    const error = await rejection(core(server.url, 4).send(call, okSchema));

    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('HF_RATE_LIMITED');
    expect(error.details).toMatchObject({ status: 429, attempts: 1, retryAfterSeconds: 60, hfMessage: 'slow down' });
  });

  it('tries again after a dropped connection, then gives up with a network failure after maxAttempts', async () => {
    server = await startTinyServer((req) => req.socket.destroy());
    const metrics = recordingMetrics();

    const error = await rejection(core(server.url, 3, metrics).send(call, okSchema));

    expect(server.requests).toHaveLength(3);
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect(error.details).toEqual({ attempts: 3 });
    expect(metrics.requests).toEqual(['thing GET network', 'thing GET network', 'thing GET network']);
    expect(metrics.retries).toEqual(['thing network', 'thing network']);
  });

  it('succeeds when the connection comes back after a network error', async () => {
    let calls = 0;
    server = await startTinyServer((req, res) => (calls++ === 0 ? req.socket.destroy() : json(res, 200, { ok: true })));

    await expect(core(server.url, 3).send(call, okSchema)).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a 2xx body that does not match the schema as a bad response, without trying again', async () => {
    server = await startTinyServer((_req, res) => json(res, 200, { ok: 'yes' }));

    const error = await rejection(core(server.url, 3).send(call, okSchema));

    expect(server.requests).toHaveLength(1);
    expect(error.code).toBe('HF_BAD_RESPONSE');
    expect(error.message).toContain('ok:');
  });

  it('shares one request among concurrent identical calls in flight, and sends a new one after', async () => {
    const held: ServerResponse[] = [];
    server = await startTinyServer((_req, res) => held.push(res));
    const shared = core(server.url, 1);
    const run = () => shared.send(call, okSchema);

    const first = shared.singleflight('GET /thing', run);
    const second = shared.singleflight('GET /thing', run);
    await waitFor(() => held.length === 1, 2000, 'the first request');
    for (const res of held.splice(0)) json(res, 200, { ok: true });

    expect(await first).toEqual({ ok: true });
    expect(await second).toEqual({ ok: true });
    expect(server.requests).toHaveLength(1);

    const third = shared.singleflight('GET /thing', run);
    await waitFor(() => held.length === 1, 2000, 'the next request');
    for (const res of held.splice(0)) json(res, 200, { ok: true });
    await expect(third).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it('aborts one exchange that outlasts requestTimeoutMs as a network failure named TimeoutError, counted in the metrics', async () => {
    const held: ServerResponse[] = [];
    server = await startTinyServer((_req, res) => held.push(res));
    const metrics = recordingMetrics();
    const transport = createTransport({ base: new URL(server.url), prefix: '', token: TOKEN, requestTimeoutMs: 100, metrics });
    closers.push(() => transport.close());

    const answer = await transport.exchange({ method: 'GET', path: '/slow', endpoint: 'slow' });

    expect(answer.kind).toBe('network');
    expect(answer.kind === 'network' && answer.error instanceof Error ? answer.error.name : undefined).toBe('TimeoutError');
    expect(metrics.requests).toEqual(['slow GET network']);
  });
});
