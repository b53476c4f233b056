import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { closableDelays, listenForUrl, readBodyUpTo, sendJson } from '../../hf/simulator-http.ts';
import { adminRestartSchema, adminTrafficSchema, METRICS_PLAN_TEXT, SimulatedMetrics } from './simulator-metrics.ts';
import { catalogueWire, DEFAULT_CATALOGUE, type SimulatedCompute } from './simulator-catalogue.ts';

/**
 * A working fake of the Inference Endpoints API (NOTES.md): a real HTTP server
 * with one namespace per token, the list / get / PUT routes, and states that move with time.
 *
 * Copied from the public client (`huggingface_hub` `_inference_endpoints.py`, `hf_api.py`): the
 * routes, `{"items": [...]}` for the list, the endpoint object's fields, the `status.state` values,
 * and a PUT body that carries only what changes (`compute.scaling`).
 * ASSUMED (design choices, the server is not public):
 *   - error bodies `{"error": "<sentence>"}`; 401 without or with an unknown token, 403 for another
 *     namespace or a read-only token, 404 for an unknown endpoint, 400 for a bad scaling body;
 *   - `status.updatedAt` moves on a configuration change (a PUT, or an outside change through the
 *     admin helpers), not on state changes such as initializing → running or scaling to zero,
 *     unless `stateMovesUpdatedAt` asks for the other reading (the docs say neither);
 *   - a scaling block with `minReplica` >= 1 and a scale-to-zero timeout on is refused with 400 (the
 *     autoscaling guide: `minReplica` must be 0 while scale-to-zero is on); a `null` timeout turns
 *     scale-to-zero off;
 *   - a PUT on a cold endpoint that makes it warm goes `initializing` → `running` after `warmupMs`;
 *     any other scaling change goes `updating` → `running`; an endpoint with `minReplica` 0 that has
 *     been running for `scaleToZeroTimeout` minutes (one minute = `minuteMs`) goes `scaledToZero`.
 *
 * It also serves the hardware catalogue, `GET /provider/{namespace}` (simulator-catalogue.ts), whose
 * prices pinbot matches to each endpoint's `provider` and `compute` hardware.
 *
 * Other tools drive it over HTTP under `/_simulator/`, as the classic simulator: `GET`/`DELETE
 * /_simulator/log`, `POST /_simulator/faults` (`failNext`, `failPut`, `latencyMs`), `POST
 * /_simulator/scaling` (an outside change), `POST /_simulator/catalogue` (`{"fail": 503}` makes
 * every catalogue read fail until `{"fail": null}`; `{"unpriced": ["aws-us-east-1-nvidia-l4-x1"]}`
 * leaves those instances out of it) and `POST /_simulator/reset`.
 *
 * Usage: `GET /endpoint/{namespace}/{name}/open-metrics` serves per-replica counters (see
 * simulator-metrics.ts) that move with `POST /_simulator/traffic`; `POST /_simulator/replica-restart`
 * restarts or replaces a replica; an account with `metricsPlan: false` gets 403 there (ASSUMED: the
 * guide says the API needs a Team or Enterprise plan, not what the refusal looks like).
 */

export type EndpointState = 'pending' | 'initializing' | 'updating' | 'updateFailed' | 'running' | 'paused' | 'failed' | 'scaledToZero';

export interface SimulatedEndpoint {
  name: string;
  repository: string;
  minReplica: number;
  maxReplica: number;
  /** Minutes; `null` or absent: never scales to zero on its own. */
  scaleToZeroTimeout?: number | null;
  accelerator?: string;
  instanceType?: string;
  instanceSize?: string;
  vendor?: string;
  region?: string;
  task?: string;
  /** Default: `running` when warm, `scaledToZero` when cold. */
  state?: EndpointState;
  /** The next start (after a PUT) ends in `failed` instead of `running`. */
  failsToStart?: boolean;
}

export interface EndpointsAccount {
  namespace: string;
  endpoints: SimulatedEndpoint[];
  /** A token that may read but not write: every PUT answers 403. */
  readOnly?: boolean;
  /** False: a plan without the metrics API, whose open-metrics route answers 403. Default true. */
  metricsPlan?: boolean;
}

