import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call to the Web API, as Bolt's WebClient sent it. */
export interface SlackApiCall {
  readonly method: string;
  /** Form fields (or top-level JSON fields) as strings; `blocks` is still JSON text. */
  readonly params: Record<string, string>;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  /** What the server answered. */
  readonly result: Record<string, unknown>;
}

/** A JSON POST to a `response_url`. */
export interface ResponseUrlPost {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

export interface SlackApiServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Bolt's `clientOptions.slackApiUrl`. */
  readonly apiUrl: string;
  readonly calls: SlackApiCall[];
  readonly responses: ResponseUrlPost[];
  /** Every request body received, verbatim, with its path, to look for leaked secrets. */
  readonly bodies: { readonly path: string; readonly raw: string }[];
  callsTo(method: string): SlackApiCall[];
  /** A fresh `response_url` on this server. */
  responseUrl(kind: 'commands' | 'actions'): string;
  responsesTo(url: string): ResponseUrlPost[];
  /** The next call to `method` answers `{ ok: false, error }`. */
  failNext(method: string, error: string): void;
  /**
   * Holds the next call to `method` before it is answered or recorded, until released; for crash
   * tests, which kill pinbot while the call is held. `arrived` resolves once it is held.
   */
  holdNext(method: string): { readonly arrived: Promise<void>; release(): void };
  /** What `apps.connections.open` hands out, for a Socket Mode test peer. */
  setSocketModeUrl(url: string): void;
  /** The user groups `usergroups.list` reports, with their members. */
  setUserGroups(groups: readonly { id: string; users: readonly string[] }[]): void;
  /** Connections clients hold open to this server now (keep-alive ones included). */
  openConnections(): Promise<number>;
  close(): Promise<void>;
}

export interface SlackApiServerOptions {
  /** Where to listen; a client may have been trying to reach it. Default: a free port. */
  readonly port?: number;
  /** `false` records nothing (calls, responses, bodies): a benchmark's 10,000 commands would grow it. */
  readonly record?: boolean;
  /** Told of every request the moment its body has arrived. */
  readonly onRequest?: (path: string, raw: string) => void;
}

/**
 * A working fake of the slice of Slack's Web API pinbot uses (`auth.test`, `chat.postMessage`,
 * `chat.update`, `apps.connections.open`) and of `response_url`s, on 127.0.0.1.
 */
export async function startSlackApiServer(options: SlackApiServerOptions = {}): Promise<SlackApiServer> {
  const record = options.record ?? true;
  const calls: SlackApiCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const bodies: { path: string; raw: string }[] = [];
  const failures = new Map<string, string[]>();
  let socketModeUrl: string | undefined;
  let userGroups: readonly { id: string; users: readonly string[] }[] = [];
  let messageCounter = 0;
  let responseCounter = 0;
  const holds = new Map<string, { arrive: () => void; released: Promise<void>; release: () => void }[]>();

  const answer = (method: string, params: Record<string, string>): Record<string, unknown> => {
    const failure = failures.get(method)?.shift();
    if (failure !== undefined) return { ok: false, error: failure };
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://pinbot-test.slack.com/', team: 'pinbot test', user: 'pinbot', team_id: 'T0PINBOT', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'chat.postMessage': {
        const ts = `${1_700_000_000 + ++messageCounter}.000100`;
        return { ok: true, channel: params.channel, ts, message: { type: 'message', text: params.text, ts, bot_id: 'BBOT' } };
      }
      case 'chat.update':
        return { ok: true, channel: params.channel, ts: params.ts, text: params.text };
      case 'usergroups.list':
        return { ok: true, usergroups: userGroups.map((group) => ({ id: group.id, handle: group.id.toLowerCase(), users: [...group.users] })) };
      case 'apps.connections.open':
        return socketModeUrl !== undefined ? { ok: true, url: socketModeUrl } : { ok: false, error: 'invalid_auth' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      options.onRequest?.(path, raw);
      if (record) bodies.push({ path, raw });
      const contentType = req.headers['content-type'];
      if (path.startsWith('/response/')) {
        if (record) responses.push({ path, body: parseJsonObject(raw) });
        return send(res, 200, { ok: true });
      }
      const method = /^\/api\/([\w.]+)$/.exec(path)?.[1];
      if (req.method !== 'POST' || method === undefined) return send(res, 404, { ok: false, error: 'not_found' });
      const hold = holds.get(method)?.shift();
      if (hold) {
        hold.arrive();
        await hold.released;
        if (res.closed) return;
      }
      const params = contentType?.includes('application/json') ? stringFields(parseJsonObject(raw)) : Object.fromEntries(new URLSearchParams(raw));
      const result = answer(method, params);
      if (record) calls.push({ method, params, authorization: req.headers.authorization, contentType, result });
      send(res, 200, result);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responses,
    bodies,
    callsTo: (method) => calls.filter((call) => call.method === method),
    responseUrl: (kind) => `${url}/response/${kind}/T0PINBOT/${++responseCounter}/secretish${responseCounter}`,
    responsesTo: (responseUrl) => responses.filter((post) => post.path === new URL(responseUrl).pathname),
    holdNext: (method) => {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => {
        arrive = resolve;
      });
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      holds.set(method, [...(holds.get(method) ?? []), { arrive, released, release }]);
      return { arrived, release };
    },
    failNext: (method, error) => failures.set(method, [...(failures.get(method) ?? []), error]),
    setSocketModeUrl: (wsUrl) => {
      socketModeUrl = wsUrl;
    },
    setUserGroups: (groups) => {
      userGroups = groups;
    },
    openConnections: () => new Promise((resolve, reject) => {
      server.getConnections((error, count) => (error ? reject(error) : resolve(count)));
    }),
    close: async () => {
      for (const hold of [...holds.values()].flat()) hold.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function parseJsonObject(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function stringFields(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}
