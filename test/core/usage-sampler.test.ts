import { afterEach, describe, expect, it } from 'vitest';
import { endpointsBackend } from '../../src/backends/endpoints/backend.ts';
import { createEndpointsClient } from '../../src/backends/endpoints/client.ts';
import { startEndpointsSimulator } from '../../src/backends/endpoints/simulator.ts';
import { UsageSampler } from '../../src/core/follow-ups/usage-sampler.ts';
import { UsageService } from '../../src/core/workflow/usage-service.ts';
import type { ScopeBackend } from '../../src/core/backend.ts';
import type { Clock, UsageStore } from '../../src/core/ports.ts';
import { MemoryAuditLog } from '../../src/store/memory-audit-log.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { MemoryUsageStore } from '../../src/store/memory-usage-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { captureLogger, TOKEN } from '../helpers/hf-harness.ts';
import { manualClock } from '../helpers/pinbot-harness.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from '../store/postgres-test-db.ts';

const INTERVAL = 300_000;
const HOUR = 3_600_000;
const NO_PLAN_TOKEN = 'hf_no_metrics_plan_token';

describe('UsageSampler against the Endpoints simulator', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  async function setUp(options: { usage?: UsageStore; clock?: Clock & { advance(ms: number): void } } = {}) {
    const sim = await startEndpointsSimulator({
      warmupMs: 10,
      accounts: {
        [TOKEN]: {
          namespace: 'acme',
          endpoints: [
            { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2, accelerator: 'gpu', instanceType: 'nvidia-a10g', instanceSize: 'x1' },
            { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
          ],
        },
        [NO_PLAN_TOKEN]: { namespace: 'smallco', metricsPlan: false, endpoints: [{ name: 'chat', repository: 'gpt2', minReplica: 1, maxReplica: 1 }] },
      },
    });
    closers.push(() => sim.close());
    const backendOf = (token: string, namespace: string): ScopeBackend => {
      const client = createEndpointsClient({ baseUrl: sim.url, token, namespace, maxWarm: 2, retry: { maxAttempts: 1 } });
      closers.push(() => client.close());
      return endpointsBackend(client, namespace);
    };
    const backends = new Map([['inference', backendOf(TOKEN, 'acme')], ['small', backendOf(NO_PLAN_TOKEN, 'smallco')]]);
    const backendFor = (scope: string): ScopeBackend => backends.get(scope) ?? (() => { throw new Error(scope); })();
    const clock = options.clock ?? manualClock();
    const usage = options.usage ?? new MemoryUsageStore();
    const once = new MemoryOnceLedger();
    const logger = captureLogger();
    const sampler = (shared = once) => new UsageSampler({
      scopes: ['inference', 'small'], backendFor, usage, once: shared, clock, logger, intervalMs: INTERVAL, retentionMs: 90 * 24 * HOUR,
    });
    const service = new UsageService({ backendFor, usage, audit: new MemoryAuditLog(), clock });
    const metricsReads = () => sim.requestLog.filter((request) => request.path.endsWith('/open-metrics'));
    return { sim, clock, usage, logger, sampler, service, metricsReads };
  }

  /** One sample per interval, the clock moved in between. */
  async function every(sampler: UsageSampler, clock: { advance(ms: number): void }, entry: string, step: () => void = () => undefined) {
    clock.advance(INTERVAL);
    step();
    return sampler.sample('inference', entry);
  }

  it('keeps the first sample as the baseline and counts the traffic since, by hour and status class', async () => {
    const { sim, clock, usage, sampler } = await setUp();
    const s = sampler();
    sim.traffic(TOKEN, 'llama-chat', { '200': 1000 }, { latencySeconds: 0.2 });
    expect(await s.sample('inference', 'llama-chat')).toBe('baseline');

    const outcome = await every(s, clock, 'llama-chat', () => sim.traffic(TOKEN, 'llama-chat', { '200': 90, '503': 10 }, { latencySeconds: 0.4 }));

    expect(outcome).toBe('counted');
    const now = clock.now();
    expect(await usage.hours('inference', 0, now + 1)).toEqual([{
      entry: 'llama-chat', hour: now - (now % HOUR), requests: { '2xx': 90, '3xx': 0, '4xx': 0, '5xx': 10 }, latency: { p50: 0.2, p90: 0.4, p99: 0.4 },
    }]);
  });

  it('counts a replica that restarted from zero, a new replica whole, and nothing for one that went', async () => {
    const { sim, clock, usage, sampler } = await setUp();
    const s = sampler();
    sim.traffic(TOKEN, 'llama-chat', { '200': 500 }, { replica: 'r1' });
    sim.traffic(TOKEN, 'llama-chat', { '200': 300 }, { replica: 'r2' });
    await s.sample('inference', 'llama-chat');

    // r1 restarts and answers 20; r2 is replaced by r3, which answers 15.
    await every(s, clock, 'llama-chat', () => {
      sim.restartReplica(TOKEN, 'llama-chat', 'r1');
      sim.traffic(TOKEN, 'llama-chat', { '200': 20 }, { replica: 'r1' });
      sim.restartReplica(TOKEN, 'llama-chat', 'r2', 'r3');
      sim.traffic(TOKEN, 'llama-chat', { '200': 15 }, { replica: 'r3' });
    });

    expect(sim.replicas(TOKEN, 'llama-chat')).toEqual(['r1', 'r3']);
    const [hour] = await usage.hours('inference', 0, clock.now() + 1);
    expect(hour?.requests['2xx']).toBe(35);
  });

  it('counts nothing across a failed sample, and counts again from the sample after it', async () => {
    const { sim, clock, usage, sampler } = await setUp();
    const s = sampler();
    sim.traffic(TOKEN, 'llama-chat', { '200': 10 });
    await s.sample('inference', 'llama-chat');
    expect(await every(s, clock, 'llama-chat', () => sim.failNext(1, 500))).toBe('failed');
    // The traffic of the failed interval is not put in any hour: the next sample is a new baseline.
    expect(await every(s, clock, 'llama-chat', () => sim.traffic(TOKEN, 'llama-chat', { '200': 70 }))).toBe('baseline');
    expect(await every(s, clock, 'llama-chat', () => sim.traffic(TOKEN, 'llama-chat', { '200': 5 }))).toBe('counted');

    const hours = await usage.hours('inference', 0, clock.now() + 1);
    expect(hours.map((hour) => hour.requests['2xx'])).toEqual([5]);
  });

  it('takes each interval\'s sample of an entry once across two samplers sharing a store', async () => {
    const { sim, clock, usage, sampler, metricsReads } = await setUp({ usage: await sharedSqlite() });
    const shared = new MemoryOnceLedger();
    const [a, b] = [sampler(shared), sampler(shared)];
    sim.traffic(TOKEN, 'llama-chat', { '200': 10 });

    expect((await Promise.all([a.sample('inference', 'llama-chat'), b.sample('inference', 'llama-chat')])).sort()).toEqual(['baseline', 'elsewhere']);
    clock.advance(INTERVAL);
    sim.traffic(TOKEN, 'llama-chat', { '200': 40 });
    expect((await Promise.all([b.sample('inference', 'llama-chat'), a.sample('inference', 'llama-chat')])).sort()).toEqual(['counted', 'elsewhere']);

    expect(metricsReads()).toHaveLength(2);
    const [hour] = await usage.hours('inference', 0, clock.now() + 1);
    expect(hour?.requests['2xx']).toBe(40);
  });

  it('logs a namespace without the metrics plan once over many samples, asks again rarely, and usage says so in one sentence', async () => {
    const { clock, logger, sampler, service, metricsReads } = await setUp();
    const s = sampler();
    const outcomes: string[] = [];
    for (let index = 0; index < 100; index++) {
      outcomes.push(await s.sample('small', 'chat'));
      clock.advance(INTERVAL);
    }

    expect(outcomes.filter((outcome) => outcome === 'denied').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((outcome) => outcome === 'denied').length).toBeLessThanOrEqual(100 * INTERVAL / (6 * HOUR) + 1);
    expect(metricsReads()).toHaveLength(outcomes.filter((outcome) => outcome === 'denied').length);
    const noticed = logger.lines.filter((line) => line.level === 'warn' || line.level === 'error');
    expect(noticed).toEqual([expect.objectContaining({ message: 'usage is not readable for this scope; asking again rarely', fields: expect.objectContaining({ scope: 'small' }) })]);

    const report = await service.report('small', '24h');
    expect(report).toEqual({
      kind: 'unavailable',
      scope: 'small',
      reason: 'The Inference Endpoints metrics of smallco are not readable with this token (HTTP 403): '
        + 'the metrics API is in beta and needs a Team or Enterprise plan, so pinbot keeps no usage for this scope.',
    });
  });

  it('reports every hour of the period, the warm hours and their cost, and the cost per 1,000 requests', async () => {
    const { sim, clock, sampler, service } = await setUp();
    const s = sampler();
    await s.sample('inference', 'llama-chat');
    for (let step = 0; step < 12; step++) await every(s, clock, 'llama-chat', () => sim.traffic(TOKEN, 'llama-chat', { '200': 100 }));

    const report = await service.report('inference', '24h');

    if (report.kind !== 'report') throw new Error('expected a report');
    // The warm one costs, so it comes first.
    expect(report.entries.map((entry) => entry.entry)).toEqual(['llama-chat', 'embedder']);
    const llama = report.entries[0];
    expect(llama?.hours).toHaveLength(24);
    expect(llama?.requests).toBe(1200);
    // No history: warm as it is now for the whole period, 1 replica at $1 per hour.
    expect(llama?.ready).toEqual([{ from: report.from, to: report.to }]);
    expect(llama?.cost).toBeCloseTo((report.to - report.from) / HOUR);
    expect(llama?.costPer1000).toBeCloseTo(((report.to - report.from) / HOUR / 1200) * 1000);
    const embedder = report.entries[1];
    expect(embedder).toMatchObject({ requests: 0, ready: [] });
    expect(embedder?.errorShare).toBeUndefined();

    await expect(service.report('inference', '7d', 'nope')).rejects.toThrow('There is no endpoint `nope` in scope inference to show usage for. It has: embedder, llama-chat.');
  });

  async function sharedSqlite(): Promise<UsageStore> {
    const store = await openStore(':memory:');
    closers.push(() => store.close());
    return store.usage;
  }
});

