import type { IncomingMessage, ServerResponse } from 'node:http';

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
