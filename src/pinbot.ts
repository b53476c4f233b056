import { randomBytes } from 'node:crypto';
import { DEFAULT_SCOPE_POLICY, ScopedPolicy } from './core/workflow/access-policy.ts';
import { isPinbotError } from './core/domain/errors.ts';
import { ScheduleWorkflow } from './core/workflow/schedule-workflow.ts';
import { PinningService } from './core/workflow/pinning-service.ts';
import { UsageService } from './core/workflow/usage-service.ts';
import type { ScopeBackend } from './core/backend.ts';
import { noMetrics, systemClock, type Clock, type Logger, type Metrics, type ScopeResolver } from './core/ports.ts';
import type { Proposal } from './core/domain/proposal.ts';
import type { Config } from './config.ts';
import { defaultScopes, scopeResolver, type ScopeConfig } from './scopes.ts';
import { createBackend } from './backends/registry.ts';
import { cachedCatalog } from './core/workflow/model-check.ts';
import type { ModelCatalog } from './core/domain/model-catalog.ts';
import { createHubClient, DEFAULT_HF_HUB_URL, type HubClient } from './hf/hub-client.ts';
import { openStore, type PinbotStore } from './store/open-store.ts';
import { configSecrets, SecretScrubber } from './secrets.ts';
import { SANDBOX_MARKER, type Line } from './core/domain/ui.ts';

const SANDBOX_ENDPOINTS_SCOPE = 'endpoints';

function sandboxEndpointsScope(sandbox: { namespace: string; maxWarm: number; idleAfterMs: number }): ScopeConfig {
  return {
    name: SANDBOX_ENDPOINTS_SCOPE,
    tokenEnv: 'HF_TOKEN',
    token: undefined,
    // Only the console reaches it (`--scope endpoints`); chat channels stay on the default scope.
    slackChannels: [],
    discordChannels: [],
    discordGuilds: [],
    notify: {},
    policy: DEFAULT_SCOPE_POLICY,
    backend: { kind: 'endpoints', namespace: sandbox.namespace, maxWarm: sandbox.maxWarm, idleAfterMs: sandbox.idleAfterMs },
  };
}

/** How many names a one-line summary shows before it counts the rest. */
const NAMES_SHOWN = 3;

/** `a, b, c and 997 more`: a list that stays one short line however many scopes there are. */
export function someNames(names: readonly string[], shown = NAMES_SHOWN): string {
  const rest = names.length - shown;
  return rest > 0 ? `${names.slice(0, shown).join(', ')} and ${rest.toLocaleString('en-US')} more` : names.join(', ');
}

/** The console banner's account line; with many scopes it counts them instead of naming every variable. */
function managedAccountsLabel(scopes: readonly ScopeConfig[], host: string): string {
  const tokenEnvs = [...new Set(scopes.map((scope) => scope.tokenEnv))];
  if (scopes.length <= NAMES_SHOWN) return `Managing the Hugging Face account${scopes.length > 1 ? 's' : ''} of ${tokenEnvs.join(', ')} at ${host}.`;
  return `Managing the Hugging Face accounts of ${scopes.length.toLocaleString('en-US')} scopes (${someNames(tokenEnvs)}) at ${host}.`;
}

/** Short, unguessable, URL- and button-safe ids. */
export function newId(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}

/** How long the Hub's answer about a model is reused: long enough for a burst, short enough to see a fix. */
const HUB_CACHE_MS = 60_000;

/** A scope with no catalog (none is built for unknown scopes) leaves its models unchecked. */
const noCatalog: ModelCatalog = { lookUp: async () => ({ kind: 'unreachable', reason: 'no catalog for this scope' }) };

export interface TokenCheck {
  readonly scope: string;
  readonly ok: boolean;
  /** A sentence naming the scope and the variable, never the token. */
  readonly problem?: string;
}

export interface Pinbot {
  readonly service: PinningService;
  readonly scopes: readonly ScopeConfig[];
  readonly scopeFor: ScopeResolver;
  /** What the console's first line says about the account being managed. */
  readonly accountLabel: string;
  readonly sandbox: boolean;
  /** What every card and message says first on every platform: SANDBOX in the sandbox, else nothing. */
  readonly marker: Line | undefined;
  readonly store: PinbotStore;
  /** True when some policy names a Slack user group, so the Slack adapter must look groups up. */
  readonly usesSlackGroups: boolean;
  /** Every configured secret (each scope's token among them), for the chat adapters' outgoing text. */
  readonly scrubber: SecretScrubber;
  /** Reads each scope's list once, so a bad token is reported at start-up by scope name. */
  checkTokens(): Promise<TokenCheck[]>;
  /** Whether the store answers. */
  storeReady(): Promise<boolean>;
  /** Calls `listener` with every proposal that reaches a final state in this process. */
  onSettled(listener: (proposal: Proposal) => void): void;
  /** Each scope's backend, for the parts that follow loads and watch for drift. */
  backendFor(scope: string): ScopeBackend;
  close(): Promise<void>;
}