export interface EndpointsSimulatorOptions {
  host?: string;
  port?: number;
  /** Keyed by token. */
  accounts?: Record<string, EndpointsAccount>;
  /** Time a start or an update takes before `running`. Default 2000. */
  warmupMs?: number;
  /** How long one minute of `scaleToZeroTimeout` lasts here. Default 60000. */
  minuteMs?: number;
  /** `status.updatedAt` also moves when the state changes (started, scaled to zero, woken). Default false. */
  stateMovesUpdatedAt?: boolean;
  /** The hardware catalogue `GET /provider/{namespace}` answers, for every account. Default `DEFAULT_CATALOGUE`. */
  catalogue?: readonly SimulatedCompute[];
  /**
   * Told of every scaling change to an account's endpoints (API writes and outside changes), with
   * the scaling of all its endpoints; a PUT is answered only once it resolves, so a change is kept
   * before anyone hears of it.
   */
  onScalingChange?: (token: string, endpoints: EndpointScaling[]) => Promise<void>;
}

/** What the simulator keeps of one endpoint between runs: its scaling, by name. */
export interface EndpointScaling {
  readonly name: string;
  readonly minReplica: number;
  readonly maxReplica: number;
  readonly scaleToZeroTimeout: number | null;
}

export interface EndpointsRequest {
  readonly seq: number;
  /** `client`: a request to the API routes. `admin`: an outside change through `setScaling`. */
  readonly source: 'client' | 'admin';
  readonly method: string;
  readonly path: string;
  status: number;
  readonly at: number;
  readonly body?: unknown;
  readonly tokenKnown: boolean;
}

export interface EndpointsSimulator {
  readonly url: string;
  /** Live array: entries are appended as requests arrive. */
  readonly requestLog: readonly EndpointsRequest[];
  close(): Promise<void>;
  addAccount(token: string, account: EndpointsAccount): void;
  /** The endpoint as the API would return it now. */
  endpoint(token: string, name: string): Record<string, unknown>;
  /** A request reaches a cold endpoint: one scaled to zero starts (`initializing`, then `running`). */
  wake(token: string, name: string): void;
  /**
   * An outside change (the web UI, a script): logged with source `admin`, moves `updatedAt`. Throws
   * on a block the API would refuse (see `scalingProblem`).
   */
  setScaling(token: string, name: string, scaling: { minReplica?: number; maxReplica?: number; scaleToZeroTimeout?: number | null }): void;
  clearLog(): void;
  /** The next `count` API requests answer `status` (default body `{"error": …}`). */
  failNext(count: number, status: number, retryAfter?: string | number): void;
  /**
   * The next `count` PUTs to the named endpoint answer `status`, for a write that fails midway.
   * With `landed`, each is applied first and only its answer fails, as when a gateway times out.
   */
  failPutOf(name: string, status: number, count?: number, landed?: boolean): void;
  /** Every API answer waits this long first. */
  setLatency(ms: number): void;
  /**
   * The next PUT of the named endpoint waits, unapplied, until released; if its client has gone by
   * then (a process killed while waiting), it is dropped unapplied. For a kill between two PUTs.
   */
  holdNextPut(name: string): { readonly arrived: Promise<void>; release(): void };
  /** Every catalogue read answers `status` from now on (`{"error": …}`); undefined: it answers again. */
  failCatalogue(status: number | undefined): void;
  /** Leaves these instances (by compute id, `aws-us-east-1-nvidia-l4-x1`) out of the catalogue, so they have no price. */
  unpriceCompute(...ids: string[]): void;
  /** Drops every fault, the latency and the log, and puts each account's endpoints back as they were added. */
  reset(): void;
  /** Requests answered by one replica of an endpoint (its first by default), by status code. */
  traffic(token: string, name: string, requests: Readonly<Record<string, number>>, options?: { replica?: string; latencySeconds?: number }): void;
  /** A replica restarts and counts from zero; with `as`, it is replaced by a new replica of that id. */
  restartReplica(token: string, name: string, replica: string, as?: string): void;
  /** The replica ids an endpoint's metrics show now. */
  replicas(token: string, name: string): string[];
}

interface EndpointRecord {
  readonly spec: SimulatedEndpoint;
  minReplica: number;
  maxReplica: number;
  scaleToZeroTimeout: number | null;
  state: EndpointState;
  /** When `state` began (ms). */
  since: number;
  /** The state `state` moves to after the warm-up, while starting or updating. */
  settlesTo?: EndpointState;
  createdAt: string;
  updatedAt: string;
}

