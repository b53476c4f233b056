import { afterEach, describe, expect, it } from 'vitest';
import { endpointsBackend } from '../../src/backends/endpoints/backend.ts';
import { createEndpointsClient } from '../../src/backends/endpoints/client.ts';
import { startEndpointsSimulator, type SimulatedEndpoint } from '../../src/backends/endpoints/simulator.ts';
import { STATUS_CLASSES, type UsagePeriod } from '../../src/core/domain/usage.ts';
import type { UsageStore } from '../../src/core/ports.ts';
import { usageLines } from '../../src/core/words/usage-lines.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { LISTED_ENTRIES, UsageService } from '../../src/core/workflow/usage-service.ts';
import { MemoryAuditLog } from '../../src/store/memory-audit-log.ts';
import { MemoryUsageStore } from '../../src/store/memory-usage-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { TOKEN } from '../helpers/hf-harness.ts';
import { manualClock } from '../helpers/pinbot-harness.ts';


const HOUR = 3_600_000;
/** Half past an hour, so the period's last hour is partly gone. */
const NOW = Date.UTC(2026, 10, 27, 12, 30);
/** Hours kept: 8 days back, across day boundaries, so 7 days read whole days and the hours at either end. */
const KEPT_HOURS = 8 * 24;
const WARM = ['warm-a', 'warm-b', 'warm-idle'];
const COLD = Array.from({ length: 11 }, (_, index) => `cold-${String(index).padStart(2, '0')}`);

/** Requests of entry `index` in the hour `hoursAgo` before the current one: different for each. */
function requestsAt(index: number, hoursAgo: number): { '2xx': number; '3xx': number; '4xx': number; '5xx': number } {
  return { '2xx': (index * 7 + hoursAgo * 3) % 20, '3xx': 0, '4xx': hoursAgo % 5 === 0 ? 1 : 0, '5xx': index % 4 === 0 ? 1 : 0 };
}

