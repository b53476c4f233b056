import { describe, expect, it } from 'vitest';
import { sandboxHourRequests, sandboxTrafficTick, seedSandboxUsage } from '../../../src/backends/endpoints/sandbox-traffic.ts';
import { startSandboxEndpoints } from '../../../src/backends/endpoints/simulator.ts';
import { endpointsUsage } from '../../../src/backends/endpoints/usage.ts';
import { createEndpointsClient } from '../../../src/backends/endpoints/client.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import { MemoryUsageStore } from '../../../src/store/memory-usage-store.ts';

const HOUR = 3_600_000;
const WEDNESDAY_2PM = Date.UTC(2026, 11, 2, 14);
const TICK = 30_000;
const sum = (requests: Readonly<Record<string, number>>) => Object.values(requests).reduce((all, n) => all + n, 0);

describe("the sandbox's made-up traffic", () => {
  it('gives the same hour the same requests, busier in working hours than at night or at the weekend', () => {
    expect(sandboxHourRequests('embedder', WEDNESDAY_2PM, WEDNESDAY_2PM + 60 * HOUR)).toEqual(sandboxHourRequests('embedder', WEDNESDAY_2PM, WEDNESDAY_2PM + 60 * HOUR));
    const at = (hour: number) => sum(sandboxHourRequests('embedder', hour, WEDNESDAY_2PM + 60 * HOUR));
    expect(at(WEDNESDAY_2PM)).toBeGreaterThan(5 * at(WEDNESDAY_2PM - 11 * HOUR));
    expect(at(WEDNESDAY_2PM)).toBeGreaterThan(3 * at(WEDNESDAY_2PM + 3 * 24 * HOUR));
    expect(sandboxHourRequests('not-in-the-sandbox', WEDNESDAY_2PM, WEDNESDAY_2PM)).toEqual({ '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
  });

  it('keeps llama-chat unused for the 40 hours before the history was made, and sends it nothing live', () => {
    const madeAt = WEDNESDAY_2PM + 30 * 60_000;
    expect(sum(sandboxHourRequests('llama-chat', WEDNESDAY_2PM - 40 * HOUR, madeAt))).toBe(0);
    expect(sum(sandboxHourRequests('llama-chat', WEDNESDAY_2PM - 41 * HOUR, madeAt))).toBeGreaterThan(0);
    expect(sandboxTrafficTick(['llama-chat'], WEDNESDAY_2PM, TICK)).toEqual([]);
  });

  it("sends, over an hour of ticks, about the hour's requests, the same for the same ticks", () => {
    const ticks = Array.from({ length: HOUR / TICK }, (_, index) => sandboxTrafficTick(['embedder', 'sentiment', 'llama-chat'], WEDNESDAY_2PM + index * TICK, TICK));
    expect(ticks).toEqual(Array.from({ length: HOUR / TICK }, (_, index) => sandboxTrafficTick(['embedder', 'sentiment', 'llama-chat'], WEDNESDAY_2PM + index * TICK, TICK)));
    const sent = (name: string) => ticks.flat().filter((tick) => tick.name === name).reduce((all, tick) => all + sum(tick.requests), 0);
    expect(sent('embedder')).toBeGreaterThan(1800);
    expect(sent('embedder')).toBeLessThan(3000);
    expect(sent('sentiment')).toBeGreaterThan(200);
    expect(sent('llama-chat')).toBe(0);
  });

  it('moves the counters the sandbox simulator serves, which a sample reads', async () => {
    const sandbox = await startSandboxEndpoints();
    const client = createEndpointsClient({ baseUrl: sandbox.simulator.url, token: sandbox.token, namespace: sandbox.namespace, maxWarm: sandbox.maxWarm, logger: silentLogger });
    try {
      const source = endpointsUsage(client, sandbox.namespace);
      for (let index = 0; index < 20; index++) {
        for (const tick of sandboxTrafficTick(sandbox.endpoints, WEDNESDAY_2PM + index * TICK, TICK)) sandbox.simulator.traffic(sandbox.token, tick.name, tick.requests);
      }
      const reading = await source.sample('embedder');
      if (reading.kind !== 'sample') throw new Error('expected a sample');
      expect(reading.sample.counters.reduce((all, counter) => all + counter.value, 0)).toBeGreaterThan(300);
      expect(sandbox.idleAfterMs).toBe(24 * HOUR);
    } finally {
      await client.close();
      await sandbox.simulator.close();
    }
  });

  it('fills a week of hours once per store: an entry already sampled is left as it is', async () => {
    const usage = new MemoryUsageStore();
    const now = WEDNESDAY_2PM + 20 * 60_000;
    expect(await seedSandboxUsage(usage, 'endpoints', ['embedder', 'llama-chat'], now)).toEqual(['embedder', 'llama-chat']);
    const rows = await usage.hours('endpoints', 0, now + 1);
    expect(rows.filter((row) => row.entry === 'embedder')).toHaveLength(168);
    expect(await usage.baseline('endpoints', 'embedder')).toMatchObject({ gap: true, counters: [] });
    expect(await seedSandboxUsage(usage, 'endpoints', ['embedder', 'llama-chat', 'sentiment'], now + HOUR)).toEqual(['sentiment']);
    expect((await usage.hours('endpoints', 0, now + 1)).filter((row) => row.entry !== 'sentiment')).toEqual(rows);
  });
});
