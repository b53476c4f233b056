import { afterEach } from 'vitest';
import { openPolicy, type Policy } from '../../src/core/workflow/policy.ts';
import { PinningService } from '../../src/core/workflow/pinning-service.ts';
import { ScheduleWorkflow } from '../../src/core/workflow/schedule-workflow.ts';
import { systemClock, type AuditLog, type Clock, type Logger, type ProposalStore, type ScheduleStore, type ScopeLock, type SnapshotStore } from '../../src/core/ports.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import { createHfClient } from '../../src/backends/classic/client.ts';
import { createEndpointsClient, type EndpointsClient } from '../../src/backends/endpoints/client.ts';
import { classicBackend } from '../../src/backends/classic/backend.ts';
import { endpointsBackend } from '../../src/backends/endpoints/backend.ts';
import type { ScopeBackend } from '../../src/core/backend.ts';
import { startEndpointsSimulator, type EndpointsSimulator, type SimulatedEndpoint } from '../../src/backends/endpoints/simulator.ts';
import type { SimulatedCompute } from '../../src/backends/endpoints/simulator-catalogue.ts';
import { cachedCatalog } from '../../src/core/workflow/model-check.ts';
import { createHubClient } from '../../src/hf/hub-client.ts';
import { startSimulator, type RequestLogEntry, type Simulator, type WireEntry } from '../../src/backends/classic/simulator.ts';
import { MemoryAuditLog } from '../../src/store/memory-audit-log.ts';
import { MemoryProposalStore } from '../../src/store/memory-proposal-store.ts';
import { MemoryScopeLock } from '../../src/store/memory-scope-lock.ts';
import { MemorySnapshotStore } from '../../src/store/memory-snapshot-store.ts';
import { captureLogger, TOKEN, type LogLine } from './hf-harness.ts';

export { TOKEN };

/** The durable parts a service keeps its state in; in memory unless a test passes others. */
export interface HarnessStorage {
  readonly proposals: ProposalStore;
  readonly audit: AuditLog;
  readonly lock: ScopeLock;
  readonly snapshots?: SnapshotStore;
}

export interface PinbotHarnessOptions {
  readonly storage?: HarnessStorage;
  readonly allowed?: number;
  readonly pins?: WireEntry[];
  readonly policy?: Policy;
  readonly clock?: Clock;
  readonly proposalTtlMs?: number;
  readonly loadDelayMs?: number;
  /** Makes the scope an Inference Endpoints one, against the Endpoints simulator. */
  readonly endpoints?: EndpointsSetup;
  /**
   * Check added models on the Hub before the card: against the simulator's Hub routes unless `url`
   * names another server; `timeoutMs` bounds each lookup (default 1000). Off when absent.
   */
  readonly hub?: { readonly url?: string; readonly timeoutMs?: number };
  /** Keeps schedules here, on the harness's clock, read in `UTC` unless they name a zone; without it `schedule` is refused. */
  readonly schedules?: ScheduleStore;
}

export interface EndpointsSetup {
  readonly endpoints: SimulatedEndpoint[];
  readonly maxWarm: number;
  readonly namespace?: string;
  /** Start and update time of an endpoint (default 50 ms). */
  readonly warmupMs?: number;
  /** One minute of `scaleToZeroTimeout` (the simulator's default otherwise). */
  readonly minuteMs?: number;
  /** `status.updatedAt` moves on state changes too (see the simulator). */
  readonly stateMovesUpdatedAt?: boolean;
  /** The scope's `max_cost_per_hour`. */
  readonly maxCostPerHour?: number;
  /** The hardware catalogue the simulator serves (its default otherwise). */
  readonly catalogue?: SimulatedCompute[];
}

export interface PinbotHarness {
  readonly service: PinningService;
  readonly simulator: Simulator;
  readonly store: ProposalStore;
  readonly storage: HarnessStorage & { readonly snapshots: SnapshotStore };
  /** The scope's backend the service uses, for other parts built on the same graph. */
  readonly backend: ScopeBackend;
  /** The Endpoints client under it, when the scope is an endpoints one. */
  readonly endpointsClient?: EndpointsClient;
  /** Another service on the same simulator and client, as a restarted process would build it. */
  serviceWith(storage: HarnessStorage): PinningService;
  readonly logger: Logger;
  /** Every line logged through `logger`, to check that no secret reaches the sink. */
  readonly logLines: LogLine[];
  /** Proposals that reached a final state, in order. */
  readonly settled: Proposal[];
  /** Requests pinbot made to the simulator (outside changes excluded). */
  clientRequests(): RequestLogEntry[];
  /** POSTs to /usage/pinned_models, i.e. writes of the list. */
  writes(): RequestLogEntry[];
  /** The Endpoints simulator, when the scope is an endpoints one. */
  readonly endpointsSimulator?: EndpointsSimulator;
  /** Requests to the simulator's Hub model API. */
  hubRequests(): RequestLogEntry[];
}

