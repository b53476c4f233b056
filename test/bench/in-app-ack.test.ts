import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BENCH_ID_HEADER, splitAcks, watchServedAcks } from '../../bench/in-app-ack.ts';
import { now } from '../../bench/worker-rpc.ts';

const HELD_MS = 30;

/** A server that answers `/held` only after `HELD_MS` of work on this thread, anything else at once. */
async function startServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.url === '/held') {
      const until = performance.now() + HELD_MS;
      while (performance.now() < until) {
        // The app's own work before its ack: what the watch is to count.
      }
    }
    response.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** Sends a request tagged `id` and returns when it was sent, on the bench's clock. */
async function get(port: number, path: string, id?: number): Promise<number> {
  const sent = now();
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: id === undefined ? {} : { [BENCH_ID_HEADER]: String(id) } });
  expect(await response.text()).toBe('ok');
  return sent;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('served acks', () => {
  it('records each answered request on a watched port: its tag, head read and ack written', async () => {
    const watched = await startServer();
    const other = await startServer();
    servers.push(watched.server, other.server);
    const watch = watchServedAcks([watched.port]);
    try {
      const sentAtOnce = await get(watched.port, '/at-once', 1);
      const sentHeld = await get(watched.port, '/held', 2);
      await get(other.port, '/held', 3);
      await get(watched.port, '/untagged');
      const served = watch.take(watched.port);
      expect(served.map((ack) => ack.id)).toEqual(['1', '2', undefined]);
      const held = served[1];
      expect(held?.read).toBeGreaterThanOrEqual(sentHeld);
      expect((held?.written ?? 0) - (held?.read ?? 0)).toBeGreaterThanOrEqual(HELD_MS);
      expect(served[0]?.read).toBeGreaterThanOrEqual(sentAtOnce);
      expect(watch.take(watched.port)).toEqual([]);
      expect(watch.take(other.port)).toEqual([]);
    } finally {
      watch.stop();
    }
  });

  it('records nothing once stopped', async () => {
    const { server, port } = await startServer();
    servers.push(server);
    const watch = watchServedAcks([port]);
    watch.stop();
    await get(port, '/held', 1);
    expect(watch.take(port)).toEqual([]);
  });
});

describe('splitting acks', () => {
  it('matches sent requests to served acks by tag, in the order sent, and leaves out the unmatched', () => {
    const sent = [{ id: 7, sent: 100 }, { id: 8, sent: 101 }, { id: 9, sent: 102 }];
    const served = [
      { id: '8', read: 101.5, written: 104 },
      { id: '7', read: 100.25, written: 101 },
      { id: undefined, read: 0, written: 1 },
    ];
    expect(splitAcks(sent, served)).toEqual({ toWritten: [1, 3], inApp: [0.75, 2.5] });
  });
});