interface AccountRecord {
  readonly namespace: string;
  readonly readOnly: boolean;
  readonly metricsPlan: boolean;
  readonly endpoints: Map<string, EndpointRecord>;
}

const PREFIX = '/endpoint/';
const CATALOGUE_PREFIX = '/provider/';
const MAX_BODY_BYTES = 100_000;

const scalingSchema = z.object({
  minReplica: z.number().int().min(0).optional(),
  maxReplica: z.number().int().min(1).optional(),
  scaleToZeroTimeout: z.number().int().min(1).nullable().optional(),
}).strict();
const putSchema = z.object({ compute: z.object({ scaling: scalingSchema }).loose() }).loose();

const ADMIN_PREFIX = '/_simulator/';
const adminFaultsSchema = z.object({
  failNext: z.object({ count: z.number().int().positive(), status: z.number().int().min(100).max(599), retryAfter: z.union([z.string(), z.number()]).optional() }).optional(),
  failPut: z.object({
    name: z.string().min(1),
    status: z.number().int().min(100).max(599),
    count: z.number().int().positive().optional(),
    landed: z.boolean().optional(),
  }).optional(),
  latencyMs: z.number().nonnegative().optional(),
}).strict();
const adminScalingSchema = scalingSchema.extend({ token: z.string().min(1), name: z.string().min(1) }).strict();
const adminCatalogueSchema = z.object({
  fail: z.number().int().min(400).max(599).nullable().optional(),
  unpriced: z.array(z.string().min(1)).optional(),
}).strict();

const RATE_LIMIT_TEXT = 'You have exceeded the rate limit for the Inference Endpoints API. Please retry later.';

