// Worker thread: Slack's sender. Sends signed slash commands to an app and times the acks; the
// app's answers arrive at slack-api-side.ts, on another thread, which reports them here.
import type { MessagePort } from 'node:worker_threads';
import { Pool } from 'undici';
import { commandBody, slackSignature } from '../test/helpers/slack-requests.ts';
import { pause } from './stats.ts';
import type { Answer } from './slack-api-side.ts';
import { now, serveWorker } from './worker-rpc.ts';

export type Shape = 'list' | 'add';

export interface BurstRequest {
  readonly port: number;
  readonly secret: string;
  readonly shape: Shape;
  readonly count: number;
  /** Wait for pinbot's answer (the card for `add`, the response_url post for `list`). */
  readonly follows: boolean;
  /** Idle time after the burst (after its answers, when followed) before it counts as done. */
  readonly thinkMs: number;
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

/** Where the answers go: the `response_url`s are made from it. */
let slackUrl: string | undefined;
const pools = new Map<number, Pool>();
const waiting = new Map<number, { shape: Shape; resolve: (at: number) => void }>();
let nextId = 1;

function arrived(answer: Answer): void {
  const entry = waiting.get(answer.id);
  if (!entry) return;
  if (entry.shape === 'add' ? answer.kind !== 'chat.postMessage' : answer.kind !== 'response') return;
  waiting.delete(answer.id);
  entry.resolve(answer.at);
}

function pool(port: number): Pool {
  const existing = pools.get(port);
  if (existing) return existing;
  const created = new Pool(`http://127.0.0.1:${port}`, { connections: 512, keepAliveTimeout: 60_000 });
  pools.set(port, created);
  return created;
}

async function burst(request: BurstRequest): Promise<BurstResult> {
  const base = slackUrl;
  if (base === undefined) throw new Error('slack side not started');
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
  const acks = await Promise.all(prepared.map(async ({ id, body, headers }) => {
    const started = now();
    const answer = await target.request({ method: 'POST', path: '/slack/events', headers, body });
    await answer.body.text();
    const acked = now();
    if (answer.statusCode !== 200) throw new Error(`bench: answered ${answer.statusCode} to ${request.shape}`);
    return { id, started, latency: acked - started, acked };
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
  if (request.thinkMs > 0) await pause(request.thinkMs);
  return { ack: acks.map((ack) => ack.latency), done, throughput: (request.count / (last - first)) * 1000 };
}

const handlers = {
  start: async ({ answers, url }: { answers: MessagePort; url: string }) => {
    slackUrl = url;
    answers.on('message', arrived);
    return null;
  },
  burst,
  close: async (_: null) => {
    for (const p of pools.values()) await p.close();
    return null;
  },
};

export type SlackSideHandlers = typeof handlers;

serveWorker(handlers);
