// Request economy against the simulator: how many Hugging Face requests each operation costs.
import { parseCommand } from '../src/core/grammar.ts';
import type { ChangeCommand } from '../src/core/command.ts';
import { openPolicy } from '../src/core/policy.ts';
import { PinningService, type RequestContext } from '../src/core/pinning-service.ts';
import { silentLogger, systemClock } from '../src/core/ports.ts';
import { cachedCatalog } from '../src/core/model-check.ts';
import { createHfClient } from '../src/hf/client.ts';
import { createEndpointsClient } from '../src/hf/endpoints-client.ts';
import { startEndpointsSimulator } from '../src/hf/endpoints-simulator.ts';
import { createHubClient } from '../src/hf/hub-client.ts';
import { startSimulator } from '../src/hf/simulator.ts';
import { MemoryAuditLog } from '../src/store/memory-audit-log.ts';
import { MemoryProposalStore } from '../src/store/memory-proposal-store.ts';
import { MemoryScopeLock } from '../src/store/memory-scope-lock.ts';
import { HF_TOKEN } from './pinbot-under-test.ts';
import { row, type Row } from './stats.ts';

const context: RequestContext = {
  scope: 'default',
  principal: { platform: 'console', userId: 'bench' },
  channel: { platform: 'console', channelId: 'bench' },
};

