import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { repoIdProblem, SANDBOX_PINS, SANDBOX_TOKEN, startSandboxSimulator, type Simulator } from '../../../src/backends/classic/simulator.ts';
import { clientRequests, TOKEN, useHfHarness } from '../../helpers/hf-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';

const harness = useHfHarness();
const auth = { authorization: `Bearer ${TOKEN}` };

async function call(
  simulator: Simulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await request(`${simulator.url}${path}`, {
    method,
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
}

const ONE_PIN = JSON.stringify({ pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }] });

describe('simulator: the pinned_models endpoint', () => {
  it('accepts a POST body with no Content-Type at all', async () => {
    const simulator = await harness.simulator();
    const answer = await call(simulator, 'POST', '/usage/pinned_models', { headers: auth, body: ONE_PIN });
    expect(answer).toEqual({
      status: 200,
      body: { ok: 'Pinned 1 models, please wait while we load them.', pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }] },
    });
    expect(clientRequests(simulator)[0]?.contentType).toBeUndefined();
  });

  it('accepts a POST body sent as text/plain or form type', async () => {
    const simulator = await harness.simulator();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const answer = await call(simulator, 'POST', '/usage/pinned_models', { headers: { ...auth, 'content-type': contentType }, body: ONE_PIN });
      expect(answer.status).toBe(200);
    }
    expect(simulator.pins(TOKEN)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }]);
  });

  it('replaces the whole list on every POST', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 3, pins: [{ model_id: 'a/one', compute_type: 'cpu' }] } } });
    await call(simulator, 'POST', '/usage/pinned_models', { headers: auth, body: JSON.stringify({ pinned_models: [{ model_id: 'b/two', compute_type: 'gpu' }] }) });
    expect(await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).toEqual({
      status: 200,
      body: { pinned_models: [{ model_id: 'b/two', compute_type: 'gpu' }], allowed_pinned_models: 3 },
    });
  });

  it('answers missing or ill-formed auth with 401 and an unknown token with 400', async () => {
    const simulator = await harness.simulator();
    const invalidHeader = { status: 401, body: { error: "Authorization header is invalid, use 'Bearer API_TOKEN'" } };
    expect(await call(simulator, 'GET', '/usage/pinned_models')).toEqual(invalidHeader);
    expect(await call(simulator, 'GET', '/usage/pinned_models', { headers: { authorization: TOKEN } })).toEqual(invalidHeader);
    expect(await call(simulator, 'GET', '/usage/pinned_models', { headers: { authorization: 'Bearer hf_nobody' } })).toEqual({
      status: 400,
      body: { error: 'Authorization header is correct, but the token seems invalid' },
    });
    expect(clientRequests(simulator).map((entry) => entry.tokenKnown)).toEqual([false, false, false]);
  });

  it('refuses bad JSON, bad shapes, duplicates and unknown compute types with 400, changing nothing', async () => {
    const simulator = await harness.simulator();
    const bodies = [
      '{"pinned_models": [',
      '{"models": []}',
      JSON.stringify({ pinned_models: [{ model_id: 'gpt2' }] }),
      JSON.stringify({ pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'gpt2', compute_type: 'gpu' }] }),
      JSON.stringify({ pinned_models: [{ model_id: 'gpt2', compute_type: 'tpu' }] }),
      JSON.stringify({ pinned_models: [{ model_id: '.repo_id', compute_type: 'cpu' }] }),
    ];
    for (const body of bodies) {
      const answer = await call(simulator, 'POST', '/usage/pinned_models', { headers: auth, body });
      expect(answer.status, body).toBe(400);
      expect(answer.body, body).toEqual({ error: expect.any(String) });
    }
    expect(simulator.pins(TOKEN)).toEqual([]);
  });

  it('keeps an already pinned entry with an unknown compute type, but refuses a new one', async () => {
    const odd = { model_id: 'acme/odd', compute_type: 'tpu', extra: 1 };
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 3, pins: [odd] } } });
    const keep = await call(simulator, 'POST', '/usage/pinned_models', {
      headers: auth,
      body: JSON.stringify({ pinned_models: [odd, { model_id: 'gpt2', compute_type: 'cpu' }] }),
    });
    expect(keep.status).toBe(200);
    const change = await call(simulator, 'POST', '/usage/pinned_models', {
      headers: auth,
      body: JSON.stringify({ pinned_models: [{ ...odd, compute_type: 'npu' }] }),
    });
    expect(change).toEqual({ status: 400, body: { error: "compute_type must be 'cpu' or 'gpu', got 'npu'" } });
    expect(simulator.pins(TOKEN)).toEqual([odd, { model_id: 'gpt2', compute_type: 'cpu' }]);
  });

  it('enforces the quota and the plan', async () => {
    const simulator = await harness.simulator({ accounts: { [TOKEN]: { allowed: 1 }, hf_free_plan_token_xxxxxxxxxxxxxxxxxxxx: { allowed: 0, pinning: false } } });
    const two = JSON.stringify({ pinned_models: [{ model_id: 'a', compute_type: 'cpu' }, { model_id: 'b', compute_type: 'cpu' }] });
    expect(await call(simulator, 'POST', '/usage/pinned_models', { headers: auth, body: two })).toEqual({
      status: 400,
      body: { error: 'You can only pin 1 models with your current plan' },
    });
    const noPlan = { authorization: 'Bearer hf_free_plan_token_xxxxxxxxxxxxxxxxxxxx' };
    const refusal = { status: 403, body: { error: 'Model pinning is only supported for existing customers' } };
    expect(await call(simulator, 'POST', '/usage/pinned_models', { headers: noPlan, body: ONE_PIN })).toEqual(refusal);
    expect(await call(simulator, 'GET', '/usage/pinned_models', { headers: noPlan })).toEqual(refusal);
  });
});