let counter = 0;

/** A real pinning service on the real HF client against a real simulator, closed after each test. */
export function usePinbotHarness() {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  return async function start(options: PinbotHarnessOptions = {}): Promise<PinbotHarness> {
    const simulator = await startSimulator({
      loadDelayMs: options.loadDelayMs ?? 50,
      accounts: { [TOKEN]: { allowed: options.allowed ?? 5, pins: options.pins ?? [{ model_id: 'gpt2', compute_type: 'cpu' }] } },
    });
    closers.push(() => simulator.close());
    const client = createHfClient({
      baseUrl: simulator.url,
      token: TOKEN,
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
    });
    closers.push(() => client.close());
    let endpointsSimulator: EndpointsSimulator | undefined;
    let endpointsClient: EndpointsClient | undefined;
    let backend: ScopeBackend = classicBackend(client);
    if (options.endpoints) {
      const namespace = options.endpoints.namespace ?? 'acme';
      const sim = await startEndpointsSimulator({
        warmupMs: options.endpoints.warmupMs ?? 50,
        ...(options.endpoints.minuteMs !== undefined ? { minuteMs: options.endpoints.minuteMs } : {}),
        ...(options.endpoints.stateMovesUpdatedAt !== undefined ? { stateMovesUpdatedAt: options.endpoints.stateMovesUpdatedAt } : {}),
        ...(options.endpoints.catalogue !== undefined ? { catalogue: options.endpoints.catalogue } : {}),
        accounts: { [TOKEN]: { namespace, endpoints: options.endpoints.endpoints } },
      });
      closers.push(() => sim.close());
      const endpoints = createEndpointsClient({
        baseUrl: sim.url, token: TOKEN, namespace, maxWarm: options.endpoints.maxWarm,
        ...(options.endpoints.maxCostPerHour !== undefined ? { maxCostPerHour: options.endpoints.maxCostPerHour } : {}),
        ...(options.clock !== undefined ? { clock: options.clock } : {}),
        retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
      });
      closers.push(() => endpoints.close());
      endpointsSimulator = sim;
      endpointsClient = endpoints;
      backend = endpointsBackend(endpoints, namespace);
    }
    const logger = captureLogger();
    const hub = options.hub && createHubClient({ baseUrl: options.hub.url ?? simulator.url, token: TOKEN, timeoutMs: options.hub.timeoutMs ?? 1000, logger });
    if (hub) closers.push(() => hub.close());
    const catalog = hub && cachedCatalog(hub, { clock: systemClock, ttlMs: 60_000 });
    const given = options.storage ?? { proposals: new MemoryProposalStore(), audit: new MemoryAuditLog(), lock: new MemoryScopeLock() };
    const storage = { ...given, snapshots: given.snapshots ?? new MemorySnapshotStore() };
    const settled: Proposal[] = [];
    const schedules = options.schedules && new ScheduleWorkflow({ store: options.schedules, clock: options.clock ?? systemClock, defaultZone: () => 'UTC' });
    const serviceWith = ({ proposals, audit, lock, snapshots }: HarnessStorage) => new PinningService({
      backendFor: () => backend,
      store: proposals,
      audit,
      lock,
      ...(snapshots ? { snapshots } : {}),
      policy: options.policy ?? openPolicy,
      clock: options.clock ?? systemClock,
      logger,
      newId: () => `p${++counter}${Math.random().toString(36).slice(2, 8)}`,
      proposalTtlMs: options.proposalTtlMs ?? 60_000,
      onSettled: (proposal) => settled.push(proposal),
      ...(catalog ? { catalogFor: () => catalog } : {}),
      ...(schedules ? { schedules } : {}),
    });
    const service = serviceWith(storage);
    const clientRequests = () => simulator.requestLog.filter((entry) => entry.source === 'client');
    const isHub = (entry: RequestLogEntry) => entry.path.startsWith('/api/models');
    return {
      service,
      simulator,
      store: storage.proposals,
      storage,
      backend,
      ...(endpointsClient ? { endpointsClient } : {}),
      serviceWith,
      logger,
      logLines: logger.lines,
      settled,
      clientRequests,
      writes: () => clientRequests().filter((entry) => entry.method === 'POST'),
      ...(endpointsSimulator ? { endpointsSimulator } : {}),
      hubRequests: () => clientRequests().filter(isHub),
    };
  };
}

/** A clock tests move by hand, for expiry. */
export function manualClock(start = Date.UTC(2026, 10, 27, 12, 0, 0)): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}
