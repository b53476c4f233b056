import { afterEach, describe, expect, it } from 'vitest';
import { startOpsServer } from '../../src/http/ops-routes.ts';
import { REQUEST_BOUNDS } from '../../src/http/request-bounds.ts';
import { trickle } from '../helpers/slow-client.ts';

describe('the health and metrics server', () => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('bounds a request as Slack\'s port does: 10 s for headers and for the whole request', () => {
    expect(REQUEST_BOUNDS).toEqual({ headersMs: 10_000, requestMs: 10_000, checkEveryMs: 1_000 });
  });

  it('closes a connection whose headers trickle in, within the bound, and keeps answering', async () => {
    const healthz = { path: '/healthz', handler: (_req: unknown, res: { writeHead(status: number): void; end(text: string): void }) => {
      res.writeHead(200);
      res.end('ok');
    } };
    const server = await startOpsServer([healthz], 0, '127.0.0.1', { headersMs: 300, requestMs: 300, checkEveryMs: 100 });
    closing.push(server.close);

    const slow = trickle(server.port, 'GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n', `x-slow: ${'a'.repeat(1000)}\r\n\r\n`, { everyMs: 50, boundMs: 5_000 });

    expect(await slow.closed).toBeLessThan(5_000);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
    const answer = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(await answer.text()).toBe('ok');
  });
});
