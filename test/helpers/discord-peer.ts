import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A working stand-in for Discord that an unmodified discord.js 14 client talks to
 * (notes/discord.md §7): REST under `/api/v10` and a JSON gateway on the same port.
 * It records every request, keeps the messages the bot creates and edits, and dispatches
 * interactions built like the recorded fixtures.
 */

export const APPLICATION_ID = '111111111111111111';
export const BOT_USER_ID = APPLICATION_ID;
export const GUILD_ID = '222222222222222222';
export const CHANNEL_ID = '333333333333333333';

const API_PREFIX = '/api/v10';
const HEARTBEAT_INTERVAL_MS = 41_250;

/** A file sent with a request, as a part of its multipart body. */
export interface PeerFile {
  /** The form field: `files[0]`, `files[1]`, … */
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export interface PeerRequest {
  readonly method: string;
  /** Path after `/api/v10`, `%40original` decoded to `@original`, without the query. */
  readonly path: string;
  readonly query: string;
  readonly authorization: string | undefined;
  /** The JSON body; for a multipart body, its `payload_json` part. */
  readonly body: unknown;
  readonly raw: string;
  /** The files of a multipart body (discord.js sends attachments so), in order; none otherwise. */
  readonly files: readonly PeerFile[];
}

/** A message as the peer stores it, in Discord's API shape. */
export type PeerMessage = Record<string, unknown> & {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
};

export interface ScriptedAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface GatewayFrame {
  readonly op: number;
  readonly d?: unknown;
  readonly s?: number | null;
  readonly t?: string | null;
}

export interface DiscordPeerOptions {
  /** Roles of the guild besides @everyone, sent in GUILD_CREATE. */
  readonly roles?: readonly { id: string; name: string }[];
  /** How long an idle REST connection stays open (Node's default, 5 s, unless set). */
  readonly keepAliveMs?: number;
  /** Told of every request the moment its body has arrived, before it is answered. */
  readonly onRequest?: (request: PeerRequest) => void;
}

export interface DiscordPeer {
  /** `rest.api` for discord.js: `http://127.0.0.1:<port>/api`. */
  readonly apiUrl: string;
  readonly requests: PeerRequest[];
  /** Frames received from clients, in order. */
  readonly gatewayFrames: GatewayFrame[];
  /** Every message the bot created, by id, in its latest state. */
  readonly messages: Map<string, PeerMessage>;
  /** Sockets that sent IDENTIFY and are still open. */
  identifiedSessions(): number;
  /** Dispatches INTERACTION_CREATE to the most recently identified session. */
  dispatch(interaction: Record<string, unknown>): void;
  /** The next request that `matches` gets `answer` instead of the normal one (`times` times). */
  failNext(matches: (request: PeerRequest) => boolean, answer: ScriptedAnswer, times?: number): void;
  /**
   * Drops the interactions, messages and requests it keeps, so that a benchmark's tens of
   * thousands of interactions do not pile up in its heap.
   */
  forget(): void;
  close(): Promise<void>;
}

interface Script {
  readonly matches: (request: PeerRequest) => boolean;
  readonly answer: ScriptedAnswer;
  remaining: number;
}

export async function startDiscordPeer(options: DiscordPeerOptions = {}): Promise<DiscordPeer> {
  const requests: PeerRequest[] = [];
  const gatewayFrames: GatewayFrame[] = [];
  const messages = new Map<string, PeerMessage>();
  const scripts: Script[] = [];
  /** Interaction token → the interaction, to find the message a callback or webhook acts on. */
  const interactions = new Map<string, Record<string, unknown>>();
  /** Interaction token → id of its original response message. */
  const originals = new Map<string, string>();
  const sessions: WebSocket[] = [];
  const sequence = new Map<WebSocket, number>();
  let nextMessageId = 900_000_000_000_000_000n;
  let nextAttachmentId = 800_000_000_000_000_000n;
  let port = 0;

  const newMessage = (channelId: string, body: Record<string, unknown>, extra: Partial<PeerMessage> = {}, files: readonly PeerFile[] = []): PeerMessage => {
    nextMessageId += 1n;
    const id = String(nextMessageId);
    const newAttachmentId = (): string => String((nextAttachmentId += 1n));
    const message = messageObject(id, channelId, body, { ...extra, ...attachmentsOf(body, files, newAttachmentId, `http://127.0.0.1:${port}/attachments/${channelId}`) });
    messages.set(message.id, message);
    return message;
  };
  const editMessage = (id: string, body: Record<string, unknown>): PeerMessage | undefined => {
    const current = messages.get(id);
    if (!current) return undefined;
    const next: PeerMessage = { ...current, ...pickMessageFields(body), edited_timestamp: new Date().toISOString() };
    messages.set(id, next);
    return next;
  };

  const route = (request: PeerRequest, res: ServerResponse): void => {
    const { method, path } = request;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parts = path.split('/').filter((part) => part !== '');
    if (method === 'GET' && path === '/gateway/bot') {
      json(res, 200, {
        url: `ws://127.0.0.1:${port}`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      });
      return;
    }
    // POST /interactions/:id/:token/callback
    if (method === 'POST' && parts[0] === 'interactions' && parts[3] === 'callback') {
      const token = parts[2] ?? '';
      const interaction = interactions.get(token);
      const type = Number(body['type']);
      const data = (body['data'] ?? {}) as Record<string, unknown>;
      const channelId = channelIdOf(interaction);
      if (type === 4 || type === 5) {
        const flags = Number(data['flags'] ?? 0);
        const created = newMessage(channelId, type === 4 ? data : {}, { flags });
        originals.set(token, created.id);
      } else if (type === 6 || type === 7) {
        const messageId = messageIdOf(interaction);
        if (messageId !== undefined) {
          originals.set(token, messageId);
          if (type === 7) editMessage(messageId, data);
        }
      }
      res.writeHead(204).end();
      return;
    }
    // PATCH|GET|DELETE /webhooks/:app/:token/messages/@original, POST /webhooks/:app/:token
    if (parts[0] === 'webhooks') {
      const token = parts[2] ?? '';
      const interaction = interactions.get(token);
      if (parts[3] === 'messages' && parts[4] === '@original') {
        const id = originals.get(token);
        if (id === undefined) return json(res, 404, { message: 'Unknown Message', code: 10008 });
        if (method === 'DELETE') {
          messages.delete(id);
          res.writeHead(204).end();
          return;
        }
        const edited = method === 'PATCH' ? editMessage(id, body) : messages.get(id);
        return json(res, 200, edited);
      }
      if (method === 'POST' && parts.length === 3) {
        return json(res, 200, newMessage(channelIdOf(interaction), body, { flags: Number(body['flags'] ?? 0) }, request.files));
      }
    }
    // /channels/:id, /channels/:id/messages, /channels/:id/messages/:id
    if (parts[0] === 'channels' && parts[1] !== undefined) {
      const channelId = parts[1];
      if (method === 'GET' && parts.length === 2) return json(res, 200, channelObject(channelId));
      if (method === 'POST' && parts[2] === 'messages' && parts.length === 3) return json(res, 200, newMessage(channelId, body, {}, request.files));
      if (method === 'PATCH' && parts[2] === 'messages' && parts[3] !== undefined) {
        const edited = editMessage(parts[3], body);
        return edited ? json(res, 200, edited) : json(res, 404, { message: 'Unknown Message', code: 10008 });
      }
    }
    // PUT /applications/:app/commands, PUT /applications/:app/guilds/:guild/commands
    if (method === 'PUT' && parts[0] === 'applications' && parts[parts.length - 1] === 'commands') {
      const commands = Array.isArray(request.body) ? (request.body as Record<string, unknown>[]) : [];
      return json(res, 200, commands.map((command, index) => ({ id: String(700_000_000_000_000_001n + BigInt(index)), application_id: parts[1], version: '1', ...command })));
    }
    json(res, 404, { message: '404: Not Found', code: 0 });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = await recordRequest(req, Buffer.concat(chunks));
      options.onRequest?.(request);
      requests.push(request);
      const script = scripts.find((candidate) => candidate.remaining > 0 && candidate.matches(request));
      if (script) {
        script.remaining -= 1;
        return json(res, script.answer.status, script.answer.body ?? {}, script.answer.headers);
      }
      route(request, res);
    });
  });

  if (options.keepAliveMs !== undefined) server.keepAliveTimeout = options.keepAliveMs;
  const gateway = new WebSocketServer({ server });
  gateway.on('connection', (socket) => {
    sequence.set(socket, 0);
    send(socket, { op: 10, d: { heartbeat_interval: HEARTBEAT_INTERVAL_MS } });
    socket.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString('utf8')) as GatewayFrame;
      gatewayFrames.push(frame);
      if (frame.op === 1) send(socket, { op: 11 });
      if (frame.op === 2) {
        sessions.push(socket);
        dispatchTo(socket, 'READY', readyPayload(port));
        dispatchTo(socket, 'GUILD_CREATE', guildPayload(options.roles ?? []));
      }
    });
    socket.on('close', () => {
      const index = sessions.indexOf(socket);
      if (index !== -1) sessions.splice(index, 1);
    });
  });

  const dispatchTo = (socket: WebSocket, type: string, data: unknown): void => {
    const s = (sequence.get(socket) ?? 0) + 1;
    sequence.set(socket, s);
    send(socket, { op: 0, t: type, s, d: data });
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    requests,
    gatewayFrames,
    messages,
    identifiedSessions: () => sessions.length,
    dispatch(interaction) {
      const socket = sessions[sessions.length - 1];
      if (!socket) throw new Error('no identified gateway session to dispatch to');
      interactions.set(String(interaction['token']), interaction);
      dispatchTo(socket, 'INTERACTION_CREATE', interaction);
    },
    failNext(matches, answer, times = 1) {
      scripts.push({ matches, answer, remaining: times });
    },
    forget() {
      interactions.clear();
      originals.clear();
      messages.clear();
      requests.length = 0;
    },
    async close() {
      for (const client of gateway.clients) client.terminate();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  async function recordRequest(req: IncomingMessage, bytes: Buffer): Promise<PeerRequest> {
    const url = new URL(req.url ?? '/', 'http://peer');
    const path = decodeURIComponent(url.pathname).replace(API_PREFIX, '');
    const raw = bytes.toString('utf8');
    const contentType = req.headers['content-type'] ?? '';
    const { json: text, files } = contentType.startsWith('multipart/form-data') ? await readMultipart(bytes, contentType) : { json: raw, files: [] };
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { method: req.method ?? '', path, query: url.search, authorization: req.headers.authorization, body, raw, files };
  }
}

/** A multipart body as Discord reads it: the message in `payload_json`, files in `files[n]` parts. */
async function readMultipart(bytes: Buffer, contentType: string): Promise<{ json: string; files: PeerFile[] }> {
  const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
  const files: PeerFile[] = [];
  for (const [field, value] of form) {
    if (typeof value === 'string') continue;
    files.push({ field, name: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  const json = form.get('payload_json');
  return { json: typeof json === 'string' ? json : '', files };
}

/**
 * A message's `attachments` from its body's (`{ id, filename, description }`, `id` naming the
 * `files[id]` part) and the files that came, in Discord's shape.
 */
function attachmentsOf(body: Record<string, unknown>, files: readonly PeerFile[], newId: () => string, baseUrl: string): Partial<PeerMessage> {
  if (files.length === 0) return {};
  const described = Array.isArray(body['attachments']) ? (body['attachments'] as Record<string, unknown>[]) : [];
  const attachments = files.map((file) => {
    const description = described.find((attachment) => `files[${String(attachment['id'])}]` === file.field)?.['description'];
    const id = newId();
    const url = `${baseUrl}/${id}/${file.name}`;
    return { id, filename: file.name, size: file.bytes.length, content_type: file.contentType, url, proxy_url: url, ...(typeof description === 'string' ? { description } : {}) };
  });
  return { attachments };
}

function send(socket: WebSocket, frame: GatewayFrame): void {
  socket.send(JSON.stringify(frame));
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function channelIdOf(interaction: Record<string, unknown> | undefined): string {
  const channel = interaction?.['channel'] as { id?: string } | undefined;
  return channel?.id ?? CHANNEL_ID;
}

function messageIdOf(interaction: Record<string, unknown> | undefined): string | undefined {
  const message = interaction?.['message'] as { id?: string } | undefined;
  return message?.id;
}

const MESSAGE_FIELDS = ['content', 'embeds', 'components', 'allowed_mentions', 'flags'] as const;

function pickMessageFields(body: Record<string, unknown>): Partial<PeerMessage> {
  const picked: Record<string, unknown> = {};
  for (const field of MESSAGE_FIELDS) if (field in body) picked[field] = body[field];
  return picked as Partial<PeerMessage>;
}

function messageObject(id: string, channelId: string, body: Record<string, unknown>, extra: Partial<PeerMessage>): PeerMessage {
  return {
    id,
    channel_id: channelId,
    guild_id: GUILD_ID,
    type: 0,
    content: '',
    embeds: [],
    components: [],
    flags: 0,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    pinned: false,
    author: { id: BOT_USER_ID, username: 'pinbot', discriminator: '0', avatar: null, bot: true },
    ...pickMessageFields(body),
    ...extra,
  };
}

function channelObject(id: string): Record<string, unknown> {
  return { id, type: 0, guild_id: GUILD_ID, name: 'general', position: 0, permission_overwrites: [], nsfw: false, parent_id: null };
}

function readyPayload(port: number): Record<string, unknown> {
  return {
    v: 10,
    user: { id: BOT_USER_ID, username: 'pinbot', discriminator: '0', avatar: null, bot: true, global_name: null, flags: 0 },
    guilds: [{ id: GUILD_ID, unavailable: true }],
    session_id: 'peer-session',
    resume_gateway_url: `ws://127.0.0.1:${port}`,
    application: { id: APPLICATION_ID, flags: 0 },
    shard: [0, 1],
  };
}

function guildPayload(roles: readonly { id: string; name: string }[]): Record<string, unknown> {
  const role = (id: string, name: string, position: number) => ({
    id, name, color: 0, hoist: false, icon: null, unicode_emoji: null, position, permissions: '0', managed: false, mentionable: false, flags: 0,
  });
  return {
    id: GUILD_ID,
    name: 'pinbot test guild',
    icon: null,
    owner_id: '999999999999999999',
    unavailable: false,
    large: false,
    member_count: 2,
    joined_at: '2024-01-01T00:00:00.000000+00:00',
    features: [],
    roles: [role(GUILD_ID, '@everyone', 0), ...roles.map((r, index) => role(r.id, r.name, index + 1))],
    channels: [channelObject(CHANNEL_ID)],
    members: [],
    emojis: [],
    stickers: [],
    threads: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
