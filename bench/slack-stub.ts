import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Slack side of the benchmarks: a Web API answering what pinbot calls (`auth.test`,
 * `chat.postMessage`, `chat.update`) and `response_url`s. Unlike test/helpers/slack-api-server.ts
 * it keeps nothing per request (10,000 commands would grow the bench, not pinbot) and tells a
 * listener the moment each request arrived.
 */
export interface SlackArrival {
  /** `response` for a POST to a `response_url`, else the Web API method. */
  readonly kind: string;
  readonly path: string;
  /** Form fields, or the JSON body's text fields (for `response_url`s). */
  readonly text: string;
  readonly at: number;
}

export interface SlackStub {
  readonly url: string;
  readonly apiUrl: string;
  onArrival(listener: ((arrival: SlackArrival) => void) | undefined): void;
  close(): Promise<void>;
}

/** `clock` stamps arrivals; pass one comparable with the sender's. */
export async function startSlackStub(clock: () => number = () => performance.now()): Promise<SlackStub> {
  let listener: ((arrival: SlackArrival) => void) | undefined;
  let counter = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = clock();
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const method = /^\/api\/([\w.]+)$/.exec(path)?.[1];
      const kind = path.startsWith('/response/') ? 'response' : (method ?? 'unknown');
      const text = kind === 'response' ? raw : decodeForm(raw);
      listener?.({ kind, path, text, at });
      const ts = `${1_700_000_000 + ++counter}.000100`;
      const answer = kind === 'auth.test'
        ? { ok: true, team_id: 'T0BENCH', user_id: 'UBOT', bot_id: 'BBOT' }
        : kind === 'chat.postMessage' || kind === 'chat.update'
          ? { ok: true, channel: new URLSearchParams(raw).get('channel'), ts }
          : { ok: kind !== 'unknown' };
      const body = JSON.stringify(answer);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    onArrival: (next) => {
      listener = next;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function decodeForm(raw: string): string {
  try {
    return [...new URLSearchParams(raw).values()].join('\n');
  } catch {
    return raw;
  }
}
