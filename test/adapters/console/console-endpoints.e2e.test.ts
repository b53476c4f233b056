import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { spawnPinbot, type RunningPinbot } from '../../helpers/spawn-pinbot.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';

const CONFIG = `scopes:
  - name: inference
    token_env: HF_TOKEN_ENDPOINTS
    backend: endpoints
    namespace: acme
    max_warm: 2
`;

describe('the console on an Inference Endpoints scope, as a spawned process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function simulator(): Promise<EndpointsSimulator> {
    const sim = await startAcmeEndpoints(10);
    cleanups.push(() => sim.close());
    return sim;
  }

  function run(args: string[], env: Record<string, string>): RunningPinbot {
    const pinbot = spawnPinbot(args, env);
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill();
      await pinbot.exited();
    });
    return pinbot;
  }

  const puts = (sim: EndpointsSimulator) => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT').map((r) => r.path.split('/').at(-1));

  it('lists, refuses over max_warm, applies, refuses a stale approval, reports a write that stops midway, restores and reverts', async () => {
    const sim = await simulator();
    const file = join(testTempDir('pinbot-endpoints-'), 'pinbot.yml');
    writeFileSync(file, CONFIG);
    const pinbot = run([], { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url });
    await pinbot.waitForOutput('pinbot> ');
    let mark = pinbot.stdout().length;
    const step = async (line: string, until: string) => {
      mark = pinbot.stdout().length;
      pinbot.send(line);
      await pinbot.waitForOutput(until, 10_000, mark);
      return pinbot.stdout().slice(mark);
    };

    const list = await step('list', 'pinbot> ');
    expect(list).toContain('Inference Endpoints (inference) — 1 of 2 warm (max_warm)');
    expect(list).toContain('llama-chat — warm, min 1, max 2; running; gpu nvidia-a10g x1; serves meta-llama/Llama-3.1-8B-Instruct');
    expect(list).toContain('sentiment — cold, min 0, scales to zero after 15 min, max 1; scaledToZero');
    // Every endpoint here is an aws us-east-1 nvidia-a10g x1, at $1.00 per replica-hour in the simulator's catalogue.
    expect(list).toContain('warm cost $1.00 per hour, up to $2.00 at max replicas ($1.00 per replica-hour)');
    expect(list).toContain('Warm cost: $1.00 per hour at minimum replicas, up to $2.00 at maximum; $720.00 to $1,440.00 per 30-day month.');

    const over = await step('add embedder sentiment', 'pinbot> ');
    expect(over).toContain("Can't keep 3 endpoints warm: this scope's max_warm is 2. Nothing was proposed.");
    expect(puts(sim)).toEqual([]);

    // The endpoints' own words: a compute type is refused, not dropped; usage and "nothing to change" speak of endpoints.
    const withCompute = await step('add embedder gpu', 'pinbot> ');
    expect(withCompute).toContain("Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed.");
    const usage = await step('add', 'pinbot> ');
    expect(usage).toContain('Usage: add <endpoint> … [replicas=N]');
    expect(usage).not.toContain(':gpu');
    const same = await step('add llama-chat', 'pinbot> ');
    expect(same).toContain('Nothing to change: the warm endpoints already look like that.');
    expect(same).toContain('Warm now: llama-chat (1 replica)');
    expect(puts(sim)).toEqual([]);

    const card = await step('add BAAI/bge-small-en-v1.5', 'Apply? [y/N]');
    expect(card).toContain('Warm endpoints: 1 → 2 of 2 (max_warm)');
    expect(card).toContain('+ embedder (1 replica)');
    expect(card).toContain('Warm cost: per hour $1.00 → $2.00 at minimum replicas, up to $2.00 → $3.00 at maximum; '
      + 'per 30-day month $720.00 → $1,440.00, up to $1,440.00 → $2,160.00');
    const applied = await step('y', 'pinbot> ');
    expect(applied).toContain('✅ Applied');
    expect(applied).toContain('Updated 1 endpoint: embedder (min 0 → 1).');
    const addChange = /Change (\w+) — undo with revert/.exec(applied)?.[1];
    expect(puts(sim)).toEqual(['embedder']);

    await step('remove embedder', 'Apply? [y/N]');
    sim.setScaling(TOKEN, 'embedder', { maxReplica: 2 });
    const stale = await step('y', 'pinbot> ');
    expect(stale).toContain('Not applied: an endpoint changed after this was proposed');
    expect(stale).toContain('embedder (min 1, max 1, no scale-to-zero timeout → min 1, max 2, no scale-to-zero timeout)');
    expect(puts(sim)).toEqual(['embedder']);

    await step('set sentiment llama-chat replicas=1', 'Apply? [y/N]');
    sim.failPutOf('sentiment', 403);
    const partial = await step('y', 'Restore the changed endpoints? [y/N]');
    expect(partial).toContain('⚠️ Partly applied');
    expect(partial).not.toContain('Not applied');
    expect(partial).toContain('Warm endpoints: 2 → 1 of 2 (max_warm)');
    expect(partial).toContain('Changed: embedder warm (1 replica) → cold.');
    expect(partial).toContain('Not changed: sentiment still cold (was to go warm, 1 replica).');
    expect(partial).toContain('The update of sentiment failed: The token may not update the endpoints of acme (HTTP 403). Hugging Face said: "Forbidden".');
    expect(partial).toContain('Warm now: llama-chat (1 replica).');
    expect(partial).toMatch(/Recorded as change \w+\./);
    expect(puts(sim)).toEqual(['embedder', 'embedder', 'sentiment']);
    const restoreCard = await step('y', 'Apply? [y/N]');
    expect(restoreCard).toContain('+ embedder (1 replica)');
    const restored = await step('y', 'pinbot> ');
    expect(restored).toContain('✅ Applied');
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });

    const revertCard = await step(`revert ${addChange ?? ''}`, 'Apply? [y/N]');
    expect(revertCard).toContain('− embedder (1 replica)');
    const reverted = await step('y', 'pinbot> ');
    expect(reverted).toContain('✅ Applied');
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });

    const bad = await step('add embedder replicas=5', 'pinbot> ');
    expect(bad).toContain('embedder can run at most 2 replicas (its maxReplica), so it cannot keep 5 warm; ask for replicas=2 or fewer.');

    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout()).not.toContain(TOKEN);
    expect(pinbot.stderr()).not.toContain(TOKEN);
  });

  it('interactive: says when a warmed endpoint is running, alerts on scaling changed elsewhere, and restores from the alert', async () => {
    const sim = await simulator();
    const file = join(testTempDir('pinbot-endpoints-'), 'pinbot.yml');
    writeFileSync(file, CONFIG);
    const pinbot = run([], { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, PINBOT_DRIFT_INTERVAL: '10s' });
    await pinbot.waitForOutput('pinbot> ');
    pinbot.send('add embedder');
    await pinbot.waitForOutput('Apply? [y/N]');
    let mark = pinbot.stdout().length;
    pinbot.send('y');
    await pinbot.waitForOutput('after the change was applied.\npinbot> ', 10_000, mark);
    expect(pinbot.stdout().slice(mark)).toMatch(/pinbot> \n✅ embedder is loaded on gpu nvidia-a10g x1, \d+ s after the change was applied\.\npinbot> $/);
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ status: { state: 'running' } });

    mark = pinbot.stdout().length;
    sim.setScaling(TOKEN, 'llama-chat', { minReplica: 0 });
    // The watcher reads the endpoints once per PINBOT_DRIFT_INTERVAL (10 s, the shortest allowed).
    await pinbot.waitForOutput('Restore the endpoints as they were: type restore ', 15_000, mark);
    const alert = pinbot.stdout().slice(mark);
    expect(alert).toContain('⚠️ The warm Inference Endpoints of scope inference were changed outside pinbot.');
    expect(alert).toContain('− llama-chat (1 replica)');
    const alertId = /type restore (\w+)/.exec(alert)?.[1] ?? '';

    mark = pinbot.stdout().length;
    pinbot.send(`restore ${alertId}`);
    await pinbot.waitForOutput('Apply? [y/N]', 10_000, mark);
    expect(pinbot.stdout().slice(mark)).toContain('+ llama-chat (1 replica)');
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
    pinbot.send('y');
    await pinbot.waitForOutput('Applied', 10_000, mark);
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });
    expect(puts(sim)).toEqual(['embedder', 'llama-chat']);

    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
  }, 30_000);

  it('offers an endpoints sandbox scope with no account', async () => {
    const pinbot = run(['--scope', 'endpoints', 'list'], {});
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stderr()).toContain('SANDBOX');
    expect(pinbot.stdout()).toContain('Inference Endpoints (endpoints) — 1 of 2 warm (max_warm)');
    // The sandbox's simulator prices its endpoints from a fresh clone on.
    expect(pinbot.stdout()).toContain('Warm cost: $1.00 per hour at minimum replicas, up to $2.00 at maximum; $720.00 to $1,440.00 per 30-day month.');
    expect(pinbot.stdout()).toContain('$0.033 per replica-hour');
  });

  it('refuses a change over max_cost_per_hour with the numbers, and one it cannot price', async () => {
    const sim = await simulator();
    const file = join(testTempDir('pinbot-endpoints-'), 'pinbot.yml');
    writeFileSync(file, `${CONFIG}    max_cost_per_hour: 1.5\n`);
    const over = run(['add', 'embedder'], { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url });
    await over.exited();
    expect(over.stdout()).toContain("With this change the warm endpoints (llama-chat, embedder) would cost $2.00 per hour at minimum replicas; this scope's max_cost_per_hour is $1.50. Nothing was proposed.");

    sim.failCatalogue(403);
    const unpriced = run(['add', 'embedder'], { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url });
    await unpriced.exited();
    expect(unpriced.stdout()).toContain("The cost of this change cannot be checked against this scope's max_cost_per_hour of $1.50: the hardware catalogue, which holds the prices, could not be read. Nothing was proposed.");
    expect(puts(sim)).toEqual([]);
  });

  it('says in one sentence that an endpoints scope needs max_warm, and exits 1', async () => {
    const file = join(testTempDir('pinbot-endpoints-'), 'pinbot.yml');
    writeFileSync(file, 'scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n');
    const pinbot = run(['list'], { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN });
    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toContain('scopes.0 (inference) max_warm is needed with backend: endpoints (how many endpoints this scope may keep warm)');
  });
});