describe('simulator: /status and load states', () => {
  it('moves a new pin from Loadable to Loading to Loaded, derived from time', async () => {
    // Long enough that no slow machine sees it loaded before it is asked; then shortened to let it load.
    const simulator = await harness.simulator({ loadDelayMs: 60_000 });
    const status = () => call(simulator, 'GET', '/status/openai-community/gpt2', { headers: auth });
    expect((await status()).body).toMatchObject({ loaded: false, state: 'Loadable' });

    await call(simulator, 'POST', '/usage/pinned_models', {
      headers: auth,
      body: JSON.stringify({ pinned_models: [{ model_id: 'openai-community/gpt2', compute_type: 'cpu' }] }),
    });
    expect((await status()).body).toEqual({ loaded: false, state: 'Loading', compute_type: 'cpu', framework: 'transformers' });
    simulator.setLoadDelay(60);
    await waitFor(async () => ((await status()).body as { state?: string }).state === 'Loaded', 2000, 'Loaded');
    expect((await status()).body).toEqual({ loaded: true, state: 'Loaded', compute_type: 'cpu', framework: 'transformers' });
  });

  it('restarts loading on a compute change, and reports gpu as the 2024 object form', async () => {
    const simulator = await harness.simulator({ loadDelayMs: 10_000, accounts: { [TOKEN]: { allowed: 2, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    expect((await call(simulator, 'GET', '/status/gpt2', { headers: auth })).body).toMatchObject({ state: 'Loaded' });
    simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'gpu' }]);
    expect((await call(simulator, 'GET', '/status/gpt2', { headers: auth })).body).toEqual({
      loaded: false,
      state: 'Loading',
      compute_type: { gpu: { gpu: 'a10g', count: 1 } },
      framework: 'transformers',
    });
  });

  it('answers unknown models with 404 and too big ones with TooBig', async () => {
    const simulator = await harness.simulator({ tooBigModels: ['bigscience/bloomz'] });
    expect(await call(simulator, 'GET', '/status/unknown/model', { headers: auth })).toEqual({
      status: 404,
      body: { error: 'Model unknown/model does not exist' },
    });
    expect((await call(simulator, 'GET', '/status/bigscience/bloomz', { headers: auth })).body).toEqual({
      loaded: false,
      state: 'TooBig',
      compute_type: 'cpu',
      framework: 'transformers',
    });
  });
});

describe('simulator: the request log and faults', () => {
  it('logs outside changes with source admin and never stores the token', async () => {
    const simulator = await harness.simulator();
    await call(simulator, 'GET', '/usage/pinned_models', { headers: auth });
    simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }]);
    simulator.setAllowed(TOKEN, 7);
    expect(simulator.requestLog.map((entry) => [entry.source, entry.account])).toEqual([
      ['client', 'account-1'],
      ['admin', 'account-1'],
      ['admin', 'account-1'],
    ]);
    expect(JSON.stringify(simulator.requestLog)).not.toContain(TOKEN);
    simulator.clearLog();
    expect(simulator.requestLog).toEqual([]);
  });

  it('fails, malforms and resets exactly the next N requests', async () => {
    const simulator = await harness.simulator();
    simulator.failNext(2, 503, { error: 'Service Unavailable' }, 2);
    const first = await request(`${simulator.url}/usage/pinned_models`, { headers: auth });
    expect(first.statusCode).toBe(503);
    expect(first.headers['retry-after']).toBe('2');
    expect(await first.body.json()).toEqual({ error: 'Service Unavailable' });
    expect((await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).status).toBe(503);
    expect((await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).status).toBe(200);

    simulator.malformNext(1);
    const broken = await request(`${simulator.url}/usage/pinned_models`, { headers: auth });
    expect(broken.statusCode).toBe(200);
    await expect(broken.body.json()).rejects.toThrow();

    simulator.resetNext(1);
    await expect(request(`${simulator.url}/usage/pinned_models`, { headers: auth })).rejects.toThrow();
    expect((await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).status).toBe(200);
    expect(clientRequests(simulator).map((entry) => entry.status)).toEqual([503, 503, 200, 200, 0, 200]);
  });

  it('can be driven over HTTP by another process, and admin calls stay out of the log', async () => {
    const simulator = await harness.simulator();
    expect((await call(simulator, 'POST', '/_simulator/pins', { body: JSON.stringify({ token: TOKEN, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] }) })).status).toBe(204);
    expect((await call(simulator, 'POST', '/_simulator/allowed', { body: JSON.stringify({ token: TOKEN, allowed: 9 }) })).status).toBe(204);
    expect((await call(simulator, 'POST', '/_simulator/faults', { body: JSON.stringify({ failNext: { count: 1, status: 502 } }) })).status).toBe(204);
    expect((await call(simulator, 'POST', '/_simulator/accounts', { body: JSON.stringify({ token: 'hf_second_account_xxxxxxxxxxxxxxxxxxxxx', allowed: 2 }) })).body).toEqual({ account: 'account-2' });
    expect((await call(simulator, 'POST', '/_simulator/allowed', { body: JSON.stringify({ token: 'hf_nobody', allowed: 1 }) })).status).toBe(404);
    expect((await call(simulator, 'POST', '/_simulator/faults', { body: JSON.stringify({ latencyMs: -1 }) })).status).toBe(400);

    expect((await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).status).toBe(502);
    expect(await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).toEqual({
      status: 200,
      body: { pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }], allowed_pinned_models: 9 },
    });

    const log = await call(simulator, 'GET', '/_simulator/log');
    expect((log.body as { source: string; path: string }[]).map((entry) => `${entry.source} ${entry.path}`)).toEqual([
      'admin /_simulator/pins',
      'admin /_simulator/allowed',
      'client /usage/pinned_models',
      'client /usage/pinned_models',
    ]);
    expect((await call(simulator, 'DELETE', '/_simulator/log')).status).toBe(204);
    expect(simulator.requestLog).toEqual([]);
  });
});

