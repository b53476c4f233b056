// Benchmarks: request economy against the simulator and the cost of the core's own work.
// Measurements, not pass/fail: prints a table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseCommand } from '../src/core/grammar.ts';
import type { ChangeCommand } from '../src/core/command.ts';
import { buildPlan } from '../src/core/plan.ts';
import { openPolicy } from '../src/core/policy.ts';
import { PinningService, type RequestContext } from '../src/core/pinning-service.ts';
import { silentLogger, systemClock } from '../src/core/ports.ts';
import type { Pin } from '../src/core/pin.ts';
import { createHfClient } from '../src/hf/client.ts';
import { startSimulator } from '../src/hf/simulator.ts';
import { MemoryAuditLog } from '../src/store/memory-audit-log.ts';
import { MemoryProposalStore } from '../src/store/memory-proposal-store.ts';
import { MemoryScopeLock } from '../src/store/memory-scope-lock.ts';

const TOKEN = 'hf_BenchmarkTokenNotSecret0000000000';
const context: RequestContext = {
  scope: 'default',
  principal: { platform: 'console', userId: 'bench' },
  channel: { platform: 'console', channelId: 'bench' },
};

interface Row {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly goal?: string;
}

async function requestEconomy(): Promise<Row[]> {
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: { [TOKEN]: { allowed: 50, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
  const client = createHfClient({ baseUrl: simulator.url, token: TOKEN });
  let id = 0;
  const service = new PinningService({
    apiFor: () => client, store: new MemoryProposalStore(), audit: new MemoryAuditLog(), lock: new MemoryScopeLock(),
    policy: openPolicy, clock: systemClock, logger: silentLogger, newId: () => `b${++id}`, proposalTtlMs: 60_000,
  });
  const count = async (work: () => Promise<unknown>) => {
    simulator.clearLog();
    await work();
    const log = simulator.requestLog.filter((e) => e.source === 'client');
    return { gets: log.filter((e) => e.method === 'GET').length, posts: log.filter((e) => e.method === 'POST').length };
  };
  try {
    const list = await count(() => service.execute({ verb: 'list' }, context));
    let proposalId = '';
    const propose = await count(async () => {
      proposalId = (await service.propose(parseCommand('add bert-base-uncased') as ChangeCommand, context)).id;
    });
    const approve = await count(() => service.approve(proposalId, context.principal));
    const hundred = await count(() => Promise.all(Array.from({ length: 100 }, () => service.execute({ verb: 'list' }, context))));
    return [
      { name: 'list: HF requests', value: list.gets + list.posts, unit: 'requests', goal: '1 GET' },
      { name: 'propose: HF requests', value: propose.gets + propose.posts, unit: 'requests', goal: '1 GET' },
      { name: 'approve: HF GETs', value: approve.gets, unit: 'requests', goal: '1' },
      { name: 'approve: HF POSTs', value: approve.posts, unit: 'requests', goal: '1' },
      { name: '100 concurrent list: HF GETs', value: hundred.gets, unit: 'requests', goal: '1' },
    ];
  } finally {
    await client.close();
    await simulator.close();
  }
}

function timePerOp(name: string, iterations: number, work: (i: number) => void): Row {
  for (let i = 0; i < Math.min(1000, iterations); i++) work(i);
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work(i);
  return { name, value: Number((((performance.now() - started) * 1000) / iterations).toFixed(2)), unit: 'µs/op' };
}

function coreCosts(): Row[] {
  const pins: Pin[] = Array.from({ length: 50 }, (_, i) => ({ modelId: `org/model-${i}`, computeType: i % 2 ? 'gpu' : 'cpu' }));
  const add = parseCommand('add org/new-a org/new-b:gpu cpu') as ChangeCommand;
  return [
    timePerOp('parse `add` with 3 models', 50_000, () => parseCommand('add org/a org/b:gpu bigscience/bloom cpu')),
    timePerOp('parse 4000-char garbage', 20_000, (i) => {
      try {
        parseCommand(`add ${'x<@U1>'.repeat(600)}${i}`);
      } catch {
        // refusals are the point here
      }
    }),
    timePerOp('plan: add 2 to a 50-model list', 20_000, () => buildPlan(add, { pins, allowed: 60 })),
  ];
}

const rows = [...(await requestEconomy()), ...coreCosts()];
console.table(rows.map((row) => ({ benchmark: row.name, value: row.value, unit: row.unit, goal: row.goal ?? '' })));
writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ node: process.version, at: new Date().toISOString(), rows }, null, 2)}\n`);
