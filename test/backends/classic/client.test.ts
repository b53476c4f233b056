import { describe, expect, it } from 'vitest';
import { PinbotError } from '../../../src/core/domain/errors.ts';
import { encodeModelPath, parseRetryAfter } from '../../../src/backends/classic/client.ts';
import { clientRequests, rejection, TOKEN, useHfHarness } from '../../helpers/hf-harness.ts';
import { json, startTinyServer } from '../../helpers/tiny-server.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const harness = useHfHarness();

describe('reading, writing and status over real HTTP', () => {
  it('keeps unknown compute types and extra fields through a read → write round trip', async () => {
    const legacy = { model_id: 'acme/legacy-model', compute_type: 'tpu', region: 'eu-west', note: { owner: 'ml' } };
    const simulator = await harness.simulator({
      accounts: { [TOKEN]: { allowed: 5, pins: [legacy, { model_id: 'gpt2', compute_type: 'cpu' }] } },
    });
    const client = harness.client(simulator.url);

    const read = await client.readPins();
    expect(read.allowed).toBe(5);
    expect(read.pins.map((pin) => [pin.modelId, pin.computeType])).toEqual([
      ['acme/legacy-model', 'tpu'],
      ['gpt2', 'cpu'],
    ]);
    expect(read.pins[0]?.wire).toEqual(legacy);

    const answer = await client.writePins([...read.pins, { modelId: 'bert-base-uncased', computeType: 'gpu' }]);

    const expected = [legacy, { model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bert-base-uncased', compute_type: 'gpu' }];
    const post = clientRequests(simulator).at(-1);
    expect(post?.method).toBe('POST');
    expect(post?.body).toEqual({ pinned_models: expected });
    expect(simulator.pins(TOKEN)).toEqual(expected);
    expect(answer.message).toBe('Pinned 3 models, please wait while we load them.');
    expect(answer.pins?.map((pin) => pin.modelId)).toEqual(['acme/legacy-model', 'gpt2', 'bert-base-uncased']);
    expect(answer.pins?.[0]?.wire).toEqual(legacy);
  });

  it('writes an empty list to unpin everything', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 2, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    const answer = await harness.client(simulator.url).writePins([]);
    expect(answer.message).toBe('Pinned 0 models, please wait while we load them.');
    expect(simulator.pins(TOKEN)).toEqual([]);
  });

  it('accepts the early POST answer that does not echo the list', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 200, { ok: 'Pinned 1 models, please wait while we load them.' });
    const answer = await harness.client(simulator.url).writePins([{ modelId: 'gpt2', computeType: 'cpu' }]);
    expect(answer).toEqual({ message: 'Pinned 1 models, please wait while we load them.' });
  });

  it('reports a new pin as Loading, then Loaded once the load delay has passed', async () => {
    const simulator = await harness.simulator({ loadDelayMs: 80 });
    const client = harness.client(simulator.url);
    await client.writePins([{ modelId: 'google/flan-t5-xxl', computeType: 'gpu' }]);

    const first = await client.modelStatus('google/flan-t5-xxl');
    expect(first).toMatchObject({ modelId: 'google/flan-t5-xxl', loaded: false, state: 'Loading', framework: 'transformers' });
    expect(first.computeType).toEqual({ gpu: { gpu: 'a10g', count: 1 } });
    expect(clientRequests(simulator).at(-1)?.path).toBe('/status/google/flan-t5-xxl');

    await waitFor(async () => (await client.modelStatus('google/flan-t5-xxl')).state === 'Loaded', 2000, 'the model to load');
    expect(await client.modelStatus('google/flan-t5-xxl')).toMatchObject({ loaded: true, state: 'Loaded' });
  });

  it('reports cpu compute as a string, unpinned models as Loadable and big ones as TooBig', async () => {
    const simulator = await harness.simulator({
      tooBigModels: ['bigscience/bloomz'],
      accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } },
    });
    const client = harness.client(simulator.url);
    expect(await client.modelStatus('gpt2')).toMatchObject({ loaded: true, state: 'Loaded', computeType: 'cpu' });
    expect(await client.modelStatus('bert-base-uncased')).toMatchObject({ loaded: false, state: 'Loadable' });
    expect(await client.modelStatus('bigscience/bloomz')).toMatchObject({ loaded: false, state: 'TooBig' });
  });

  it('sends the token as a Bearer header, identifies itself, and keeps a base path prefix', async () => {
    const server = await startTinyServer((req, res) => {
      if (req.method === 'POST') json(res, 200, { ok: 'Pinned 1 models, please wait while we load them.' });
      else json(res, 200, { pinned_models: [], allowed_pinned_models: 3 });
    });
    harness.onCleanup(() => server.close());
    const client = harness.client(`${server.url}/proxy/hf/`);

    await client.readPins();
    await client.writePins([{ modelId: 'gpt2', computeType: 'cpu' }]);

    const [get, post] = server.requests;
    expect(get?.url).toBe('/proxy/hf/usage/pinned_models');
    expect(get?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(get?.headers['user-agent']).toBe('pinbot');
    expect(post?.url).toBe('/proxy/hf/usage/pinned_models');
    expect(post?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post?.body ?? '')).toEqual({ pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
  });
});