export async function requestEconomy(): Promise<Row[]> {
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: { [HF_TOKEN]: { allowed: 50, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
  const client = createHfClient({ baseUrl: simulator.url, token: HF_TOKEN });
  // The simulator serves the Hub model API too; the same service with the check, as main.ts builds it.
  const hub = createHubClient({ baseUrl: simulator.url, token: HF_TOKEN });
  let id = 0;
  const serviceWith = (catalog?: ReturnType<typeof cachedCatalog>) => new PinningService({
    apiFor: () => client, store: new MemoryProposalStore(), audit: new MemoryAuditLog(), lock: new MemoryScopeLock(),
    policy: openPolicy, clock: systemClock, logger: silentLogger, newId: () => `b${++id}`, proposalTtlMs: 60_000,
    ...(catalog ? { catalogFor: () => catalog } : {}),
  });
  const service = serviceWith();
  const checked = serviceWith(cachedCatalog(hub, { clock: systemClock, ttlMs: 60_000 }));
  const count = async (work: () => Promise<unknown>) => {
    simulator.clearLog();
    await work();
    const log = simulator.requestLog.filter((e) => e.source === 'client');
    const isHub = (path: string) => path.startsWith('/api/models');
    return {
      gets: log.filter((e) => e.method === 'GET' && !isHub(e.path)).length,
      posts: log.filter((e) => e.method === 'POST').length,
      hubGets: log.filter((e) => isHub(e.path)).length,
    };
  };
  const exactly = (value: number, wanted: number, text: string) => ({ text, met: value === wanted });
  try {
    const list = await count(() => service.execute({ verb: 'list' }, context));
    let proposalId = '';
    const propose = await count(async () => {
      proposalId = (await service.propose(parseCommand('add bert-base-uncased') as ChangeCommand, context)).id;
    });
    const approve = await count(() => service.approve(proposalId, context.principal));
    const hundred = await count(() => Promise.all(Array.from({ length: 100 }, () => service.execute({ verb: 'list' }, context))));
    const addTwo = parseCommand('add bigscience/bloom openai/whisper-small') as ChangeCommand;
    const checkedFirst = await count(() => checked.propose(addTwo, context));
    const checkedAgain = await count(() => checked.propose(addTwo, context));
    return [
      ...(await endpointsRequestEconomy()),
      row('list: HF requests', list.gets + list.posts, 'requests', exactly(list.gets + list.posts, 1, '1 GET')),
      row('propose: HF requests', propose.gets + propose.posts, 'requests', exactly(propose.gets + propose.posts, 1, '1 GET')),
      row('approve: HF GETs', approve.gets, 'requests', exactly(approve.gets, 1, '1')),
      row('approve: HF POSTs', approve.posts, 'requests', exactly(approve.posts, 1, '1')),
      row('100 concurrent list: HF GETs', hundred.gets, 'requests', exactly(hundred.gets, 1, '1')),
      row('propose 2 new ids, Hub check: pinned-list GETs', checkedFirst.gets, 'requests', exactly(checkedFirst.gets, 1, '1')),
      row('propose 2 new ids, Hub check: Hub GETs', checkedFirst.hubGets, 'requests', exactly(checkedFirst.hubGets, 2, '1 per new id')),
      row('same proposal again (cached): Hub GETs', checkedAgain.hubGets, 'requests', exactly(checkedAgain.hubGets, 0, '0')),
    ];
  } finally {
    await client.close();
    await hub.close();
    await simulator.close();
  }
}

/**
 * The same for an Inference Endpoints scope: list and propose read the namespace once; approval
 * reads each endpoint the change touches and PUTs each one it changes, nothing more.
 */
export async function endpointsRequestEconomy(): Promise<Row[]> {
  const simulator = await startEndpointsSimulator({
    warmupMs: 0,
    accounts: {
      [HF_TOKEN]: {
        namespace: 'bench',
        endpoints: [
          { name: 'warm-one', repository: 'org/warm-one', minReplica: 1, maxReplica: 2 },
          { name: 'cold-one', repository: 'org/cold-one', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
          { name: 'cold-two', repository: 'org/cold-two', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
          { name: 'cold-three', repository: 'org/cold-three', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
        ],
      },
    },
  });
  const client = createEndpointsClient({ baseUrl: simulator.url, token: HF_TOKEN, namespace: 'bench', maxWarm: 10 });
  let id = 0;
  const service = new PinningService({
    apiFor: () => client, store: new MemoryProposalStore(), audit: new MemoryAuditLog(), lock: new MemoryScopeLock(),
    policy: openPolicy, clock: systemClock, logger: silentLogger, newId: () => `e${++id}`, proposalTtlMs: 60_000,
  });
  const count = async (work: () => Promise<unknown>) => {
    simulator.clearLog();
    await work();
    const log = simulator.requestLog.filter((e) => e.source === 'client');
    return { gets: log.filter((e) => e.method === 'GET').length, puts: log.filter((e) => e.method === 'PUT').length };
  };
  const exactly = (value: number, wanted: number, text: string) => ({ text, met: value === wanted });
  const proposeThenApprove = async (text: string) => {
    let proposalId = '';
    const propose = await count(async () => {
      proposalId = (await service.propose(parseCommand(text) as ChangeCommand, context)).id;
    });
    const approve = await count(() => service.approve(proposalId, context.principal));
    return { propose, approve };
  };
  try {
    const list = await count(() => service.execute({ verb: 'list' }, context));
    // One endpoint touched and changed; then three (one let go cold, two warmed).
    const one = await proposeThenApprove('add cold-one');
    const three = await proposeThenApprove('set warm-one cold-two cold-three');
    const hundred = await count(() => Promise.all(Array.from({ length: 100 }, () => service.execute({ verb: 'list' }, context))));
    return [
      row('endpoints list: HF requests', list.gets + list.puts, 'requests', exactly(list.gets + list.puts, 1, '1 GET')),
      row('endpoints propose: HF requests', one.propose.gets + one.propose.puts, 'requests', exactly(one.propose.gets + one.propose.puts, 1, '1 GET')),
      row('endpoints approve 1 change: HF GETs', one.approve.gets, 'requests', exactly(one.approve.gets, 1, '1 (per touched endpoint)')),
      row('endpoints approve 1 change: HF PUTs', one.approve.puts, 'requests', exactly(one.approve.puts, 1, '1 (per changed endpoint)')),
      row('endpoints approve 3 changes: HF GETs', three.approve.gets, 'requests', exactly(three.approve.gets, 3, '3 (per touched endpoint)')),
      row('endpoints approve 3 changes: HF PUTs', three.approve.puts, 'requests', exactly(three.approve.puts, 3, '3 (per changed endpoint)')),
      row('endpoints 100 concurrent list: HF GETs', hundred.gets, 'requests', exactly(hundred.gets, 1, '1')),
    ];
  } finally {
    await client.close();
    await simulator.close();
  }
}
