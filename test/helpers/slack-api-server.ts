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

/**
 * A file sent through Slack's upload flow: announced with `files.getUploadURLExternal`, its bytes
 * POSTed to the URL that returned, then shared (or kept private) by `files.completeUploadExternal`.
 */
export interface SlackUpload {
  readonly fileId: string;
  readonly filename: string;
  /** The length announced before the upload. */
  readonly length: number;
  readonly altText: string | undefined;
  /** The file's bytes as they arrived (the multipart part, or the whole body when sent raw); undefined until then. */
  bytes?: Buffer;
  /** How the bytes came: `multipart` (a form with one file part) or `raw`. */
  encoding?: 'multipart' | 'raw';
  /** The completion: where the file was shared (none: private) and the message that introduced it. */
  completed?: { readonly channelId: string | undefined; readonly title: string | undefined; readonly initialComment: string | undefined };
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
  /** Files uploaded, in the order their upload URLs were asked for. */
  readonly uploads: SlackUpload[];
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
 * `chat.update`, `conversations.open`, the file upload flow, `apps.connections.open`) and of
 * `response_url`s, on 127.0.0.1.
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
  const uploads: SlackUpload[] = [];
  let url = '';
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
      case 'conversations.open': {
        const users = params.users ?? '';
        if (!/^[UW][A-Z0-9]+$/.test(users)) return { ok: false, error: users === '' ? 'users_list_not_supplied' : 'user_not_found' };
        return { ok: true, channel: { id: `D${users.slice(1)}` } };
      }
      case 'files.getUploadURLExternal': {
        const length = Number(params.length);
        if (params.filename === undefined || params.filename === '') return { ok: false, error: 'invalid_arguments' };
        if (!Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
        const fileId = `F0UPLOAD${String(uploads.length + 1).padStart(4, '0')}`;
        uploads.push({ fileId, filename: params.filename, length, altText: params.alt_text });
        return { ok: true, upload_url: `${url}/upload/v1/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const listed = parseJsonArray(params.files ?? '');
        const files = listed.map((file) => ({ file, upload: uploads.find((upload) => upload.fileId === file.id) }));
        // Slack completes only files whose bytes it received.
        if (files.length === 0 || files.some(({ upload }) => upload?.bytes === undefined)) return { ok: false, error: 'file_not_found' };
        return {
          ok: true,
          files: files.map(({ file, upload }) => {
            const title = typeof file.title === 'string' ? file.title : upload?.filename;
            if (upload) upload.completed = { channelId: params.channel_id, title, initialComment: params.initial_comment };
            return { id: upload?.fileId, name: upload?.filename, title, mimetype: 'image/png', size: upload?.bytes?.length, permalink: `https://pinbot-test.slack.com/files/UBOT/${upload?.fileId}` };
          }),
        };
      }
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
      const bytes = Buffer.concat(chunks);
      const raw = bytes.toString('utf8');
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      options.onRequest?.(path, raw);
      if (record) bodies.push({ path, raw });
      const contentType = req.headers['content-type'];
      const uploadId = /^\/upload\/v1\/(\w+)$/.exec(path)?.[1];
      if (uploadId !== undefined) return receiveUpload(uploads.find((upload) => upload.fileId === uploadId), bytes, contentType, res);
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
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responses,
    uploads,
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

/**
 * The upload URL: takes the file's bytes as Slack's does, raw or as a multipart form (Slack's SDKs
 * send one file part), and answers `OK - <length>`; an unknown URL gets 404.
 */
async function receiveUpload(upload: SlackUpload | undefined, body: Buffer, contentType: string | undefined, res: ServerResponse): Promise<void> {
  if (upload === undefined) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  if (contentType?.startsWith('multipart/form-data') === true) {
    const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    const file = [...form.values()].find((value): value is File => typeof value !== 'string');
    if (file === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('no file part');
      return;
    }
    upload.bytes = Buffer.from(await file.arrayBuffer());
    upload.encoding = 'multipart';
  } else {
    upload.bytes = body;
    upload.encoding = 'raw';
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${upload.bytes.length}`);
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

function parseJsonArray(raw: string): Record<string, unknown>[] {
  try {
    const value: unknown = JSON.parse(raw);
    return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object') : [];
  } catch {
    return [];
  }
}

function stringFields(body: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}