describe('singleflight', () => {
  it('makes one GET for 20 concurrent readPins, and a fresh one afterwards', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    simulator.setLatency(30);
    const client = harness.client(simulator.url);

    const results = await Promise.all(Array.from({ length: 20 }, () => client.readPins()));

    expect(clientRequests(simulator)).toHaveLength(1);
    for (const result of results) expect(result.pins.map((pin) => pin.modelId)).toEqual(['gpt2']);

    simulator.setPins(TOKEN, []);
    expect((await client.readPins()).pins).toEqual([]);
    expect(clientRequests(simulator)).toHaveLength(2);
  });

  it('shares concurrent status calls for the same model only', async () => {
    const simulator = await harness.simulator();
    simulator.setLatency(30);
    const client = harness.client(simulator.url);
    await Promise.all([client.modelStatus('gpt2'), client.modelStatus('gpt2'), client.modelStatus('bert-base-uncased')]);
    expect(clientRequests(simulator).map((entry) => entry.path).sort()).toEqual(['/status/bert-base-uncased', '/status/gpt2']);
  });

  it('never shares writes', async () => {
    const simulator = await harness.simulator();
    const client = harness.client(simulator.url);
    const pins = [{ modelId: 'gpt2', computeType: 'cpu' }];
    await Promise.all([client.writePins(pins), client.writePins(pins)]);
    expect(clientRequests(simulator).filter((entry) => entry.method === 'POST')).toHaveLength(2);
  });
});

describe('model id paths', () => {
  it('encodes each segment and keeps the namespace slash', () => {
    expect(encodeModelPath('google/flan-t5-xxl')).toBe('google/flan-t5-xxl');
    expect(encodeModelPath('odd name/x?y#z')).toBe('odd%20name/x%3Fy%23z');
  });

  it('refuses ids that would walk the path', () => {
    for (const id of ['../usage/pinned_models', 'a//b', '', 'a/.']) {
      expect(() => encodeModelPath(id)).toThrow(PinbotError);
    }
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 10:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('answers that are not what the API documents', () => {
  it('rejects a 2xx body of the wrong shape as HF_BAD_RESPONSE without retrying', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 200, { pinned_models: 'gpt2', allowed_pinned_models: 5 });
    const error = await rejection(harness.client(simulator.url).readPins());
    expect(error.code).toBe('HF_BAD_RESPONSE');
    expect(error.message).toMatch(/pinned_models/);
    expect(clientRequests(simulator)).toHaveLength(1);
  });

  it('treats a 200 status body carrying "error" as an error', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(1, 200, { error: 'Model unknown/model does not exist' });
    const error = await rejection(harness.client(simulator.url).modelStatus('unknown/model'));
    expect(error.code).toBe('HF_UNKNOWN_MODEL');
    expect(error.details).toMatchObject({ status: 200, hfMessage: 'Model unknown/model does not exist', modelId: 'unknown/model' });
  });
});
