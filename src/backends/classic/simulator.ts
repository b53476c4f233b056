import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { closableDelays, listenForUrl, readBodyUpTo, sendJson } from '../../hf/simulator-http.ts';
import { HUB_CATALOGUE, hubAnswer, isHubPath, type HubModel } from '../../hf/simulator-hub.ts';

/**
 * A working fake of the classic Inference API pinning endpoints (notes/hf-api.md): a real HTTP
 * server with per-token accounts, quota, replace-the-whole-list writes and time-derived load states.
 *
 * Bodies copied from the notes: the 200 shapes, the `/status` shapes, "Model <id> does not exist",
 * the two auth sentences, "Model pinning is only supported for existing customers", the 429 text.
 * ASSUMED (the real server was never public; these are design choices):
 *   - which status each refusal uses: 401 bad header, 400 unknown token, 403 plan without pinning
 *     (also on GET), 400 over quota / unknown model / invalid id / bad compute_type / bad JSON;
 *   - the sentences "You can only pin <N> models with your current plan", "Invalid JSON body",
 *     "Body must be {\"pinned_models\": [...]}", "compute_type must be 'cpu' or 'gpu', got '<x>'",
 *     "Model <id> does not exist (<repo id rule>)" for invalid ids, "Model <id> is listed more than once";
 *   - `/status` needs the same Bearer auth, and reports `Loading` between a pin and `loadDelayMs` later.
 */

/** One entry of `pinned_models` as it travels on the wire; extra fields are kept. */
export type WireEntry = { model_id: string; compute_type: string } & Record<string, unknown>;

export interface SimulatorAccount {
  allowed: number;
  pins?: WireEntry[];
  /** `false`: a plan without pinning (every pinning call answers 403). Default `true`. */
  pinning?: boolean;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  /** Keyed by token. */
  accounts?: Record<string, SimulatorAccount>;
  /** Time from a pin (or a compute change) until `/status` reports `Loaded`. Default 2000. */
  loadDelayMs?: number;
  /** Ids the Hub does not know. Default `['unknown/model']`. */
  unknownModels?: string[];
  /** Ids whose `/status` state is `TooBig`. */
  tooBigModels?: string[];
  /**
   * Told of every change to an account's list or cap (API writes and outside changes); an API
   * write is answered only once it resolves, so a change is kept before anyone hears of it.
   */
  onAccountChange?: (token: string, account: { allowed: number; pins: WireEntry[] }) => Promise<void>;
  /** The Hub model API's catalogue under `/api/models`. Default `HUB_CATALOGUE`. */
  hubModels?: readonly HubModel[];
  /** Namespaces in which every id is a public model on the Hub (generated ids in benchmarks). */
  hubOpenNamespaces?: readonly string[];
}

/** How the Hub routes misbehave: answer every request with `status`, or never answer. */
export type HubFault = { readonly status: number } | 'hang';

export interface RequestLogEntry {
  readonly seq: number;
  /** `client`: a request to the API routes. `admin`: an outside change through `setPins`/`setAllowed`. */
  readonly source: 'client' | 'admin';
  readonly method: string;
  readonly path: string;
  /** 0 while unanswered, and for a connection that was reset. */
  status: number;
  /** True once a POST's list replaced the account's, whether or not its answer got out. */
  applied?: boolean;
  /** `Date.now()` when the request arrived. */
  readonly at: number;
  /** The parsed JSON body of a POST, when it parsed. */
  readonly body?: unknown;
  readonly contentType?: string;
  readonly tokenKnown: boolean;
  /** Label of the account the token belongs to (`account-1`, …); the token itself is never stored. */
  readonly account?: string;
}

