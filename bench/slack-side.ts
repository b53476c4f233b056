// Worker thread: Slack. Sends signed slash commands to an app and receives what the app sends
// back (Web API calls, response_url posts), timing both on this thread's clock.
import { Pool } from 'undici';
import { commandBody, slackSignature } from '../test/helpers/slack-requests.ts';
import { startSlackStub, type SlackArrival, type SlackStub } from './slack-stub.ts';
import { now, serveWorker } from './worker-rpc.ts';

export type Shape = 'list' | 'add';

export interface BurstRequest {
  readonly port: number;
  readonly secret: string;
  readonly shape: Shape;
  readonly count: number;
  /** Wait for pinbot's answer (the card for `add`, the response_url post for `list`). */
  readonly follows: boolean;
}

export interface BurstResult {
  /** Send → HTTP ack, ms, one per request. */
  readonly ack: number[];
  /** HTTP ack → answer at this Slack, ms (empty unless `follows`). */
  readonly done: number[];
  /** Requests acked per second over the burst. */
  readonly throughput: number;
}

const USER = { id: 'U0BENCH001', username: 'bench' };
const CHANNEL = 'C0BENCH001';

let stub: SlackStub | undefined;
const pools = new Map<number, Pool>();
const waiting = new Map<number, { shape: Shape; resolve: (at: number) => void }>();
let nextId = 1;

function arrived(arrival: SlackArrival): void {
  const match = /\/r(\d+)$/.exec(arrival.path) ?? /bench\/m-(\d+)\b/.exec(arrival.text);
  const id = match?.[1] !== undefined ? Number(match[1]) : undefined;
  const entry = id !== undefined ? waiting.get(id) : undefined;
  if (id === undefined || !entry) return;
  if (entry.shape === 'add' ? arrival.kind !== 'chat.postMessage' : arrival.kind !== 'response') return;
  waiting.delete(id);
  entry.resolve(arrival.at);
}

function pool(port: number): Pool {
  const existing = pools.get(port);
  if (existing) return existing;
  const created = new Pool(`http://127.0.0.1:${port}`, { connections: 512, keepAliveTimeout: 60_000 });
  pools.set(port, created);
  return created;
}

async function burst(request: BurstRequest): Promise<BurstResult> {
  if (!stub) throw new Error('slack side not started');
  const base = stub.url;
  const prepared = Array.from({ length: request.count }, () => {
    const id = nextId++;
    const text = request.shape === 'list' ? 'list' : `add bench/m-${id}`;
    const body = commandBody({ text, user: USER, channelId: CHANNEL, responseUrl: `${base}/response/commands/r${id}` });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(request.secret, timestamp, body),
    };
    return { id, body, headers };
  });
  // Registered before sending: an answer can arrive before the ack has been read.
  const answers = request.follows
    ? prepared.map(({ id }) => new Promise<number>((resolve) => waiting.set(id, { shape: request.shape, resolve })))
    : [];
  const target = pool(request.port);
  const first = now();
  const acks = await Promise.all(prepared.map(async ({ body, headers }) => {
    const started = now();
    const answer = await target.request({ method: 'POST', path: '/slack/events', headers, body });
    await answer.body.text();
    const acked = now();
    if (answer.statusCode !== 200) throw new Error(`bench: answered ${answer.statusCode} to ${request.shape}`);
    return { latency: acked - started, acked };
  }));
  const last = Math.max(...acks.map((ack) => ack.acked));
  let done: number[] = [];
  if (request.follows) {
    let timer: NodeJS.Timeout | undefined;
    const at = await Promise.race([
      Promise.all(answers),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`bench: ${request.shape} answers missing (${waiting.size} waiting)`)), 30_000);
      }),
    ]);
    clearTimeout(timer);
    done = at.map((arrivedAt, index) => Math.max(0, arrivedAt - (acks[index]?.acked ?? arrivedAt)));
  }
  return { ack: acks.map((ack) => ack.latency), done, throughput: (request.count / (last - first)) * 1000 };
}

const handlers = {
  start: async (_: null) => {
    stub = await startSlackStub(now);
    stub.onArrival(arrived);
    return { url: stub.url, apiUrl: stub.apiUrl };
  },
  burst,
  close: async (_: null) => {
    for (const p of pools.values()) await p.close();
    await stub?.close();
    return null;
  },
};

export type SlackSideHandlers = typeof handlers;

serveWorker(handlers);