describe('simulator: the Hub model API', () => {
  it('answers a model, a missing or hidden one, a gated one closed to the token, and a search, as the Hub does', async () => {
    const simulator = await harness.simulator();

    expect(await call(simulator, 'GET', '/api/models/bigscience/bloom', { headers: auth })).toMatchObject({
      status: 200,
      body: { id: 'bigscience/bloom', pipeline_tag: 'text-generation', library_name: 'transformers', gated: false, private: false },
    });
    const missing = await request(`${simulator.url}/api/models/other-org/secret-model`, { headers: auth });
    expect([missing.statusCode, missing.headers['x-error-code']]).toEqual([404, 'RepoNotFound']);
    await missing.body.dump();
    const gated = await request(`${simulator.url}/api/models/meta-llama/Llama-2-7b-hf`, { headers: auth });
    expect([gated.statusCode, gated.headers['x-error-code']]).toEqual([403, 'GatedRepo']);
    await gated.body.dump();
    const search = await call(simulator, 'GET', '/api/models?search=BLOOM&limit=2');
    expect((search.body as { id: string }[]).map((model) => model.id)).toEqual(['bigscience/bloom-560m', 'bigscience/bloom']);
  });

  it('treats every id in an open namespace as a public model, for generated ids', async () => {
    const simulator = await harness.simulator({ hubOpenNamespaces: ['bench'] });
    expect(await call(simulator, 'GET', '/api/models/bench/m-17')).toMatchObject({ status: 200, body: { id: 'bench/m-17', pipeline_tag: 'text-generation' } });
    expect((await call(simulator, 'GET', '/api/models/benchx/m-17')).status).toBe(404);
  });

  it('fails or hangs on the Hub routes only, set over HTTP, and recovers when the fault is cleared', async () => {
    const simulator = await harness.simulator();
    expect((await call(simulator, 'POST', '/_simulator/faults', { body: JSON.stringify({ hub: { status: 503 } }) })).status).toBe(204);

    expect((await call(simulator, 'GET', '/api/models/gpt2')).status).toBe(503);
    expect((await call(simulator, 'GET', '/usage/pinned_models', { headers: auth })).status).toBe(200);

    expect((await call(simulator, 'POST', '/_simulator/faults', { body: JSON.stringify({ hub: null }) })).status).toBe(204);
    expect((await call(simulator, 'GET', '/api/models/gpt2')).status).toBe(200);
  });
});

