import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { PinbotError } from '../../../src/core/domain/errors.ts';
import type { Pin } from '../../../src/core/domain/pin.ts';
import type { HfClientOptions } from '../../../src/backends/classic/client.ts';
import { startSimulator } from '../../../src/backends/classic/simulator.ts';
import { captureLogger, clientRequests, rejection, TOKEN, useHfHarness } from '../../helpers/hf-harness.ts';
import { json, startTinyServer } from '../../helpers/tiny-server.ts';

const harness = useHfHarness();
const GPT2: Pin = { modelId: 'gpt2', computeType: 'cpu' };

describe('retries on transient faults', () => {
  it('retries 503 twice and succeeds on the third request', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(2, 503);
    const list = await harness.client(simulator.url).readPins();
    expect(list.allowed).toBe(5);
    expect(clientRequests(simulator).map((entry) => entry.status)).toEqual([503, 503, 200]);
  });

  it('retries 502 and 504 too', async () => {
    const simulator = await harness.simulator();
    const client = harness.client(simulator.url);
    simulator.failNext(1, 502);
    await client.readPins();
    simulator.failNext(1, 504);
    await client.readPins();
    expect(clientRequests(simulator).map((entry) => entry.status)).toEqual([502, 200, 504, 200]);
  });

  it('retries a POST with the same full list', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 503);
    await harness.client(simulator.url).writePins([GPT2, { modelId: 'bert-base-uncased', computeType: 'gpu' }]);
    const posts = clientRequests(simulator);
    expect(posts.map((entry) => entry.status)).toEqual([503, 200]);
    expect(posts[0]?.body).toEqual(posts[1]?.body);
    expect(simulator.pins(TOKEN)).toHaveLength(2);
  });

  it('retries after a connection reset', async () => {
    const simulator = await harness.simulator();
    simulator.resetNext(1);
    await harness.client(simulator.url).readPins();
    expect(clientRequests(simulator).map((entry) => entry.status)).toEqual([0, 200]);
  });

  it('stops after maxAttempts: persistent resets → HF_UNAVAILABLE', async () => {
    const simulator = await harness.simulator();
    simulator.resetNext(10);
    const error = await rejection(harness.client(simulator.url, { retry: { maxAttempts: 3, baseDelayMs: 5 } }).readPins());
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect(error.details).toMatchObject({ attempts: 3 });
    expect(clientRequests(simulator)).toHaveLength(3);
  });

  it('stops after maxAttempts: persistent 503 → HF_UNAVAILABLE with the status and text', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(10, 503, { error: 'Model gpt2 is currently loading', estimated_time: 20 });
    const error = await rejection(harness.client(simulator.url).readPins());
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect(error.details).toEqual({ status: 503, attempts: 4, hfMessage: 'Model gpt2 is currently loading' });
    expect(clientRequests(simulator)).toHaveLength(4);
  });

  it('does not retry a 500: HF_UNAVAILABLE at once', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(3, 500);
    const error = await rejection(harness.client(simulator.url).readPins());
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect(error.details).toEqual({ status: 500, attempts: 1, hfMessage: 'unknown error' });
    expect(clientRequests(simulator)).toHaveLength(1);
  });

  it('gives up with a timeout when headers take longer than headersMs', async () => {
    const simulator = await harness.simulator();
    // undici's headers timer ticks about every 500 ms, so the latency must clearly exceed a tick.
    simulator.setLatency(3000);
    const client = harness.client(simulator.url, { timeouts: { headersMs: 50 }, retry: { maxAttempts: 2, baseDelayMs: 5 } });
    const error = await rejection(client.readPins());
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect(error.message).toMatch(/timed out/);
    expect(error.details).toEqual({ attempts: 2 });
    expect((error.cause as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(clientRequests(simulator)).toHaveLength(2);
  });

  it('reports a refused connection as HF_UNAVAILABLE after the retries', async () => {
    const simulator = await startSimulator();
    const url = simulator.url;
    await simulator.close();
    const error = await rejection(harness.client(url, { retry: { maxAttempts: 2, baseDelayMs: 5 } }).readPins());
    expect(error.code).toBe('HF_UNAVAILABLE');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    expect(error.details).toEqual({ attempts: 2 });
  });
});

