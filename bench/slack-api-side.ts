// Worker thread: Slack's Web API and response_urls, receiving what the app sends after its acks.
// It is not the thread that sends requests and times acks (slack-side.ts), so pinbot's answers do
// not hold up the reading of later acks; it tells that thread of each answer through a port.
import type { MessagePort } from 'node:worker_threads';
import { startSlackStub, type SlackArrival, type SlackStub } from './slack-stub.ts';
import { now, serveWorker } from './worker-rpc.ts';

/** One answer to a benchmark request, for the sender to match with its request. */
export interface Answer {
  /** The request's number, from its `response_url` or the model in its card. */
  readonly id: number;
  /** `response` for a `response_url` post, else the Web API method. */
  readonly kind: string;
  readonly at: number;
}

let stub: SlackStub | undefined;

function answerOf(arrival: SlackArrival): Answer | undefined {
  const match = /\/r(\d+)$/.exec(arrival.path) ?? /bench\/m-(\d+)\b/.exec(arrival.text);
  return match?.[1] !== undefined ? { id: Number(match[1]), kind: arrival.kind, at: arrival.at } : undefined;
}

const handlers = {
  start: async ({ answers }: { answers: MessagePort }) => {
    stub = await startSlackStub(now);
    stub.onArrival((arrival) => {
      const answer = answerOf(arrival);
      if (answer) answers.postMessage(answer);
    });
    return { url: stub.url, apiUrl: stub.apiUrl };
  },
  close: async (_: null) => {
    await stub?.close();
    return null;
  },
};

export type SlackApiSideHandlers = typeof handlers;

serveWorker(handlers);