describe('usage of a scope with more entries than a report lists', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  async function setUp(usage: UsageStore) {
    const endpoint = (name: string, warm: boolean): SimulatedEndpoint => ({
      name, repository: `org/${name}`, minReplica: warm ? 1 : 0, maxReplica: 1, accelerator: 'gpu', instanceType: 'nvidia-a10g', instanceSize: 'x1',
      ...(warm ? {} : { scaleToZeroTimeout: 15 }),
    });
    const sim = await startEndpointsSimulator({ accounts: { [TOKEN]: { namespace: 'acme', endpoints: [...WARM.map((name) => endpoint(name, true)), ...COLD.map((name) => endpoint(name, false))] } } });
    closers.push(() => sim.close());
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 5, retry: { maxAttempts: 1 } });
    closers.push(() => client.close());
    const backend = endpointsBackend(client, 'acme');
    // Every entry but the idle warm one served requests in every hour kept; the busiest cold ones have the highest index.
    const names = [...WARM, ...COLD];
    let at = 0;
    for (const [index, name] of names.entries()) {
      if (name === 'warm-idle') continue;
      for (let hoursAgo = 0; hoursAgo < KEPT_HOURS; hoursAgo++) {
        const hour = NOW - (NOW % HOUR) - hoursAgo * HOUR;
        await usage.record('inference', name, { at: at++, counters: [], gap: false }, { hour, requests: requestsAt(index * (name.startsWith('cold') ? 3 : 1), hoursAgo) });
      }
    }
    const service = new UsageService({ backendFor: () => backend, usage, audit: new MemoryAuditLog(), clock: manualClock(NOW) });
    return { service, names };
  }

  /** What was recorded for `name` in the period's hours, by status class. */
  function recorded(names: readonly string[], name: string, period: UsagePeriod) {
    const hours = { '24h': 24, '7d': 168, '30d': 720 }[period];
    const index = names.indexOf(name) * (name.startsWith('cold') ? 3 : 1);
    const sum = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    if (name === 'warm-idle') return sum;
    for (let hoursAgo = 0; hoursAgo < Math.min(hours, KEPT_HOURS); hoursAgo++) {
      for (const status of STATUS_CLASSES) sum[status] += requestsAt(index, hoursAgo)[status];
    }
    return sum;
  }

  it.each([
    ['SQLite', async () => {
      const store = await openStore(':memory:');
      closers.push(() => store.close());
      return store.usage;
    }],
    ['memory', async () => new MemoryUsageStore()],
  ] as const)('on %s: lists the costliest then the busiest with their hours, and adds up the rest exactly', async (_kind, open) => {
    const { service, names } = await setUp(await open());
    for (const period of ['24h', '7d'] as const) {
      const report = await service.report('inference', period);
      if (report.kind !== 'report') throw new Error('expected a report');

      // The three warm ones cost (the idle one as much as the others), then the busiest cold ones.
      expect(report.entries).toHaveLength(LISTED_ENTRIES);
      expect(report.entries.slice(0, 3).map((entry) => entry.entry).sort()).toEqual(WARM);
      const cold = report.entries.slice(3);
      expect(cold.map((entry) => entry.requests)).toEqual([...cold.map((entry) => entry.requests)].sort((a, b) => b - a));
      const unlisted = names.filter((name) => !report.entries.some((entry) => entry.entry === name));
      expect(unlisted).toHaveLength(names.length - LISTED_ENTRIES);
      const least = Math.min(...cold.map((entry) => entry.requests));
      for (const name of unlisted) expect(Object.values(recorded(names, name, period)).reduce((a, b) => a + b)).toBeLessThanOrEqual(least);

      for (const entry of report.entries) {
        const expected = recorded(names, entry.entry, period);
        const total = STATUS_CLASSES.reduce((sum, status) => sum + expected[status], 0);
        expect(entry.requests, `${entry.entry} over ${period}`).toBe(total);
        expect(entry.hours).toHaveLength(period === '24h' ? 24 : 168);
        expect(entry.hours.reduce((sum, hour) => sum + hour.requests, 0)).toBe(total);
        if (entry.entry.startsWith('warm')) expect(entry.cost).toBeGreaterThan(0);
      }
      const idle = report.entries.find((entry) => entry.entry === 'warm-idle');
      expect(idle).toMatchObject({ requests: 0, ready: [{ from: report.from, to: report.to }] });

      const others = report.others;
      const otherRequests = unlisted.map((name) => recorded(names, name, period));
      const sumOf = (pick: (requests: ReturnType<typeof recorded>) => number) => otherRequests.reduce((sum, requests) => sum + pick(requests), 0);
      expect(others).toEqual({
        count: unlisted.length,
        requests: sumOf((requests) => requests['2xx'] + requests['4xx'] + requests['5xx']),
        errorShare: sumOf((requests) => requests['4xx'] + requests['5xx']) / sumOf((requests) => requests['2xx'] + requests['4xx'] + requests['5xx']),
        readyHours: 0,
        cost: 0,
      });
    }
  });

  it('says how many more there are and how to see any one, and answers for one not listed', async () => {
    const { service, names } = await setUp(new MemoryUsageStore());
    const report = await service.report('inference', '7d');
    const text = usageLines(report, { thing: 'endpoint', commandPrefix: '/pins ' }).map(plainText);
    expect(text).toContainEqual(expect.stringMatching(/^• 6 more endpoints — [\d,]+ requests together, [\d.]+% errors; none kept ready$/));
    expect(text.at(-1)).toBe('Listed: the 8 that cost most over the period, then the busiest. /pins usage <endpoint> 7d shows any one.');
    expect(text.filter((line) => line.startsWith('• '))).toHaveLength(LISTED_ENTRIES + 1);

    const one = await service.report('inference', '7d', 'cold-00');
    if (one.kind !== 'report') throw new Error('expected a report');
    expect(one.others).toBeUndefined();
    expect(one.entries.map((entry) => entry.requests)).toEqual([Object.values(recorded(names, 'cold-00', '7d')).reduce((a, b) => a + b)]);
  });
});