export interface Simulator {
  readonly url: string;
  /** Live array: entries are appended as requests arrive. */
  readonly requestLog: readonly RequestLogEntry[];
  close(): Promise<void>;
  /** Adds (or replaces) an account; returns its label. Its pins count as already loaded. */
  addAccount(token: string, account: SimulatorAccount): string;
  pins(token: string): WireEntry[];
  allowed(token: string): number;
  /** An outside change, not through the client: replaces the list, logged with source `admin`. */
  setPins(token: string, pins: WireEntry[]): void;
  setAllowed(token: string, allowed: number): void;
  clearLog(): void;
  /** The next `count` API requests answer `status` with `body` (default `{"error": <reason>}`). */
  failNext(count: number, status: number, body?: unknown, retryAfter?: string | number): void;
  /** Every API answer waits this long first. */
  setLatency(ms: number): void;
  /** The next `count` API requests answer 200 with a broken JSON body. */
  malformNext(count: number): void;
  /** The next `count` API requests get their connection destroyed without an answer. */
  resetNext(count: number): void;
  /** API requests still being handled (e.g. waiting out the latency), even if their client gave up. */
  inFlight(): number;
  /** Makes the Hub routes fail until called again without a fault; the Inference API routes are unaffected. */
  setHubFault(fault?: HubFault): void;
  /** From now on a newly pinned model reports `Loaded` this long after its pin. */
  setLoadDelay(ms: number): void;
  /**
   * Holds the next `method` request to the pinned list at `point` until released: `before` it is
   * handled (a POST held there and released after its client is gone is dropped unapplied, as a
   * request lost on the way), or `after` a POST is applied, before its answer goes out. For crash
   * tests: kill the client while a request is held.
   */
  holdNext(method: 'GET' | 'POST', point: 'before' | 'after'): HeldRequest;
}

export interface HeldRequest {
  /** Resolves with the request's log entry once it is being held. */
  readonly arrived: Promise<RequestLogEntry>;
  /** True once the held request's client closed its connection. */
  clientGone(): boolean;
  release(): void;
}

interface AccountState {
  readonly label: string;
  allowed: number;
  pins: WireEntry[];
  pinning: boolean;
  /** modelId → when its current compute type was pinned (-Infinity: loaded before the simulator started). */
  loads: Map<string, { since: number; computeType: string }>;
}

interface FailPlan {
  count: number;
  status: number;
  body: unknown;
  retryAfter?: string;
}

const PINNED_MODELS_PATH = '/usage/pinned_models';
const STATUS_PREFIX = '/status/';
const MAX_BODY_BYTES = 1_000_000;
const COMPUTE_TYPES = ['cpu', 'gpu'];

/** pinbot's stricter ASCII reading of huggingface_hub's REPO_ID_REGEX (notes §4). */
const REPO_ID = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\/)?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

export function repoIdProblem(id: string): string | undefined {
  if (id.split('/').length > 2) return "Repo id must be in the form 'repo_name' or 'namespace/repo_name'";
  if (!REPO_ID.test(id)) {
    return "Repo id must use alphanumeric chars, '-', '_' or '.'. The name cannot start or end with '-' or '.' and the maximum length is 96";
  }
  if (id.includes('--') || id.includes('..')) return "Cannot have -- or .. in repo_id";
  if (id.endsWith('.git')) return "Repo_id cannot end by '.git'";
  return undefined;
}

const RATE_LIMIT_TEXT =
  'Rate limit reached. You reached free usage limit (reset hourly). Please subscribe to a plan at https://huggingface.co/pricing to use the API at this rate';

function defaultErrorBody(status: number): { error: string } {
  if (status === 429) return { error: RATE_LIMIT_TEXT };
  if (status === 500) return { error: 'unknown error' };
  return { error: STATUS_CODES[status] ?? `HTTP ${status}` };
}

