/**
 * Where each Slack ack's time went, seen from the app's side: the moment its HTTP server had read
 * the request's head (Node's `http.server.request.start` diagnostics channel, published on the main
 * thread just before the `request` event) and the moment the ack's bytes were handed to the socket
 * (the response's `prefinish`, emitted inside `end()` once its data is written), on the clock the
 * sender uses (`now()` in worker-rpc.ts). Between the two is the app's own work; before them the
 * request waits for the main thread to read it; after them the sender still has to read the ack.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { now } from './worker-rpc.ts';

const REQUEST_START = 'http.server.request.start';
/** The header the sender tags each request with, so that both sides can be matched. */
export const BENCH_ID_HEADER = 'x-bench-id';

interface RequestStart {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

export interface ServedAck {
  /** The request's `x-bench-id`, when it had one. */
  readonly id: string | undefined;
  /** Its head read by the app's server. */
  readonly read: number;
  /** Its ack's bytes written to the socket. */
  readonly written: number;
}

export interface ServedAcks {
  /** The acks written on `port` since the last `take` for it, in the order they were written. */
  take(port: number): ServedAck[];
  stop(): void;
}

/** Watches the requests that arrive at the servers listening on `ports`, in this thread. */
export function watchServedAcks(ports: readonly number[]): ServedAcks {
  const served = new Map<number, ServedAck[]>(ports.map((port) => [port, []]));
  const onStart = (message: unknown): void => {
    const { request, response } = message as RequestStart;
    const into = served.get(request.socket.localPort ?? -1);
    if (into === undefined) return;
    const read = now();
    const tag = request.headers[BENCH_ID_HEADER];
    const id = typeof tag === 'string' ? tag : undefined;
    response.once('prefinish', () => into.push({ id, read, written: now() }));
  };
  subscribe(REQUEST_START, onStart);
  return {
    take: (port) => served.get(port)?.splice(0) ?? [],
    stop: () => unsubscribe(REQUEST_START, onStart),
  };
}

/** One request as the sender saw it: its tag and when it was sent. */
export interface SentRequest {
  readonly id: number;
  readonly sent: number;
}

/**
 * Each sent request matched with its served ack: send → ack written (what the sender would have
 * measured had it read the ack at once) and the app's own part, read → written, ms. Requests with
 * no served ack (another port, or not tagged) are left out.
 */
export function splitAcks(sent: readonly SentRequest[], served: readonly ServedAck[]): { toWritten: number[]; inApp: number[] } {
  const byId = new Map(served.filter((ack) => ack.id !== undefined).map((ack) => [ack.id, ack]));
  const toWritten: number[] = [];
  const inApp: number[] = [];
  for (const request of sent) {
    const ack = byId.get(String(request.id));
    if (ack === undefined) continue;
    toWritten.push(ack.written - request.sent);
    inApp.push(ack.written - ack.read);
  }
  return { toWritten, inApp };
}
