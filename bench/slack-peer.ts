// Worker thread: Slack, started twice. One thread serves Slack's Web API and response_urls
// (`serveApi`); the other sends signed slash commands and times the acks (`startSender`, `burst`).
// Apart, pinbot's answers do not hold up the reading of later acks: the API thread tells the
// sender of each answer through a port.
import type { MessagePort } from 'node:worker_threads';
import { Pool } from 'undici';
import { startSlackApiServer, type SlackApiServer } from '../test/helpers/slack-api-server.ts';
import { commandBody, signedHeaders } from '../test/helpers/slack-requests.ts';
import type { Burst } from './ack-rounds.ts';
import { now, serveWorker, within } from './worker-rpc.ts';

export type Shape = 'list' | 'add';

/** An answer to request number `id`: a `response` to its response_url, or a Web API call naming its model. */
interface Answer {
  readonly id: number;
  readonly kind: string;
  readonly at: number;
}

let server: SlackApiServer | undefined;
let responseBase = '';
const pools = new Map<number, Pool>();
/** Request number → the answer awaited: `add` is answered by its card, `list` at its response_url. */
const waiting = new Map<number, { kind: string; resolve: (at: number) => void }>();
let nextId = 1;

async function serveApi(answers: MessagePort): Promise<{ url: string; apiUrl: string }> {
  server = await startSlackApiServer({
    record: false,
    onRequest: (path, raw) => {
      const at = now();
      const id = /\/r(\d+)$/.exec(path)?.[1] ?? /bench(?:\/|%2F)m-(\d+)\b/i.exec(raw)?.[1];
      const kind = path.startsWith('/response/') ? 'response' : path.replace('/api/', '');
      if (id !== undefined) answers.postMessage({ id: Number(id), kind, at } satisfies Answer);
    },
  });
  return { url: server.url, apiUrl: server.apiUrl };
}

async function burst(request: { port: number; secret: string; shape: Shape; count: number; follows: boolean; thinkMs: number }): Promise<Burst> {
  const pool = pools.get(request.port) ?? new Pool(`http://127.0.0.1:${request.port}`, { connections: 512, keepAliveTimeout: 60_000 });
  pools.set(request.port, pool);
  const prepared = Array.from({ length: request.count }, () => {
    const id = nextId++;
    const text = request.shape === 'list' ? 'list' : `add bench/m-${id}`;
    const body = commandBody({ text, user: { id: 'U0BENCH001', username: 'bench' }, channelId: 'C0BENCH001', responseUrl: `${responseBase}/response/commands/r${id}` });
    return { id, body, headers: signedHeaders(request.secret, body) };
  });
  // Awaited before sending: an answer can arrive before its ack has been read.
  const kind = request.shape === 'add' ? 'chat.postMessage' : 'response';
  const answers = request.follows ? prepared.map(({ id }) => new Promise<number>((resolve) => waiting.set(id, { kind, resolve }))) : [];
  const first = now();
  const acks = await Promise.all(prepared.map(async ({ body, headers }) => {
    const started = now();
    const answer = await pool.request({ method: 'POST', path: '/slack/events', headers, body });
    await answer.body.text();
    if (answer.statusCode !== 200) throw new Error(`bench: answered ${answer.statusCode} to ${request.shape}`);
    return { started, acked: now() };
  }));
  const arrived = await within(Promise.all(answers), `${request.count} ${request.shape} answers`);
  await new Promise((resolve) => setTimeout(resolve, request.thinkMs));
  const last = Math.max(...acks.map((ack) => ack.acked));
  return {
    ack: acks.map((ack) => ack.acked - ack.started),
    answer: arrived.map((at, index) => Math.max(0, at - (acks[index]?.acked ?? at))),
    throughput: (request.count / (last - first)) * 1000,
  };
}

const handlers = {
  serveApi,
  startSender: async ({ answers, url }: { answers: MessagePort; url: string }) => {
    responseBase = url;
    answers.on('message', (answer: Answer) => {
      const entry = waiting.get(answer.id);
      if (entry?.kind !== answer.kind) return;
      waiting.delete(answer.id);
      entry.resolve(answer.at);
    });
    return null;
  },
  burst,
  close: async (_: null) => {
    await server?.close();
    for (const pool of pools.values()) await pool.close();
    return null;
  },
};

export type SlackPeerHandlers = typeof handlers;

serveWorker(handlers);
