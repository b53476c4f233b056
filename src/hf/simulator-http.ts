import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Answers with a JSON body (none when `body` is undefined) and notes the status on the request's log entry. */
export function sendJson(
  res: ServerResponse, entry: { status: number } | undefined, status: number, body: unknown, headers: Record<string, string> = {},
): void {
  if (entry) entry.status = status;
  if (res.destroyed || res.writableEnded) return;
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The request's body as text, or undefined once it grows past `maxBytes`. */
export async function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts listening (port 0: any free one) and returns the server's base URL. */
export async function listenForUrl(server: Server, port: number | undefined, host: string | undefined): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${hostForUrl}:${address.port}`;
}

/**
 * Delays a simulator stops on close: `delay(ms)` resolves after `ms`, and `clear()` drops the
 * timers still pending, so that a closed simulator keeps no timer alive.
 */
export function closableDelays(): { delay(ms: number): Promise<void>; clear(): void } {
  const timers = new Set<NodeJS.Timeout>();
  return {
    delay: (ms) => new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    }),
    clear: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
