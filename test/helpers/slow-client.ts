import { connect } from 'node:net';

export interface Trickle {
  /** Milliseconds from connecting until the server closed the connection; rejects past `boundMs`. */
  readonly closed: Promise<number>;
  /** Everything the server sent before closing. */
  received(): string;
}

/**
 * A client that sends `opening` at once, then one byte of `rest` every `everyMs`: slow headers or
 * a slow body, as a slowloris would. Stops writing and destroys its socket once closed or past the bound.
 */
export function trickle(port: number, opening: string, rest: string, options: { everyMs: number; boundMs: number }): Trickle {
  const socket = connect({ host: '127.0.0.1', port });
  const startedAt = Date.now();
  let answer = '';
  let sent = 0;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => { answer += chunk; });
  socket.on('connect', () => socket.write(opening));
  const writer = setInterval(() => {
    if (socket.writable && sent < rest.length) socket.write(rest.charAt(sent++));
  }, options.everyMs);
  const closed = new Promise<number>((resolve, reject) => {
    const bound = setTimeout(() => {
      clearInterval(writer);
      socket.destroy();
      reject(new Error(`the server still held the connection after ${options.boundMs} ms`));
    }, options.boundMs);
    socket.on('close', () => {
      clearTimeout(bound);
      clearInterval(writer);
      resolve(Date.now() - startedAt);
    });
    socket.on('error', () => undefined);
  });
  return { closed, received: () => answer };
}
