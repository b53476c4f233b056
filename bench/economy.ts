// Request economy against the simulators: how many Hugging Face requests each operation costs.
import type { ChangeCommand } from '../src/core/domain/command.ts';
import { cachedCatalog } from '../src/core/workflow/model-check.ts';
import { PinningService, type PinningServiceDeps, type RequestContext } from '../src/core/workflow/pinning-service.ts';
import { openPolicy } from '../src/core/workflow/policy.ts';
import { silentLogger, systemClock } from '../src/core/ports.ts';
import { createHfClient } from '../src/backends/classic/client.ts';
import { createEndpointsClient } from '../src/backends/endpoints/client.ts';
import { startEndpointsSimulator } from '../src/backends/endpoints/simulator.ts';
import { createHubClient } from '../src/hf/hub-client.ts';
import { startSimulator } from '../src/backends/classic/simulator.ts';
import { MemoryAuditLog } from '../src/store/memory-audit-log.ts';
import { MemoryProposalStore } from '../src/store/memory-proposal-store.ts';
import { MemoryScopeLock } from '../src/store/memory-scope-lock.ts';
import { HF_TOKEN } from './pinbot-under-test.ts';
import { exactly, type Figure, type PartResult } from './results.ts';
import { classicBackend } from '../src/backends/classic/backend.ts';
import { endpointsBackend } from '../src/backends/endpoints/backend.ts';
import type { ScopeBackend } from '../src/core/backend.ts';

const context: RequestContext = {
  scope: 'default',
  principal: { platform: 'console', userId: 'bench' },
  channel: { platform: 'console', channelId: 'bench' },
};

interface Logged {
  readonly requestLog: readonly { readonly source: string; readonly method: string; readonly path: string }[];
  clearLog(): void;
}

/** The service as main.ts builds it, on in-memory stores; `extra` adds the Hub check. */
function serviceOn(backend: ScopeBackend, extra: Partial<PinningServiceDeps> = {}): PinningService {
  let id = 0;
  return new PinningService({
    backendFor: () => backend, store: new MemoryProposalStore(), audit: new MemoryAuditLog(), lock: new MemoryScopeLock(),
    policy: openPolicy, clock: systemClock, logger: silentLogger, newId: () => `b${++id}`, proposalTtlMs: 60_000, ...extra,
  });
}

/** Counts what pinbot sent to `simulator` during `work`: `requests(method, hub)` (Hub requests are the `/api/models` ones). */
async function counting(simulator: Logged, work: () => Promise<unknown>): Promise<(method: string, hub?: boolean) => number> {
  simulator.clearLog();
  await work();
  const log = simulator.requestLog.filter((entry) => entry.source === 'client');
  return (method, hub = false) => log.filter((entry) => entry.method === method && entry.path.startsWith('/api/models') === hub).length;
}

const propose = (service: PinningService, text: string) => service.propose(service.parse(text, context.scope) as ChangeCommand, context);
const hundredLists = (service: PinningService) => Promise.all(Array.from({ length: 100 }, () => service.execute({ verb: 'list' }, context)));