describe('rate limits', () => {
  it('honours Retry-After in seconds', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 429, undefined, 1);
    const started = Date.now();
    await harness.client(simulator.url).readPins();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(clientRequests(simulator).map((entry) => entry.status)).toEqual([429, 200]);
  });

  it('fails at once with HF_RATE_LIMITED when Retry-After exceeds maxRetryAfterMs', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 429, undefined, 120);
    const error = await rejection(harness.client(simulator.url).readPins());
    expect(error.code).toBe('HF_RATE_LIMITED');
    expect(error.details).toMatchObject({ status: 429, attempts: 1, retryAfterSeconds: 120 });
    expect(error.message).toMatch(/120 seconds/);
    expect(clientRequests(simulator)).toHaveLength(1);
  });

  it('a 429 storm beyond maxAttempts → HF_RATE_LIMITED with Hugging Face text', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(10, 429);
    const error = await rejection(harness.client(simulator.url, { retry: { maxAttempts: 3, baseDelayMs: 5 } }).readPins());
    expect(error.code).toBe('HF_RATE_LIMITED');
    expect(error.details).toMatchObject({ status: 429, attempts: 3 });
    expect((error.details as { hfMessage?: string }).hfMessage).toMatch(/^Rate limit reached/);
    expect(clientRequests(simulator)).toHaveLength(3);
  });
});

describe('bodies that do not parse', () => {
  it('a 200 with broken JSON → HF_BAD_RESPONSE, not retried', async () => {
    const simulator = await harness.simulator();
    simulator.malformNext(1);
    const error = await rejection(harness.client(simulator.url).readPins());
    expect(error.code).toBe('HF_BAD_RESPONSE');
    expect(error.details).toEqual({ status: 200, attempts: 1 });
    expect(clientRequests(simulator)).toHaveLength(1);
  });
});

describe('refusals map to coded errors, Hugging Face text kept verbatim', () => {
  it('unknown token → HF_BAD_TOKEN', async () => {
    const simulator = await harness.simulator();
    const error = await rejection(harness.client(simulator.url, { token: 'hf_SomeoneElsesTokenZZZZZZZZZZZZZZZZZZZZ' }).readPins());
    expect(error.code).toBe('HF_BAD_TOKEN');
    expect(error.details).toEqual({ status: 400, attempts: 1, hfMessage: 'Authorization header is correct, but the token seems invalid' });
  });

  it('an empty token (ill-formed header) → HF_BAD_TOKEN from the 401', async () => {
    const simulator = await harness.simulator();
    const error = await rejection(harness.client(simulator.url, { token: '' }).readPins());
    expect(error.code).toBe('HF_BAD_TOKEN');
    expect(error.details).toMatchObject({ status: 401, hfMessage: "Authorization header is invalid, use 'Bearer API_TOKEN'" });
  });

  it('plan without pinning → HF_NO_PINNING_PLAN', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 0, pinning: false } } });
    const error = await rejection(harness.client(simulator.url).writePins([GPT2]));
    expect(error.code).toBe('HF_NO_PINNING_PLAN');
    expect(error.details).toMatchObject({ status: 403, hfMessage: 'Model pinning is only supported for existing customers' });
  });

  it('over quota → HF_QUOTA, and nothing is replaced', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 1, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    const error = await rejection(harness.client(simulator.url).writePins([GPT2, { modelId: 'bert-base-uncased', computeType: 'cpu' }]));
    expect(error.code).toBe('HF_QUOTA');
    expect(error.details).toMatchObject({ status: 400, hfMessage: 'You can only pin 1 models with your current plan' });
    expect(simulator.pins(TOKEN)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }]);
  });

  it('unknown model on write → HF_UNKNOWN_MODEL naming it', async () => {
    const simulator = await harness.simulator();
    const error = await rejection(harness.client(simulator.url).writePins([GPT2, { modelId: 'unknown/model', computeType: 'cpu' }]));
    expect(error.code).toBe('HF_UNKNOWN_MODEL');
    expect(error.details).toMatchObject({ status: 400, modelId: 'unknown/model', hfMessage: 'Model unknown/model does not exist' });
    expect(simulator.pins(TOKEN)).toEqual([]);
  });

  it('unknown model on /status (404) → HF_UNKNOWN_MODEL', async () => {
    const simulator = await harness.simulator();
    const error = await rejection(harness.client(simulator.url).modelStatus('unknown/model'));
    expect(error.code).toBe('HF_UNKNOWN_MODEL');
    expect(error.details).toMatchObject({ status: 404, modelId: 'unknown/model' });
  });

  it('an invalid repo id on write → HF_UNKNOWN_MODEL, nothing written', async () => {
    const simulator = await harness.simulator();
    const error = await rejection(harness.client(simulator.url).writePins([{ modelId: 'foo--bar', computeType: 'cpu' }]));
    expect(error.code).toBe('HF_UNKNOWN_MODEL');
    expect((error.details as { hfMessage?: string }).hfMessage).toMatch(/^Model foo--bar does not exist \(Cannot have -- or \.\./);
    expect(simulator.pins(TOKEN)).toEqual([]);
  });

  it('a new entry with an unknown compute type → HF_REJECTED', async () => {
    const simulator = await harness.simulator();
    const error = await rejection(harness.client(simulator.url).writePins([{ modelId: 'gpt2', computeType: 'tpu' }]));
    expect(error.code).toBe('HF_REJECTED');
    expect(error.details).toMatchObject({ status: 400, hfMessage: "compute_type must be 'cpu' or 'gpu', got 'tpu'" });
  });

  it('joins a list of error texts with "; "', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 422, { error: ['first problem', 'second problem'] });
    const error = await rejection(harness.client(simulator.url).readPins());
    expect(error.code).toBe('HF_REJECTED');
    expect(error.details).toEqual({ status: 422, attempts: 1, hfMessage: 'first problem; second problem' });
  });
});