describe('simulator: repo id rules (pinbot ASCII reading of notes §4)', () => {
  it('accepts valid ids and explains invalid ones', () => {
    for (const id of ['foo', 'foo/bar', '123', 'Foo-BAR_foo.bar123', 'gpt2', '_x_']) expect(repoIdProblem(id), id).toBeUndefined();
    for (const id of ['datasets/foo/bar', '.repo_id', 'repo_id.', 'foo--bar', 'foo..bar', 'foo.git', 'a'.repeat(100), 'modèle', '']) {
      expect(repoIdProblem(id), id).toEqual(expect.any(String));
    }
  });
});

describe('sandbox simulator', () => {
  it('starts with the demo token, five slots and two seeded, already loaded pins', async () => {
    const { simulator, token } = await startSandboxSimulator();
    harness.onCleanup(() => simulator.close());
    expect(token).toBe(SANDBOX_TOKEN);
    expect(simulator.pins(token)).toEqual(SANDBOX_PINS);
    expect(simulator.allowed(token)).toBe(5);
    const status = await call(simulator, 'GET', `/status/${SANDBOX_PINS[1]?.model_id ?? ''}`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.body).toMatchObject({ loaded: true, state: 'Loaded', compute_type: { gpu: { gpu: 'a10g', count: 1 } } });
  });

  it('starts from the account it is given, and answers a write only once the change is kept', async () => {
    const kept: unknown[] = [];
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { simulator, token } = await startSandboxSimulator({
      account: { allowed: 3, pins: [{ model_id: 'a/b', compute_type: 'gpu' }] },
      onAccountChange: async (_token, account) => {
        await held;
        kept.push(account);
      },
    });
    harness.onCleanup(() => simulator.close());
    expect(simulator.pins(token)).toEqual([{ model_id: 'a/b', compute_type: 'gpu' }]);

    let answered = false;
    const write = call(simulator, 'POST', '/usage/pinned_models', { headers: { authorization: `Bearer ${token}` }, body: ONE_PIN }).then((answer) => {
      answered = true;
      return answer;
    });
    await waitFor(() => simulator.pins(token).length === 1 && simulator.pins(token)[0]?.model_id === 'gpt2', 2000, 'the write to arrive');
    expect(answered).toBe(false);

    release();
    expect((await write).status).toBe(200);
    expect(kept).toEqual([{ allowed: 3, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] }]);
  });
});

describe('simulator: held requests, for crash tests', () => {
  const TWO_PINS = JSON.stringify({ pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }] });

  it('holds a POST after applying it, answering only once released', async () => {
    const simulator = await harness.simulator();
    const held = simulator.holdNext('POST', 'after');
    let answered = false;
    const answer = call(simulator, 'POST', '/usage/pinned_models', { headers: auth, body: TWO_PINS }).then((a) => {
      answered = true;
      return a;
    });
    const entry = await held.arrived;

    expect(entry.applied).toBe(true);
    expect(simulator.pins(TOKEN)).toHaveLength(2);
    expect(answered).toBe(false);
    held.release();
    expect((await answer).status).toBe(200);
  });

  it('drops, unapplied, a POST held before it is handled whose client went away', async () => {
    const simulator = await harness.simulator();
    const before = simulator.pins(TOKEN);
    const held = simulator.holdNext('POST', 'before');
    const gone = new AbortController();
    const answer = request(`${simulator.url}/usage/pinned_models`, { method: 'POST', headers: auth, body: TWO_PINS, signal: gone.signal }).catch(() => 'aborted');
    const entry = await held.arrived;
    gone.abort();
    expect(await answer).toBe('aborted');
    await waitFor(() => held.clientGone(), 2000, 'the simulator to see the client go');

    held.release();
    await waitFor(() => simulator.inFlight() === 0, 2000, 'the held request to end');

    expect(entry.applied).toBeUndefined();
    expect(simulator.pins(TOKEN)).toEqual(before);
  });

  it('holds a GET of the list before answering it', async () => {
    const simulator = await harness.simulator();
    const held = simulator.holdNext('GET', 'before');
    const answer = call(simulator, 'GET', '/usage/pinned_models', { headers: auth });
    await held.arrived;
    expect(simulator.inFlight()).toBe(1);
    held.release();
    expect((await answer).status).toBe(200);
  });
});