export interface BuildOptions {
  readonly env: Record<string, string | undefined>;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Told of every proposal that reaches a final state. */
  readonly onSettled?: (proposal: Proposal) => void;
  /** The service's clock (proposal expiry); the system clock unless a test moves time by hand. */
  readonly clock?: Clock;
  /** The logger's scrubber, taught each scope's token here; a new one when absent. */
  readonly scrubber?: SecretScrubber;
}

/**
 * The sandbox account lives in the store beside the history that speaks of it: one rule, so that
 * `history`, `revert` and drift never act on a list the sandbox no longer holds.
 */
async function startSandbox(store: PinbotStore, clock: Clock) {
  const { startSandboxSimulator, SANDBOX_TOKEN } = await import('./backends/classic/simulator.ts');
  const kept = await store.sandboxAccounts.load(SANDBOX_TOKEN);
  return startSandboxSimulator({
    ...(kept !== undefined ? { account: kept } : {}),
    onAccountChange: (token, account) => store.sandboxAccounts.save(token, account, clock.now()),
  });
}

/** The sandbox's Inference Endpoints namespace lives in the store by the same rule. */
async function startSandboxEndpoints(store: PinbotStore, clock: Clock) {
  const { startSandboxEndpoints: start, SANDBOX_ENDPOINTS_TOKEN } = await import('./backends/endpoints/simulator.ts');
  const kept = await store.sandboxEndpoints.load(SANDBOX_ENDPOINTS_TOKEN);
  return start({
    ...(kept !== undefined ? { scaling: kept } : {}),
    onScalingChange: (token, endpoints) => store.sandboxEndpoints.save(token, endpoints, clock.now()),
  });
}

/** How often the sandbox's simulated endpoints are sent a few more made-up requests. */
const SANDBOX_TRAFFIC_TICK_MS = 30_000;

/**
 * The sandbox's endpoints get a week of made-up usage in a fresh sandbox store, so `usage` has
 * something to show at once, and a trickle of made-up requests while pinbot runs, so their
 * counters move; `usage` there says the figures are simulated. Returns what stops the trickle.
 */