describe('the retired classic endpoint', () => {
  const RETIRED = 'https://api-inference.huggingface.co is no longer supported. Please use https://router.huggingface.co instead.';

  it('410 Gone → HF_ENDPOINT_RETIRED, said plainly', async () => {
    const server = await startTinyServer((_req, res) => json(res, 410, { error: RETIRED }));
    harness.onCleanup(() => server.close());
    const error = await rejection(harness.client(server.url).readPins());
    expect(error.code).toBe('HF_ENDPOINT_RETIRED');
    expect(error.details).toEqual({ status: 410, attempts: 1, hfMessage: RETIRED });
    expect(error.message).toContain(`The classic Inference API endpoint at ${new URL(server.url).host} no longer answers`);
    expect(error.message).toMatch(/retired/);
    expect(error.message).toMatch(/HF_API_URL/);
    expect(server.requests).toHaveLength(1);
  });

  it('a plain 404 on /usage/pinned_models → HF_ENDPOINT_RETIRED', async () => {
    const server = await startTinyServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
    });
    harness.onCleanup(() => server.close());
    const error = await rejection(harness.client(server.url).writePins([GPT2]));
    expect(error.code).toBe('HF_ENDPOINT_RETIRED');
    expect(error.details).toEqual({ status: 404, attempts: 1, hfMessage: 'Not Found' });
  });
});

describe('the token never leaks', () => {
  it('appears in no error message, details, cause, inspected error or log line across every fault', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 1, pins: [] } } });
    const logger = captureLogger();
    const fast: Partial<HfClientOptions> = { logger, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 } };
    const client = harness.client(simulator.url, fast);
    const closed = await startSimulator();
    await closed.close();
    const echo = await startTinyServer((req, res) => json(res, 400, { error: `bad header: ${req.headers.authorization ?? ''}` }));
    harness.onCleanup(() => echo.close());

    const cases: [string, () => Promise<unknown>][] = [
      ['503', () => (simulator.failNext(5, 503), client.readPins())],
      ['500', () => (simulator.failNext(1, 500), client.readPins())],
      ['429', () => (simulator.failNext(5, 429), client.readPins())],
      ['429 long', () => (simulator.failNext(1, 429, undefined, 60), client.readPins())],
      ['reset', () => (simulator.resetNext(5), client.readPins())],
      ['malformed', () => (simulator.malformNext(1), client.readPins())],
      ['wrong shape', () => (simulator.failNext(1, 200, { nope: true }), client.readPins())],
      ['quota', () => client.writePins([GPT2, { modelId: 'bert-base-uncased', computeType: 'cpu' }])],
      ['unknown', () => client.modelStatus('unknown/model')],
      ['bad token', () => harness.client(simulator.url, { ...fast, token: `${TOKEN}x` }).readPins()],
      ['timeout', () => harness.client(simulator.url, { ...fast, timeouts: { headersMs: 30 } }).readPins().finally(() => simulator.setLatency(0))],
      ['refused', () => harness.client(closed.url, fast).readPins()],
      ['echoed token', () => harness.client(echo.url, fast).readPins()],
    ];
    const errors: [string, PinbotError][] = [];
    for (const [name, run] of cases) {
      if (name === 'timeout') simulator.setLatency(3000);
      errors.push([name, await rejection(run())]);
    }

    expect(errors).toHaveLength(cases.length);
    for (const [name, error] of errors) {
      const texts = [error.message, JSON.stringify(error.details), String(error.cause), inspect(error, { depth: 10 }), error.stack ?? ''];
      for (const text of texts) expect(text, name).not.toContain(TOKEN);
    }
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
    expect(simulator.requestLog.length).toBeGreaterThan(0);
    expect(JSON.stringify(simulator.requestLog)).not.toContain(TOKEN);
  });
});