export async function startEndpointsSimulator(options: EndpointsSimulatorOptions = {}): Promise<EndpointsSimulator> {
  const warmupMs = options.warmupMs ?? 2000;
  const minuteMs = options.minuteMs ?? 60_000;
  const accounts = new Map<string, AccountRecord>();
  /** Each account as it was added, for `reset`. */
  const seeds = new Map<string, EndpointsAccount>();
  const log: EndpointsRequest[] = [];
  const putFaults = new Map<string, { status: number; count: number; landed: boolean }>();
  const putHolds = new Map<string, { arrive: () => void; released: Promise<void> }>();
  let failPlan: { count: number; status: number; retryAfter?: string } | undefined;
  let catalogueFailure: number | undefined;
  const unpriced = new Set<string>();
  let latencyMs = 0;
  let seq = 0;
  const metrics = new SimulatedMetrics();
  const metricsKey = (token: string, name: string): string => `${token}\u0000${name}`;
  let closed = false;
  const { delay, clear: clearDelays } = closableDelays();
  /** Scaling changes being kept, in order (see `onScalingChange`). */
  let keeping: Promise<void> = Promise.resolve();

  function keep(token: string, account: AccountRecord): Promise<void> {
    const { onScalingChange } = options;
    if (!onScalingChange) return keeping;
    const scaling = [...account.endpoints.values()].map((record) => ({
      name: record.spec.name,
      minReplica: record.minReplica,
      maxReplica: record.maxReplica,
      scaleToZeroTimeout: record.scaleToZeroTimeout,
    }));
    keeping = keeping.catch(() => undefined).then(() => onScalingChange(token, scaling));
    return keeping;
  }

  function addAccount(token: string, account: EndpointsAccount): void {
    seeds.set(token, account);
    const now = Date.now();
    const created = new Date(now).toISOString();
    accounts.set(token, {
      namespace: account.namespace,
      readOnly: account.readOnly ?? false,
      metricsPlan: account.metricsPlan ?? true,
      endpoints: new Map(account.endpoints.map((spec) => [spec.name, {
        spec,
        minReplica: spec.minReplica,
        maxReplica: spec.maxReplica,
        scaleToZeroTimeout: spec.scaleToZeroTimeout ?? null,
        state: spec.state ?? (spec.minReplica > 0 ? 'running' : 'scaledToZero'),
        since: now,
        createdAt: created,
        updatedAt: created,
      }])),
    });
  }
  for (const [token, account] of Object.entries(options.accounts ?? {})) addAccount(token, account);

  /** A state change; with `stateMovesUpdatedAt`, `updatedAt` moves too. */
  function moveState(record: EndpointRecord, state: EndpointState, at: number): void {
    record.state = state;
    if (options.stateMovesUpdatedAt === true) record.updatedAt = new Date(Math.max(at, Date.parse(record.updatedAt) + 1)).toISOString();
  }

  /** Moves an endpoint along the states that time alone changes. */
  function advance(record: EndpointRecord, now: number): void {
    if (record.settlesTo !== undefined && now - record.since >= warmupMs) {
      moveState(record, record.settlesTo, record.since + warmupMs);
      record.since += warmupMs;
      delete record.settlesTo;
    }
    const timeout = record.scaleToZeroTimeout;
    if (record.state === 'running' && record.minReplica === 0 && timeout !== null && now - record.since >= timeout * minuteMs) {
      moveState(record, 'scaledToZero', record.since + timeout * minuteMs);
      record.since += timeout * minuteMs;
    }
  }

  function toWire(namespace: string, record: EndpointRecord): Record<string, unknown> {
    advance(record, Date.now());
    const { spec } = record;
    const replicas = record.state === 'running' ? Math.max(1, record.minReplica) : 0;
    return {
      name: spec.name,
      type: 'protected',
      accountId: null,
      provider: { vendor: spec.vendor ?? 'aws', region: spec.region ?? 'us-east-1' },
      compute: {
        accelerator: spec.accelerator ?? 'gpu',
        instanceType: spec.instanceType ?? 'nvidia-a10g',
        instanceSize: spec.instanceSize ?? 'x1',
        scaling: { minReplica: record.minReplica, maxReplica: record.maxReplica, scaleToZeroTimeout: record.scaleToZeroTimeout },
      },
      model: {
        repository: spec.repository,
        revision: 'main',
        task: spec.task ?? 'text-generation',
        framework: 'pytorch',
        image: { huggingface: {} },
      },
      status: {
        state: record.state,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        readyReplica: replicas,
        targetReplica: replicas,
        url: record.state === 'running' ? `https://${spec.name}.${spec.region ?? 'us-east-1'}.${spec.vendor ?? 'aws'}.endpoints.huggingface.cloud` : null,
        message: `Endpoint is ${record.state}`,
      },
      healthRoute: '/health',
      namespace,
    };
  }

  /** Applies a scaling change; the endpoint starts or updates when it has to. */
  function applyScaling(record: EndpointRecord, scaling: z.infer<typeof scalingSchema>): void {
    const now = Date.now();
    advance(record, now);
    const before = record.minReplica;
    if (scaling.minReplica !== undefined) record.minReplica = scaling.minReplica;
    if (scaling.maxReplica !== undefined) record.maxReplica = scaling.maxReplica;
    if (scaling.scaleToZeroTimeout !== undefined) record.scaleToZeroTimeout = scaling.scaleToZeroTimeout;
    record.updatedAt = new Date(Math.max(now, Date.parse(record.updatedAt) + 1)).toISOString();
    const startsNow = record.minReplica > 0 && (record.state === 'scaledToZero' || record.state === 'paused' || record.state === 'failed');
    if (startsNow) {
      record.state = 'initializing';
    } else if (record.minReplica !== before && record.state === 'running') {
      record.state = 'updating';
    } else {
      return;
    }
    record.since = now;
    record.settlesTo = record.spec.failsToStart ? 'failed' : 'running';
  }

  /** Why the API would refuse this block on this endpoint, if it would. */
  function scalingProblem(record: EndpointRecord, scaling: z.infer<typeof scalingSchema>): string | undefined {
    const min = scaling.minReplica ?? record.minReplica;
    const max = scaling.maxReplica ?? record.maxReplica;
    const timeout = scaling.scaleToZeroTimeout === undefined ? record.scaleToZeroTimeout : scaling.scaleToZeroTimeout;
    if (min > max) return `minReplica (${min}) cannot be greater than maxReplica (${max})`;
    if (min >= 1 && timeout !== null) return `minReplica must be 0 when scale-to-zero is enabled (scaleToZeroTimeout ${timeout}, minReplica ${min})`;
    return undefined;
  }

  const send = sendJson;
  const readBody = (req: IncomingMessage) => readBodyUpTo(req, MAX_BODY_BYTES);

  /** The routes other tools drive the simulator with, over HTTP; they stay out of the request log. */
  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const route = `${req.method ?? 'GET'} ${path}`;
    const text = (await readBody(req)) ?? '';
    let body: unknown = {};
    try {
      if (text.length > 0) body = JSON.parse(text) as unknown;
    } catch {
      return send(res, undefined, 400, { error: 'Invalid JSON body' });
    }
    const bad = (error: z.ZodError): void => send(res, undefined, 400, { error: z.prettifyError(error) });

    if (route === 'GET /_simulator/log') return send(res, undefined, 200, log);
    if (route === 'DELETE /_simulator/log') {
      simulator.clearLog();
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/faults') {
      const faults = adminFaultsSchema.safeParse(body);
      if (!faults.success) return bad(faults.error);
      const { failNext, failPut, latencyMs: latency } = faults.data;
      if (failNext) simulator.failNext(failNext.count, failNext.status, failNext.retryAfter);
      if (failPut) simulator.failPutOf(failPut.name, failPut.status, failPut.count, failPut.landed);
      if (latency !== undefined) simulator.setLatency(latency);
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/scaling') {
      const change = adminScalingSchema.safeParse(body);
      if (!change.success) return bad(change.error);
      const { token, name, ...scaling } = change.data;
      const record = accounts.get(token)?.endpoints.get(name);
      if (record === undefined) return send(res, undefined, 404, { error: 'No endpoint of that name for that token' });
      const problem = scalingProblem(record, scaling);
      if (problem !== undefined) return send(res, undefined, 400, { error: problem });
      simulator.setScaling(token, name, scaling);
      await keeping;
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/traffic') {
      const traffic = adminTrafficSchema.safeParse(body);
      if (!traffic.success) return bad(traffic.error);
      const { token, name, requests, ...options } = traffic.data;
      if (accounts.get(token)?.endpoints.get(name) === undefined) return send(res, undefined, 404, { error: 'No endpoint of that name for that token' });
      simulator.traffic(token, name, requests, options);
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/replica-restart') {
      const restart = adminRestartSchema.safeParse(body);
      if (!restart.success) return bad(restart.error);
      const { token, name, replica, as } = restart.data;
      if (!simulator.replicas(token, name).includes(replica)) return send(res, undefined, 404, { error: 'No replica of that id for that endpoint' });
      simulator.restartReplica(token, name, replica, as);
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/catalogue') {
      const change = adminCatalogueSchema.safeParse(body);
      if (!change.success) return bad(change.error);
      if (change.data.fail !== undefined) simulator.failCatalogue(change.data.fail ?? undefined);
      simulator.unpriceCompute(...(change.data.unpriced ?? []));
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/reset') {
      simulator.reset();
      await keeping;
      return send(res, undefined, 204, undefined);
    }
    send(res, undefined, 404, { error: 'Not Found' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    if (path.startsWith(ADMIN_PREFIX)) return handleAdmin(req, res, path);
    const text = await readBody(req);
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const account = bearer !== undefined ? accounts.get(bearer) : undefined;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) as unknown : undefined;
    } catch {
      body = undefined;
    }
    const entry: EndpointsRequest = { seq: ++seq, source: 'client', method, path, status: 0, at: Date.now(), ...(body !== undefined ? { body } : {}), tokenKnown: account !== undefined };
    log.push(entry);

    if (latencyMs > 0) await delay(latencyMs);
    if (closed) return;
    if (failPlan && failPlan.count > 0) {
      const plan = failPlan;
      plan.count--;
      if (plan.count === 0) failPlan = undefined;
      const error = plan.status === 429 ? RATE_LIMIT_TEXT : STATUS_CODES[plan.status] ?? `HTTP ${plan.status}`;
      return send(res, entry, plan.status, { error }, plan.retryAfter !== undefined ? { 'retry-after': plan.retryAfter } : {});
    }
    if (text === undefined) return send(res, entry, 413, { error: 'Request body too large' });
    // The real base URL ends in /v2; the routes answer with or without it.
    const route = path.startsWith('/v2/') ? path.slice('/v2'.length) : path;
    if (route.startsWith(CATALOGUE_PREFIX)) return answerCatalogue(res, entry, method, decodeURIComponent(route.slice(CATALOGUE_PREFIX.length)), account, bearer);
    if (!route.startsWith(PREFIX)) return send(res, entry, 404, { error: 'Not Found' });
    const [namespace, name, ...rest] = route.slice(PREFIX.length).split('/').map((part) => decodeURIComponent(part));
    const metricsRoute = rest.length === 1 && rest[0] === 'open-metrics';
    if (namespace === undefined || namespace === '' || (rest.length > 0 && !metricsRoute)) return send(res, entry, 404, { error: 'Not Found' });
    if (bearer === undefined || !account) return send(res, entry, 401, { error: 'Invalid credentials in Authorization header' });
    if (account.namespace !== namespace) return send(res, entry, 403, { error: `You don't have access to the namespace ${namespace}` });

    if (name === undefined || name === '') {
      if (method !== 'GET') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET' });
      return send(res, entry, 200, { items: [...account.endpoints.values()].map((record) => toWire(namespace, record)) });
    }
    const record = account.endpoints.get(name);
    if (!record) return send(res, entry, 404, { error: `Endpoint ${name} not found in ${namespace}` });
    if (metricsRoute) {
      if (method !== 'GET') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET' });
      if (!account.metricsPlan) return send(res, entry, 403, { error: METRICS_PLAN_TEXT });
      const text = metrics.render(metricsKey(bearer, name));
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8', 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    if (method === 'GET') return send(res, entry, 200, toWire(namespace, record));
    if (method !== 'PUT') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET, PUT' });
    if (account.readOnly) return send(res, entry, 403, { error: 'This token is not allowed to update endpoints' });
    const hold = putHolds.get(name);
    if (hold) {
      putHolds.delete(name);
      hold.arrive();
      await hold.released;
      if (res.closed || req.socket.destroyed) return;
    }
    const fault = putFaults.get(name);
    const failing = fault && fault.count > 0 ? fault : undefined;
    if (failing) {
      failing.count--;
      if (failing.count === 0) putFaults.delete(name);
      if (!failing.landed) return send(res, entry, failing.status, { error: STATUS_CODES[failing.status] ?? `HTTP ${failing.status}` });
    }
    const parsed = putSchema.safeParse(body);
    if (!parsed.success) return send(res, entry, 400, { error: `Invalid body: ${z.prettifyError(parsed.error)}` });
    const scaling = parsed.data.compute.scaling;
    const problem = scalingProblem(record, scaling);
    if (problem !== undefined) return send(res, entry, 400, { error: problem });
    applyScaling(record, scaling);
    await keep(bearer, account);
    if (failing) return send(res, entry, failing.status, { error: STATUS_CODES[failing.status] ?? `HTTP ${failing.status}` });
    send(res, entry, 200, toWire(namespace, record));
  }

  /** `GET /provider/{namespace}`: the hardware catalogue, with the token's access checked as for its endpoints. */
  function answerCatalogue(res: ServerResponse, entry: EndpointsRequest, method: string, namespace: string, account: AccountRecord | undefined, bearer: string | undefined): void {
    if (namespace === '' || namespace.includes('/')) return send(res, entry, 404, { error: 'Not Found' });
    if (bearer === undefined || !account) return send(res, entry, 401, { error: 'Invalid credentials in Authorization header' });
    if (account.namespace !== namespace) return send(res, entry, 403, { error: `You don't have access to the namespace ${namespace}` });
    if (method !== 'GET') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET' });
    if (catalogueFailure !== undefined) return send(res, entry, catalogueFailure, { error: STATUS_CODES[catalogueFailure] ?? `HTTP ${catalogueFailure}` });
    send(res, entry, 200, catalogueWire(options.catalogue ?? DEFAULT_CATALOGUE, unpriced));
  }

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, undefined, 500, { error: 'Internal Server Error' });
    });
  });
  const url = await listenForUrl(server, options.port, options.host);

  function recordOf(token: string, name: string): { account: AccountRecord; record: EndpointRecord } {
    const account = accounts.get(token);
    const record = account?.endpoints.get(name);
    if (!account || !record) throw new Error(`endpoints simulator: no endpoint ${name} for that token`);
    return { account, record };
  }

  const simulator: EndpointsSimulator = {
    url,
    requestLog: log,
    async close() {
      if (closed) return;
      closed = true;
      clearDelays();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addAccount,
    endpoint(token, name) {
      const { account, record } = recordOf(token, name);
      return toWire(account.namespace, record);
    },
    wake(token, name) {
      const { record } = recordOf(token, name);
      const now = Date.now();
      advance(record, now);
      if (record.state !== 'scaledToZero') return;
      moveState(record, 'initializing', now);
      record.since = now;
      record.settlesTo = record.spec.failsToStart ? 'failed' : 'running';
    },
    setScaling(token, name, scaling) {
      const { account, record } = recordOf(token, name);
      const problem = scalingProblem(record, scaling);
      if (problem !== undefined) throw new Error(`endpoints simulator: ${problem}`);
      applyScaling(record, scaling);
      void keep(token, account).catch(() => undefined);
      log.push({ seq: ++seq, source: 'admin', method: 'PUT', path: `${PREFIX}${account.namespace}/${name}`, status: 200, at: Date.now(), body: { compute: { scaling } }, tokenKnown: true });
    },
    clearLog() {
      log.length = 0;
    },
    failNext(count, status, retryAfter) {
      failPlan = { count, status, ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}) };
    },
    failPutOf(name, status, count = 1, landed = false) {
      putFaults.set(name, { status, count, landed });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    failCatalogue(status) {
      catalogueFailure = status;
    },
    unpriceCompute(...ids) {
      for (const id of ids) unpriced.add(id);
    },
    holdNextPut(name) {
      let arrive: () => void = () => undefined;
      let release: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      putHolds.set(name, { arrive, released });
      return { arrived, release };
    },
    traffic(token, name, requests, options) {
      recordOf(token, name);
      metrics.traffic(metricsKey(token, name), name, requests, options);
    },
    restartReplica(token, name, replica, as) {
      recordOf(token, name);
      metrics.restart(metricsKey(token, name), replica, as);
    },
    replicas(token, name) {
      return metrics.replicas(metricsKey(token, name));
    },
    reset() {
      metrics.reset();
      failPlan = undefined;
      catalogueFailure = undefined;
      unpriced.clear();
      putFaults.clear();
      latencyMs = 0;
      for (const [token, seed] of seeds) {
        addAccount(token, seed);
        const account = accounts.get(token);
        if (account) void keep(token, account).catch(() => undefined);
      }
      log.length = 0;
    },
  };
  return simulator;
}