const wireEntrySchema = z.looseObject({ model_id: z.string(), compute_type: z.string() });
const adminFaultsSchema = z.object({
  failNext: z
    .object({ count: z.number().int().positive(), status: z.number().int().min(100).max(599), body: z.unknown().optional(), retryAfter: z.union([z.string(), z.number()]).optional() })
    .optional(),
  latencyMs: z.number().nonnegative().optional(),
  malformNext: z.number().int().nonnegative().optional(),
  resetNext: z.number().int().nonnegative().optional(),
  /** The Hub routes' fault: `{status}`, `"hang"`, or `null` to clear it. */
  hub: z.union([z.object({ status: z.number().int().min(100).max(599) }), z.literal('hang'), z.null()]).optional(),
});
const adminPinsSchema = z.object({ token: z.string(), pins: z.array(wireEntrySchema) });
const adminAllowedSchema = z.object({ token: z.string(), allowed: z.number().int().nonnegative() });
const adminAccountSchema = z.object({
  token: z.string().min(1),
  allowed: z.number().int().nonnegative(),
  pins: z.array(wireEntrySchema).optional(),
  pinning: z.boolean().optional(),
});

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let loadDelayMs = options.loadDelayMs ?? 2000;
  const unknownModels = new Set(options.unknownModels ?? ['unknown/model']);
  const tooBigModels = new Set(options.tooBigModels ?? []);
  const accounts = new Map<string, AccountState>();
  const log: RequestLogEntry[] = [];
  const { delay, clear: clearDelays } = closableDelays();
  let seq = 0;
  let latencyMs = 0;
  let failPlan: FailPlan | undefined;
  let malformCount = 0;
  let resetCount = 0;
  let inFlightCount = 0;
  let closed = false;
  /** Account changes being kept, in order (see `onAccountChange`). */
  let keeping: Promise<void> = Promise.resolve();

  function keep(token: string, account: AccountState): Promise<void> {
    const { onAccountChange } = options;
    if (!onAccountChange) return keeping;
    const state = { allowed: account.allowed, pins: account.pins.map((pin) => ({ ...pin })) };
    keeping = keeping.catch(() => undefined).then(() => onAccountChange(token, state));
    return keeping;
  }

  interface Hold {
    readonly method: string;
    readonly point: 'before' | 'after';
    readonly arrive: (entry: RequestLogEntry, res: ServerResponse) => void;
    readonly released: Promise<void>;
    readonly release: () => void;
  }
  const holds: Hold[] = [];

  /** Waits at `point` if a hold is waiting for this request; false when the request must be dropped. */
  async function holdAt(method: string, point: 'before' | 'after', entry: RequestLogEntry, res: ServerResponse): Promise<boolean> {
    const index = holds.findIndex((hold) => hold.method === method && hold.point === point);
    const hold = holds[index];
    if (hold === undefined) return true;
    holds.splice(index, 1);
    hold.arrive(entry, res);
    await hold.released;
    return !closed && !(point === 'before' && res.closed);
  }
  const hubModels = options.hubModels ?? HUB_CATALOGUE;
  let hubFault: HubFault | undefined;

  function addAccount(token: string, account: SimulatorAccount): string {
    const label = accounts.get(token)?.label ?? `account-${accounts.size + 1}`;
    const pins = (account.pins ?? []).map((pin) => ({ ...pin }));
    accounts.set(token, {
      label,
      allowed: account.allowed,
      pins,
      pinning: account.pinning ?? true,
      loads: new Map(pins.map((pin) => [pin.model_id, { since: -Infinity, computeType: pin.compute_type }])),
    });
    return label;
  }

  function accountOf(token: string): AccountState {
    const account = accounts.get(token);
    if (!account) throw new Error('simulator: no account for that token');
    return account;
  }

  /** Replaces the list; models new to it (or with a new compute type) start loading now. */
  function replacePins(account: AccountState, pins: WireEntry[]): void {
    const now = Date.now();
    const loads = new Map<string, { since: number; computeType: string }>();
    for (const pin of pins) {
      const previous = account.loads.get(pin.model_id);
      loads.set(pin.model_id, previous && previous.computeType === pin.compute_type ? previous : { since: now, computeType: pin.compute_type });
    }
    account.pins = pins.map((pin) => ({ ...pin }));
    account.loads = loads;
  }

  function logAdmin(account: AccountState, path: string, body: unknown): void {
    log.push({ seq: ++seq, source: 'admin', method: 'POST', path, status: 200, at: Date.now(), body, tokenKnown: true, account: account.label });
  }

  for (const [token, account] of Object.entries(options.accounts ?? {})) addAccount(token, account);

  const send = sendJson;
  const readBody = (req: IncomingMessage) => readBodyUpTo(req, MAX_BODY_BYTES);

  function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch {
      return { ok: false };
    }
  }

  function statusBody(account: AccountState, modelId: string): { status: number; body: unknown } {
    if (unknownModels.has(modelId) || repoIdProblem(modelId) !== undefined) {
      return { status: 404, body: { error: `Model ${modelId} does not exist` } };
    }
    if (tooBigModels.has(modelId)) {
      return { status: 200, body: { loaded: false, state: 'TooBig', compute_type: 'cpu', framework: 'transformers' } };
    }
    const load = account.loads.get(modelId);
    if (!load) return { status: 200, body: { loaded: false, state: 'Loadable', compute_type: 'cpu', framework: 'transformers' } };
    const loaded = Date.now() - load.since >= loadDelayMs;
    // Since Feb 2024 a GPU compute type is reported as an object (huggingface_hub #2047).
    const computeType = load.computeType === 'gpu' ? { gpu: { gpu: 'a10g', count: 1 } } : load.computeType;
    return { status: 200, body: { loaded, state: loaded ? 'Loaded' : 'Loading', compute_type: computeType, framework: 'transformers' } };
  }

  /** Validates a full list against the account: the entries to store, or the refusal. */
  function refuseWrite(account: AccountState, value: unknown): { status: number; error: string } | WireEntry[] {
    const list = z.object({ pinned_models: z.array(z.unknown()) }).safeParse(value);
    if (!list.success) return { status: 400, error: 'Body must be {"pinned_models": [...]}' };
    const entries: WireEntry[] = [];
    const seen = new Set<string>();
    for (const raw of list.data.pinned_models) {
      const parsed = wireEntrySchema.safeParse(raw);
      if (!parsed.success) return { status: 400, error: 'Each pinned model needs a string model_id and compute_type' };
      const entry = parsed.data as WireEntry;
      const id = entry.model_id;
      if (seen.has(id)) return { status: 400, error: `Model ${id} is listed more than once` };
      seen.add(id);
      // An entry already pinned exactly like this is accepted as it is, whatever its compute type.
      const unchanged = account.pins.some((pin) => pin.model_id === id && pin.compute_type === entry.compute_type);
      if (!unchanged) {
        const problem = repoIdProblem(id);
        if (problem !== undefined) return { status: 400, error: `Model ${id} does not exist (${problem})` };
        if (unknownModels.has(id)) return { status: 400, error: `Model ${id} does not exist` };
        if (!COMPUTE_TYPES.includes(entry.compute_type)) {
          return { status: 400, error: `compute_type must be 'cpu' or 'gpu', got '${entry.compute_type}'` };
        }
      }
      entries.push(entry);
    }
    if (entries.length > account.allowed) {
      return { status: 400, error: `You can only pin ${account.allowed} models with your current plan` };
    }
    return entries;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    const authorization = req.headers.authorization;
    const bearer = typeof authorization === 'string' ? /^Bearer (\S+)$/.exec(authorization)?.[1] : undefined;
    const account = bearer !== undefined ? accounts.get(bearer) : undefined;
    const parsedBody = method === 'POST' && text !== undefined ? parseJson(text) : undefined;
    const contentType = req.headers['content-type'];
    const entry: RequestLogEntry = {
      seq: ++seq,
      source: 'client',
      method,
      path,
      status: 0,
      at: Date.now(),
      ...(parsedBody?.ok ? { body: parsedBody.value } : {}),
      ...(contentType !== undefined ? { contentType } : {}),
      tokenKnown: account !== undefined,
      ...(account ? { account: account.label } : {}),
    };
    log.push(entry);

    if (resetCount > 0) {
      resetCount--;
      req.socket.destroy();
      return;
    }
    if (latencyMs > 0) await delay(latencyMs);
    if (closed) return;
    if (failPlan && failPlan.count > 0) {
      const plan = failPlan;
      plan.count--;
      if (plan.count === 0) failPlan = undefined;
      send(res, entry, plan.status, plan.body, plan.retryAfter !== undefined ? { 'retry-after': plan.retryAfter } : {});
      return;
    }
    if (malformCount > 0) {
      malformCount--;
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"pinned_models": [{"model_id": "gpt2", "compute_');
      return;
    }
    if (text === undefined) return send(res, entry, 413, { error: 'Request body too large' });

    const isPins = path === PINNED_MODELS_PATH;
    const isStatus = path.startsWith(STATUS_PREFIX) && path.length > STATUS_PREFIX.length;
    if (!isPins && !isStatus) return send(res, entry, 404, { error: 'Not Found' });
    if (bearer === undefined) return send(res, entry, 401, { error: "Authorization header is invalid, use 'Bearer API_TOKEN'" });
    if (!account) return send(res, entry, 400, { error: 'Authorization header is correct, but the token seems invalid' });

    if (isStatus) {
      if (method !== 'GET') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET' });
      let modelId: string;
      try {
        modelId = path.slice(STATUS_PREFIX.length).split('/').map(decodeURIComponent).join('/');
      } catch {
        return send(res, entry, 400, { error: 'Invalid model id' });
      }
      const answer = statusBody(account, modelId);
      return send(res, entry, answer.status, answer.body);
    }

    if (method !== 'GET' && method !== 'POST') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET, POST' });
    if (!account.pinning) return send(res, entry, 403, { error: 'Model pinning is only supported for existing customers' });
    if (!(await holdAt(method, 'before', entry, res))) return;
    if (method === 'GET') return send(res, entry, 200, { pinned_models: account.pins, allowed_pinned_models: account.allowed });

    // No example sends Content-Type: the raw body is JSON whatever the header says.
    if (!parsedBody?.ok) return send(res, entry, 400, { error: 'Invalid JSON body' });
    const result = refuseWrite(account, parsedBody.value);
    if (!Array.isArray(result)) return send(res, entry, result.status, { error: result.error });
    replacePins(account, result);
    await keep(bearer, account);
    entry.applied = true;
    if (!(await holdAt(method, 'after', entry, res))) return;
    send(res, entry, 200, { ok: `Pinned ${result.length} models, please wait while we load them.`, pinned_models: account.pins });
  }

  /** The Hub is another service in reality: its routes have faults of their own. */
  async function handleHub(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    await readBody(req);
    const authorization = req.headers.authorization;
    const bearer = typeof authorization === 'string' ? /^Bearer (\S+)$/.exec(authorization)?.[1] : undefined;
    const account = bearer !== undefined ? accounts.get(bearer) : undefined;
    const method = req.method ?? 'GET';
    const entry: RequestLogEntry = {
      seq: ++seq, source: 'client', method, path: url.pathname, status: 0, at: Date.now(),
      tokenKnown: account !== undefined, ...(account ? { account: account.label } : {}),
    };
    log.push(entry);
    if (hubFault === 'hang') return;
    if (hubFault) return send(res, entry, hubFault.status, defaultErrorBody(hubFault.status));
    if (method !== 'GET') return send(res, entry, 405, { error: 'Method Not Allowed' }, { allow: 'GET' });
    const answer = hubAnswer(hubModels, url.pathname, url.searchParams, options.hubOpenNamespaces);
    send(res, entry, answer.status, answer.body, answer.headers);
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    const text = (await readBody(req)) ?? '';
    const json = text.length > 0 ? parseJson(text) : { ok: true as const, value: {} };
    if (!json.ok) return send(res, undefined, 400, { error: 'Invalid JSON body' });
    const body = json.value;
    const bad = (error: z.ZodError): void => send(res, undefined, 400, { error: z.prettifyError(error) });
    const route = `${method} ${path}`;

    if (route === 'GET /_simulator/log') return send(res, undefined, 200, log);
    if (route === 'DELETE /_simulator/log') {
      log.length = 0;
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/faults') {
      const faults = adminFaultsSchema.safeParse(body);
      if (!faults.success) return bad(faults.error);
      const { failNext, latencyMs: latency, malformNext, resetNext, hub } = faults.data;
      if (hub !== undefined) simulator.setHubFault(hub ?? undefined);
      if (failNext) simulator.failNext(failNext.count, failNext.status, failNext.body, failNext.retryAfter);
      if (latency !== undefined) simulator.setLatency(latency);
      if (malformNext !== undefined) simulator.malformNext(malformNext);
      if (resetNext !== undefined) simulator.resetNext(resetNext);
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/accounts') {
      const account = adminAccountSchema.safeParse(body);
      if (!account.success) return bad(account.error);
      const { token, ...rest } = account.data;
      return send(res, undefined, 201, { account: addAccount(token, rest as SimulatorAccount) });
    }
    if (route === 'POST /_simulator/pins') {
      const pins = adminPinsSchema.safeParse(body);
      if (!pins.success) return bad(pins.error);
      if (!accounts.has(pins.data.token)) return send(res, undefined, 404, { error: 'No account for that token' });
      simulator.setPins(pins.data.token, pins.data.pins as WireEntry[]);
      await keeping;
      return send(res, undefined, 204, undefined);
    }
    if (route === 'POST /_simulator/allowed') {
      const allowed = adminAllowedSchema.safeParse(body);
      if (!allowed.success) return bad(allowed.error);
      if (!accounts.has(allowed.data.token)) return send(res, undefined, 404, { error: 'No account for that token' });
      simulator.setAllowed(allowed.data.token, allowed.data.allowed);
      await keeping;
      return send(res, undefined, 204, undefined);
    }
    send(res, undefined, 404, { error: 'Not Found' });
  }

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const isAdmin = path.startsWith('/_simulator/');
    if (!isAdmin) inFlightCount++;
    const handled = isAdmin ? handleAdmin(req, res, path) : isHubPath(path) ? handleHub(req, res, url) : handleApi(req, res, path);
    const work = handled.finally(() => {
      if (!isAdmin) inFlightCount--;
    });
    work.catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, undefined, 500, { error: 'unknown error' });
    });
  });

  const url = await listenForUrl(server, options.port, options.host);

  const simulator: Simulator = {
    url,
    requestLog: log,
    async close() {
      if (closed) return;
      closed = true;
      for (const hold of holds.splice(0)) hold.release();
      clearDelays();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    addAccount,
    pins: (token) => accountOf(token).pins.map((pin) => ({ ...pin })),
    allowed: (token) => accountOf(token).allowed,
    setPins(token, pins) {
      const account = accountOf(token);
      replacePins(account, pins);
      logAdmin(account, '/_simulator/pins', { pinned_models: pins });
      void keep(token, account).catch(() => undefined);
    },
    setAllowed(token, allowed) {
      const account = accountOf(token);
      account.allowed = allowed;
      logAdmin(account, '/_simulator/allowed', { allowed });
      void keep(token, account).catch(() => undefined);
    },
    clearLog() {
      log.length = 0;
    },
    failNext(count, status, body, retryAfter) {
      failPlan = { count, status, body: body ?? defaultErrorBody(status), ...(retryAfter !== undefined ? { retryAfter: String(retryAfter) } : {}) };
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    malformNext(count) {
      malformCount = count;
    },
    inFlight: () => inFlightCount,
    resetNext(count) {
      resetCount = count;
    },
    setLoadDelay(ms) {
      loadDelayMs = ms;
    },
    holdNext(method, point) {
      let resolveArrived!: (entry: RequestLogEntry) => void;
      let release!: () => void;
      let heldResponse: ServerResponse | undefined;
      const arrived = new Promise<RequestLogEntry>((resolve) => {
        resolveArrived = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const arrive = (entry: RequestLogEntry, res: ServerResponse) => {
        heldResponse = res;
        resolveArrived(entry);
      };
      holds.push({ method, point, arrive, released, release });
      return { arrived, release, clientGone: () => heldResponse?.closed === true };
    },
    setHubFault(fault) {
      hubFault = fault;
    },
  };
  return simulator;
}

/** The token of the sandbox account: public on purpose, it only opens the local simulator. */
export const SANDBOX_TOKEN = 'hf_sandbox_token_not_secret';

export const SANDBOX_PINS: readonly WireEntry[] = [
  { model_id: 'gpt2', compute_type: 'cpu' },
  { model_id: 'distilbert/distilbert-base-uncased-finetuned-sst-2-english', compute_type: 'gpu' },
];

export const SANDBOX_ALLOWED = 5;

/** The simulator with one demo account, for `npm start` without HF_TOKEN and `npm run simulator`. */
export async function startSandboxSimulator(
  options: {
    host?: string;
    port?: number;
    token?: string;
    loadDelayMs?: number;
    /** The account as it was last kept; the seed (2 of 5) when there is none. */
    account?: { allowed: number; pins: readonly WireEntry[] };
    onAccountChange?: SimulatorOptions['onAccountChange'];
  } = {},
): Promise<{ simulator: Simulator; token: string }> {
  const token = options.token ?? SANDBOX_TOKEN;
  const account = options.account ?? { allowed: SANDBOX_ALLOWED, pins: SANDBOX_PINS };
  const simulator = await startSimulator({
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.loadDelayMs !== undefined ? { loadDelayMs: options.loadDelayMs } : {}),
    ...(options.onAccountChange !== undefined ? { onAccountChange: options.onAccountChange } : {}),
    accounts: { [token]: { allowed: account.allowed, pins: account.pins.map((pin) => ({ ...pin })) } },
  });
  return { simulator, token };
}
