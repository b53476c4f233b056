import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsBackend } from '../../src/backends/endpoints/backend.ts';
import { createEndpointsClient, type EndpointsClient } from '../../src/backends/endpoints/client.ts';
import { startEndpointsSimulator, type EndpointsSimulator } from '../../src/backends/endpoints/simulator.ts';
import { UsageSampler, type SampleOutcome } from '../../src/core/follow-ups/usage-sampler.ts';
import { NO_REQUESTS, STATUS_CLASSES, statusClassOf, type StatusClass } from '../../src/core/domain/usage.ts';
import type { ScopeBackend } from '../../src/core/backend.ts';
import { silentLogger } from '../../src/core/ports.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { MemoryUsageStore } from '../../src/store/memory-usage-store.ts';
import { TOKEN } from '../helpers/hf-harness.ts';
import { manualClock } from '../helpers/pinbot-harness.ts';
import { ServedRequests, total } from '../helpers/served-requests.ts';

// End to end: random traffic injected into the real Endpoints simulator across replicas that
// restart and are replaced, sampled over HTTP by the real sampler on an injected clock, into a
// real usage store. The invariant, per hour:
//
//   stored = what the served-requests oracle expects of every pair of consecutive good samples
//            (no failed sample and no pause between them), put in the hour of the later one.
//
// That is exactly every request served between such samples when no replica restarted or was
// replaced in between. When one was, what it served between the earlier sample and its restart is
// not counted (it is no longer in any counter), nor what a replaced replica served before it went;
// and a restarted counter that climbs back to at least its earlier value cannot be told from one
// that kept going, so only its rise is counted (Prometheus increase() has the same limit). A pair
// broken by a failed sample or a pause counts nothing. Nothing is ever counted twice or more than
// was served.

const INTERVAL = 300_000;
const HOUR = 3_600_000;
const ENDPOINT = 'llama-chat';
const CODES = [200, 201, 304, 404, 429, 503] as const;

type Step =
  | { readonly kind: 'traffic'; readonly replica: number; readonly code: (typeof CODES)[number]; readonly count: number }
  | { readonly kind: 'restart'; readonly replica: number }
  | { readonly kind: 'replace'; readonly replica: number }
  | { readonly kind: 'sample' }
  /** A sample, then a second one in the same interval: another process (or this one) already has it. */
  | { readonly kind: 'again' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'pause' };

const steps: fc.Arbitrary<Step[]> = fc.array(fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('traffic' as const), replica: fc.nat(3), code: fc.constantFrom(...CODES), count: fc.nat(400) }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'sample' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'again' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'failed' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const), replica: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), replica: fc.nat(3) }) },
), { maxLength: 40 });

describe('the usage sampler over the Endpoints simulator, with random traffic (property)', () => {
  let sim: EndpointsSimulator;
  let client: EndpointsClient;
  let backend: ScopeBackend;
  beforeAll(async () => {
    sim = await startEndpointsSimulator({
      warmupMs: 10,
      accounts: { [TOKEN]: { namespace: 'acme', endpoints: [{ name: ENDPOINT, repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 4 }] } },
    });
    client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2, retry: { maxAttempts: 1 } });
    backend = endpointsBackend(client, 'acme');
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  it('stores, hour by hour, exactly what was served between good samples, less only what restarts and replaced replicas hid', async () => {
    await fc.assert(fc.asyncProperty(steps, async (run) => {
      sim.reset();
      const clock = manualClock();
      const usage = new MemoryUsageStore();
      const sampler = new UsageSampler({
        scopes: ['inference'], backendFor: () => backend, usage, once: new MemoryOnceLedger(), clock, logger: silentLogger, intervalMs: INTERVAL, retentionMs: 90 * 24 * HOUR,
      });
      const oracle = new ServedRequests();
      const expected = new Map<number, Record<StatusClass, number>>();
      let servedInCountedPairs = 0;
      let countedExpected = 0;
      let brokenPairs = 0;
      let generation = 0;
      const replicaAt = (index: number): string | undefined => oracle.replicas()[index];
      const sample = async (): Promise<SampleOutcome> => {
        const outcome = await sampler.sample('inference', ENDPOINT);
        if (outcome === 'baseline') oracle.startPair();
        if (outcome === 'counted') {
          const pair = oracle.closePair();
          const now = clock.now();
          const hour = expected.get(now - (now % HOUR)) ?? { ...NO_REQUESTS };
          for (const status of STATUS_CLASSES) hour[status] += pair.expected[status];
          expected.set(now - (now % HOUR), hour);
          servedInCountedPairs += total(pair.served);
          countedExpected += total(pair.expected);
          if (pair.broken) brokenPairs++;
        }
        return outcome;
      };

      for (const step of run) {
        switch (step.kind) {
          case 'traffic': {
            const replica = replicaAt(step.replica) ?? `replica-${generation++}`;
            const status = statusClassOf(step.code);
            if (status === undefined) throw new Error(`no class for ${step.code}`);
            sim.traffic(TOKEN, ENDPOINT, { [step.code]: step.count }, { replica });
            oracle.traffic(replica, status, step.count);
            break;
          }
          case 'restart': {
            const replica = replicaAt(step.replica);
            if (replica === undefined) break;
            sim.restartReplica(TOKEN, ENDPOINT, replica);
            oracle.restart(replica);
            break;
          }
          case 'replace': {
            const replica = replicaAt(step.replica);
            if (replica === undefined) break;
            const next = `replica-${generation++}`;
            sim.restartReplica(TOKEN, ENDPOINT, replica, next);
            oracle.replace(replica, next);
            break;
          }
          case 'sample':
            clock.advance(INTERVAL);
            expect(['baseline', 'counted']).toContain(await sample());
            break;
          case 'again':
            clock.advance(INTERVAL);
            expect(['baseline', 'counted']).toContain(await sample());
            expect(await sample()).toBe('elsewhere');
            break;
          case 'failed':
            clock.advance(INTERVAL);
            sim.failNext(1, 500);
            expect(await sample()).toBe('failed');
            break;
          case 'pause':
            clock.advance(3 * INTERVAL);
            expect(await sample()).toBe('baseline');
            break;
        }
      }
      // The simulator's replicas are the oracle's: the model drove the real thing.
      expect(sim.replicas(TOKEN, ENDPOINT).sort()).toEqual(oracle.replicas().sort());

      const stored = await usage.hours('inference', 0, clock.now() + 1);
      expect(new Map(stored.map((row) => [row.hour, row.requests]))).toEqual(expected);
      const storedTotal = stored.reduce((sum, row) => sum + total(row.requests), 0);
      expect(storedTotal).toBe(countedExpected);
      expect(storedTotal).toBeLessThanOrEqual(servedInCountedPairs);
      if (brokenPairs === 0) expect(storedTotal).toBe(servedInCountedPairs);
    }), { numRuns: 150 });
  }, 120_000);
});
