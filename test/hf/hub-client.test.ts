import { describe, expect, it } from 'vitest';
import { createHubClient, type HubClient } from '../../src/hf/hub-client.ts';
import { captureLogger, clientRequests, TOKEN, useHfHarness } from '../helpers/hf-harness.ts';
import { json, startTinyServer } from '../helpers/tiny-server.ts';

const harness = useHfHarness();

function hub(baseUrl: string, timeoutMs = 2000, logger = captureLogger()): HubClient {
  const client = createHubClient({ baseUrl, token: TOKEN, timeoutMs, logger });
  harness.onCleanup(() => client.close());
  return client;
}

describe('looking a model up on the Hub (against the simulator)', () => {
  it("reads a model's task, library, gating and last change with one GET", async () => {
    const simulator = await harness.simulator();
    const lookup = await hub(simulator.url).lookUp('bigscience/bloom');

    expect(lookup).toEqual({
      kind: 'found',
      facts: { task: 'text-generation', library: 'transformers', gated: false, private: false, lastModified: '2023-07-28T17:50:20.000Z' },
    });
    expect(clientRequests(simulator).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/models/bigscience/bloom']);
    expect(clientRequests(simulator)[0]?.tokenKnown).toBe(true);
  });

  it('follows a renamed repository to its new id once, on the same host', async () => {
    const server = await startTinyServer((req, res) => {
      if (req.url === '/api/models/gpt2') {
        res.writeHead(307, { location: '/api/models/openai-community/gpt2' }).end();
        return;
      }
      json(res, 200, { id: 'openai-community/gpt2', pipeline_tag: 'text-generation', library_name: 'transformers', gated: false, private: false });
    });
    harness.onCleanup(() => server.close());

    const lookup = await hub(server.url).lookUp('gpt2');

    expect(lookup.kind === 'found' && lookup.facts.task).toBe('text-generation');
    expect(server.requests.map((r) => r.url)).toEqual(['/api/models/gpt2', '/api/models/openai-community/gpt2']);
  });

  it('reports a repository without a pipeline_tag as found with no task', async () => {
    const simulator = await harness.simulator();
    const lookup = await hub(simulator.url).lookUp('sandbox-org/raw-checkpoints');
    expect(lookup.kind === 'found' && lookup.facts.task).toBeUndefined();
    expect(lookup.kind === 'found' && lookup.facts.library).toBe('pytorch');
  });

  it('suggests up to three close ids for a typo, the closest first', async () => {
    const simulator = await harness.simulator();
    const lookup = await hub(simulator.url).lookUp('bigscence/bloom');

    expect(lookup.kind).toBe('not-found');
    const suggestions = lookup.kind === 'not-found' ? lookup.suggestions : [];
    expect(suggestions[0]).toBe('bigscience/bloom');
    expect(suggestions.length).toBeLessThanOrEqual(3);
    expect(clientRequests(simulator).filter((r) => r.path === '/api/models')).toHaveLength(3);
  });

  it('answers a private repository the token cannot see like a missing one, and never suggests it', async () => {
    const simulator = await harness.simulator();
    const client = hub(simulator.url);
    expect(await client.lookUp('other-org/secret-model')).toEqual({ kind: 'not-found', suggestions: [] });
    const near = await client.lookUp('other-org/secret-modle');
    expect(near.kind === 'not-found' && near.suggestions).not.toContain('other-org/secret-model');
  });

  it('tells a gated model the token may not use from one it may', async () => {
    const simulator = await harness.simulator();
    const client = hub(simulator.url);
    expect(await client.lookUp('meta-llama/Llama-2-7b-hf')).toEqual({ kind: 'gated-denied' });
    const granted = await client.lookUp('google/gemma-2b');
    expect(granted.kind === 'found' && granted.facts.gated).toBe('manual');
  });
});

describe('when the Hub does not answer usefully, the model is unchecked, never refused', () => {
  it('answers 500', async () => {
    const simulator = await harness.simulator();
    simulator.setHubFault({ status: 500 });
    expect((await hub(simulator.url).lookUp('gpt2')).kind).toBe('unreachable');
  });

  it('hangs past the timeout, and the lookup gives up within its bound', async () => {
    const simulator = await harness.simulator();
    simulator.setHubFault('hang');
    const started = Date.now();
    const lookup = await hub(simulator.url, 200).lookUp('gpt2');
    expect(lookup).toEqual({ kind: 'unreachable', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('is stopped', async () => {
    const simulator = await harness.simulator();
    const url = simulator.url;
    await simulator.close();
    expect((await hub(url).lookUp('gpt2')).kind).toBe('unreachable');
  });

  it('sends a body that is not a model', async () => {
    const server = await startTinyServer((_req, res) => json(res, 200, { models: [] }));
    harness.onCleanup(() => server.close());
    expect(await hub(server.url).lookUp('gpt2')).toEqual({ kind: 'unreachable', reason: 'unexpected answer' });
  });

  it('rejects the token: an auth failure is not a missing model', async () => {
    const server = await startTinyServer((_req, res) => json(res, 401, { error: 'Invalid credentials in Authorization header' }));
    harness.onCleanup(() => server.close());
    expect((await hub(server.url).lookUp('gpt2')).kind).toBe('unreachable');
  });

  it('never logs the token', async () => {
    const simulator = await harness.simulator();
    simulator.setHubFault({ status: 503 });
    const logger = captureLogger();
    await hub(simulator.url, 2000, logger).lookUp('gpt2');
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(TOKEN);
  });
});