async function simulateSandboxTraffic(store: PinbotStore, clock: Clock, sandbox: { simulator: { traffic: (token: string, name: string, requests: Readonly<Record<string, number>>, options?: { latencySeconds?: number }) => void }; token: string; endpoints: readonly string[] }): Promise<() => void> {
  const { seedSandboxUsage, sandboxTrafficTick } = await import('./backends/endpoints/sandbox-traffic.ts');
  await seedSandboxUsage(store.usage, SANDBOX_ENDPOINTS_SCOPE, sandbox.endpoints, clock.now());
  const timer = setInterval(() => {
    for (const tick of sandboxTrafficTick(sandbox.endpoints, clock.now(), SANDBOX_TRAFFIC_TICK_MS)) {
      sandbox.simulator.traffic(sandbox.token, tick.name, tick.requests, tick.latencySeconds !== undefined ? { latencySeconds: tick.latencySeconds } : {});
    }
  }, SANDBOX_TRAFFIC_TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The composition root: builds every part once from the configuration. */
export async function buildPinbot(config: Config, options: BuildOptions): Promise<Pinbot> {
  const { logger } = options;
  const metrics = options.metrics ?? noMetrics;
  // The YAML reader and the simulator are loaded only when they are used, which keeps start-up short.
  const scopes = config.configFile !== undefined
    ? (await import('./config-file.ts')).loadScopesFile(config.configFile, options.env)
    : defaultScopes(config.hfToken);
  // Before anything can log or quote an upstream's text: every scope's token, whatever its variable.
  const scrubber = options.scrubber ?? new SecretScrubber();
  scrubber.add([...configSecrets(config), ...scopes.map((scope) => scope.token)]);
  // The sandbox keeps all its state in a store of its own: nothing it proposed, applied, saw or
  // announced can meet a real account's, even one whose scope is also named `default`.
  const store = await openStore(config.databaseUrl, { logger, sandbox: config.sandbox });
  let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
  try {
    sandbox = config.sandbox ? await startSandbox(store, options.clock ?? systemClock) : undefined;
    if (!config.sandbox && await store.forgetEarlierSandbox()) {
      logger.warn({}, 'this store held the sandbox of an earlier pinbot: its account and the drift baseline of scopes default and endpoints were dropped, so the real list is not compared with the sandbox\'s; history may still show the sandbox\'s changes');
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  // The sandbox also offers a simulated Inference Endpoints namespace, as the scope `endpoints`.
  let sandboxEndpoints: Awaited<ReturnType<typeof startSandboxEndpoints>> | undefined;
  let stopSandboxTraffic: (() => void) | undefined;
  try {
    sandboxEndpoints = sandbox ? await startSandboxEndpoints(store, options.clock ?? systemClock) : undefined;
    if (sandboxEndpoints) stopSandboxTraffic = await simulateSandboxTraffic(store, options.clock ?? systemClock, sandboxEndpoints);
  } catch (error) {
    await sandboxEndpoints?.simulator.close();
    await sandbox?.simulator.close();
    await store.close();
    throw error;
  }
  if (sandboxEndpoints) scopes.push(sandboxEndpointsScope(sandboxEndpoints));

  const backends = new Map<string, ScopeBackend>();
  for (const scope of scopes) {
    // In the sandbox each API is its simulator, and the token is the simulated account's.
    const simulated = scope.name === SANDBOX_ENDPOINTS_SCOPE && sandboxEndpoints ? sandboxEndpoints : sandbox;
    backends.set(scope.name, createBackend(scope.backend, {
      inferenceApiUrl: sandbox ? sandbox.simulator.url : config.hfApiUrl,
      endpointsApiUrl: sandboxEndpoints ? sandboxEndpoints.simulator.url : config.hfEndpointsApiUrl,
      token: simulated ? simulated.token : (scope.token ?? ''),
      logger: logger.child({ scope: scope.name }),
      metrics,
      scrub: scrubber.scrubText,
    }));
  }
  // The sandbox's simulator serves the Hub model API too, so the sandbox checks models offline.
  const hubUrl = config.hfHubUrl ?? (sandbox ? sandbox.simulator.url : DEFAULT_HF_HUB_URL);
  const hubClients = new Map<string, HubClient>();
  const catalogs = new Map<string, ModelCatalog>();
  if (hubUrl !== 'off') {
    for (const scope of scopes) {
      const hub = createHubClient({
        baseUrl: hubUrl,
        token: sandbox ? sandbox.token : (scope.token ?? ''),
        logger: logger.child({ scope: scope.name }),
        metrics,
      });
      hubClients.set(scope.name, hub);
      catalogs.set(scope.name, cachedCatalog(hub, { clock: systemClock, ttlMs: HUB_CACHE_MS }));
    }
  }
  const backendFor = (scope: string): ScopeBackend => {
    const backend = backends.get(scope);
    if (!backend) throw new Error(`no scope named ${scope}`);
    return backend;
  };

  const settledListeners: ((proposal: Proposal) => void)[] = [];
  const service = new PinningService({
    backendFor,
    store: store.proposals,
    audit: store.audit,
    lock: store.lock,
    snapshots: store.snapshots,
    policy: new ScopedPolicy(new Map(scopes.map((scope) => [scope.name, scope.policy]))),
    clock: options.clock ?? systemClock,
    logger,
    metrics,
    newId,
    proposalTtlMs: config.proposalTtlMs,
    usage: new UsageService({
      backendFor, usage: store.usage, audit: store.audit, clock: options.clock ?? systemClock,
      // Every hour the sandbox shows was made up or counted from made-up requests: its reports say so.
      ...(sandbox !== undefined ? { simulated: () => true } : {}),
    }),
    schedules: new ScheduleWorkflow({
      store: store.schedules,
      clock: options.clock ?? systemClock,
      defaultZone: (scope) => scopes.find((candidate) => candidate.name === scope)?.timezone ?? 'UTC',
    }),
    ...(catalogs.size > 0 ? { catalogFor: (scope: string) => catalogs.get(scope) ?? noCatalog } : {}),
    onSettled: (proposal) => {
      options.onSettled?.(proposal);
      for (const listener of settledListeners) listener(proposal);
    },
  });

  const host = new URL(config.hfApiUrl).host;
  return {
    service,
    scopes,
    scopeFor: scopeResolver(scopes),
    sandbox: sandbox !== undefined,
    marker: sandbox !== undefined ? SANDBOX_MARKER : undefined,
    store,
    scrubber,
    usesSlackGroups: scopes.some((scope) =>
      [scope.policy.proposers, scope.policy.approvers].some((list) => list !== 'any' && list.some((p) => p.platform === 'slack' && p.kind === 'group'))),
    accountLabel: sandbox
      ? 'SANDBOX — a simulated Hugging Face account on this machine; nothing real is pinned. Set HF_TOKEN to manage your account.'
      : managedAccountsLabel(scopes, host),
    checkTokens: () =>
      Promise.all(scopes.map(async (scope): Promise<TokenCheck> => {
        try {
          await backendFor(scope.name).read();
          return { scope: scope.name, ok: true };
        } catch (error) {
          const reason = isPinbotError(error) ? error.message : 'an unexpected error';
          return { scope: scope.name, ok: false, problem: `Scope ${scope.name}: the token in ${scope.tokenEnv} could not read ${backendFor(scope.name).target}. ${reason}` };
        }
      })),
    storeReady: () => store.ping().then(() => true, () => false),
    onSettled: (listener) => {
      settledListeners.push(listener);
    },
    backendFor,
    close: async () => {
      stopSandboxTraffic?.();
      for (const backend of backends.values()) await backend.close?.();
      for (const hub of hubClients.values()) await hub.close();
      await store.close();
      await sandbox?.simulator.close();
      await sandboxEndpoints?.simulator.close();
    },
  };
}