describe('two processes sampling one entry in neighbouring intervals at the same moment', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  // A late sample of one interval and the next interval's, taken together by two processes, both
  // counted from the same baseline: without the store's compare-and-set both were kept, and on
  // PostgreSQL 20 such rounds of 40 requests stored about 1,550 instead of 800.
  it.each(['sqlite', 'postgres'] as const)('on %s, counts each request once', async (kind) => {
    const sim = await startEndpointsSimulator({ accounts: { [TOKEN]: { namespace: 'acme', endpoints: [{ name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 }] } } });
    closers.push(() => sim.close());
    const schema = freshSchemaName();
    const store = await openStore(kind === 'sqlite' ? ':memory:' : urlWithSchema(schema));
    closers.push(async () => {
      await store.close();
      if (kind === 'postgres') await dropSchema(schema);
    });
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 2, retry: { maxAttempts: 1 } });
    closers.push(() => client.close());
    const backend = endpointsBackend(client, 'acme');
    const once = new MemoryOnceLedger();
    const start = Date.UTC(2026, 10, 27, 12, 0, 0);
    const settable = () => {
      let now = start;
      return { now: () => now, set: (at: number) => { now = at; } };
    };
    const [late, next] = [settable(), settable()];
    const samplerOn = (clock: Clock) => new UsageSampler({
      scopes: ['inference'], backendFor: () => backend, usage: store.usage, once, clock, logger: captureLogger(), intervalMs: INTERVAL, retentionMs: 90 * 24 * HOUR,
    });
    const [a, b] = [samplerOn(late), samplerOn(next)];
    sim.traffic(TOKEN, 'llama-chat', { '200': 10 }, { replica: 'r1' });

    for (let round = 0; round < 20; round++) {
      // A baseline (after a pause: nothing counted), then 40 requests, then one process's sample of
      // an interval taken a millisecond before it ends, and the next interval's, at the same moment.
      const at = start + round * 10 * INTERVAL;
      late.set(at);
      expect(await a.sample('inference', 'llama-chat')).toBe('baseline');
      sim.traffic(TOKEN, 'llama-chat', { '200': 40 }, { replica: 'r1' });
      late.set(at + 2 * INTERVAL - 1);
      next.set(at + 2 * INTERVAL);
      const outcomes = await Promise.all([a.sample('inference', 'llama-chat'), b.sample('inference', 'llama-chat')]);
      expect(outcomes).toContain('counted');
    }

    const stored = await store.usage.hours('inference', 0, next.now() + 1);
    expect(stored.reduce((sum, hour) => sum + hour.requests['2xx'], 0)).toBe(800);
  });
});