export async function classicEconomy(): Promise<Figure[]> {
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: { [HF_TOKEN]: { allowed: 50, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
  const client = createHfClient({ baseUrl: simulator.url, token: HF_TOKEN });
  const hub = createHubClient({ baseUrl: simulator.url, token: HF_TOKEN });
  try {
    const service = serviceOn(classicBackend(client));
    const list = await counting(simulator, () => service.execute({ verb: 'list' }, context));
    let proposalId = '';
    const proposed = await counting(simulator, async () => ({ id: proposalId } = await propose(service, 'add bert-base-uncased')));
    const approved = await counting(simulator, () => service.approve(proposalId, context.principal));
    const hundred = await counting(simulator, () => hundredLists(service));
    const catalog = cachedCatalog(hub, { clock: systemClock, ttlMs: 60_000 });
    const checked = serviceOn(classicBackend(client), { catalogFor: () => catalog });
    const checkedFirst = await counting(simulator, () => propose(checked, 'add bigscience/bloom openai/whisper-small'));
    const checkedAgain = await counting(simulator, () => propose(checked, 'add bigscience/bloom openai/whisper-small'));
    return [
      exactly('list: HF requests', 'requests', list('GET') + list('POST'), 1, '1 GET'),
      exactly('propose: HF requests', 'requests', proposed('GET') + proposed('POST'), 1, '1 GET'),
      exactly('approve: HF GETs', 'requests', approved('GET'), 1),
      exactly('approve: HF POSTs', 'requests', approved('POST'), 1),
      exactly('100 concurrent list: HF GETs', 'requests', hundred('GET'), 1),
      exactly('propose 2 new ids, Hub check: pinned-list GETs', 'requests', checkedFirst('GET'), 1),
      exactly('propose 2 new ids, Hub check: Hub GETs', 'requests', checkedFirst('GET', true), 2, '1 per new id'),
      exactly('same proposal again (cached): Hub GETs', 'requests', checkedAgain('GET', true), 0),
    ];
  } finally {
    await client.close();
    await hub.close();
    await simulator.close();
  }
}

/**
 * On an Inference Endpoints scope, approval reads the namespace once (the whole warm set, for the
 * max_warm check, and the touched endpoints' scaling, for the stale check) and PUTs each endpoint it changes.
 * The hardware catalogue (prices) is read beside the namespace at most once an hour, so it is counted
 * apart, over the whole run.
 */
export async function endpointsEconomy(): Promise<Figure[]> {
  const cold = (name: string) => ({ name, repository: `org/${name}`, minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 });
  const simulator = await startEndpointsSimulator({
    warmupMs: 0,
    accounts: { [HF_TOKEN]: { namespace: 'bench', endpoints: [{ name: 'warm-one', repository: 'org/warm-one', minReplica: 1, maxReplica: 2 }, cold('cold-one'), cold('cold-two'), cold('cold-three')] } },
  });
  const client = createEndpointsClient({ baseUrl: simulator.url, token: HF_TOKEN, namespace: 'bench', maxWarm: 10 });
  const service = serviceOn(endpointsBackend(client, 'bench'));
  let catalogueReads = 0;
  /** One operation's requests to the endpoints; its reads of the catalogue go to `catalogueReads`. */
  const measure = async (work: () => Promise<unknown>): Promise<(method: string) => number> => {
    const count = await counting(simulator, work);
    const catalogue = simulator.requestLog.filter((entry) => entry.source === 'client' && entry.path.startsWith('/provider/')).length;
    catalogueReads += catalogue;
    return (method) => count(method) - (method === 'GET' ? catalogue : 0);
  };
  /** The catalogue GETs of each propose, in order. */
  const proposeCatalogueReads: number[] = [];
  const proposeThenApprove = async (text: string) => {
    let proposalId = '';
    const before = catalogueReads;
    const proposed = await measure(async () => ({ id: proposalId } = await propose(service, text)));
    proposeCatalogueReads.push(catalogueReads - before);
    return { proposed, approved: await measure(() => service.approve(proposalId, context.principal)) };
  };
  try {
    const list = await measure(() => service.execute({ verb: 'list' }, context));
    // One endpoint touched and changed; then three (one let go cold, two warmed).
    const one = await proposeThenApprove('add cold-one');
    const three = await proposeThenApprove('set warm-one cold-two cold-three');
    const hundred = await measure(() => hundredLists(service));
    return [
      exactly('endpoints list: HF requests', 'requests', list('GET') + list('PUT'), 1, '1 GET'),
      exactly('endpoints propose: HF requests', 'requests', one.proposed('GET') + one.proposed('PUT'), 1, '1 GET'),
      exactly('endpoints approve 1 change: HF GETs', 'requests', one.approved('GET'), 1, '1 (the namespace list)'),
      exactly('endpoints approve 1 change: HF PUTs', 'requests', one.approved('PUT'), 1, '1 (per changed endpoint)'),
      exactly('endpoints approve 3 changes: HF GETs', 'requests', three.approved('GET'), 1, '1 (the namespace list)'),
      exactly('endpoints approve 3 changes: HF PUTs', 'requests', three.approved('PUT'), 3, '3 (per changed endpoint)'),
      exactly('endpoints 100 concurrent list: HF GETs', 'requests', hundred('GET'), 1),
      exactly('endpoints hardware catalogue, all of the above: HF GETs', 'requests', catalogueReads, 1, '1 (read at most hourly)'),
      exactly('endpoints hardware catalogue, each propose after the first: HF GETs', 'requests', Math.max(...proposeCatalogueReads.slice(1)), 0, '0 (read at most hourly)'),
    ];
  } finally {
    await client.close();
    await simulator.close();
  }
}

export async function requestEconomy(): Promise<PartResult> {
  return { figures: [...(await classicEconomy()), ...(await endpointsEconomy())] };
}