/** The sandbox namespace: public on purpose, it only opens the local simulator. */
export const SANDBOX_ENDPOINTS_TOKEN = 'hf_sandbox_endpoints_token_not_secret';
export const SANDBOX_NAMESPACE = 'sandbox-org';
export const SANDBOX_MAX_WARM = 2;
/** The sandbox's `idle_after`: the default's day, which its made-up history's warm endpoint has gone without requests. */
export const SANDBOX_IDLE_AFTER_MS = 24 * 3_600_000;

export const SANDBOX_ENDPOINTS: readonly SimulatedEndpoint[] = [
  { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2, scaleToZeroTimeout: null },
  { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15, accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x2' },
  { name: 'sentiment', repository: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15, accelerator: 'cpu', instanceType: 'intel-spr', instanceSize: 'x1' },
];

/**
 * The Endpoints simulator with one demo namespace, for the sandbox console. With `scaling` (as
 * last kept), each named endpoint starts from it: `running` when warm, `scaledToZero` when cold.
 */
export async function startSandboxEndpoints(
  options: {
    host?: string;
    port?: number;
    scaling?: readonly EndpointScaling[];
    onScalingChange?: EndpointsSimulatorOptions['onScalingChange'];
  } = {},
): Promise<{ simulator: EndpointsSimulator; token: string; namespace: string; maxWarm: number; idleAfterMs: number; endpoints: string[] }> {
  const kept = new Map((options.scaling ?? []).map((entry) => [entry.name, entry]));
  const endpoints = SANDBOX_ENDPOINTS.map((endpoint): SimulatedEndpoint => {
    const scaling = kept.get(endpoint.name);
    return scaling === undefined
      ? { ...endpoint }
      : { ...endpoint, minReplica: scaling.minReplica, maxReplica: scaling.maxReplica, scaleToZeroTimeout: scaling.scaleToZeroTimeout };
  });
  const simulator = await startEndpointsSimulator({
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.onScalingChange !== undefined ? { onScalingChange: options.onScalingChange } : {}),
    accounts: { [SANDBOX_ENDPOINTS_TOKEN]: { namespace: SANDBOX_NAMESPACE, endpoints } },
  });
  return {
    simulator, token: SANDBOX_ENDPOINTS_TOKEN, namespace: SANDBOX_NAMESPACE, maxWarm: SANDBOX_MAX_WARM,
    idleAfterMs: SANDBOX_IDLE_AFTER_MS, endpoints: SANDBOX_ENDPOINTS.map((endpoint) => endpoint.name),
  };
}
