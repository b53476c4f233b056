import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { webClientOptions } from '../../../src/adapters/slack/app.ts';
import { createSlackFetch, type SlackFetch } from '../../../src/adapters/slack/slack-fetch.ts';
import { SecretScrubber } from '../../../src/secrets.ts';
import { startSlackApiServer } from '../../helpers/slack-api-server.ts';

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A loopback HTTP server that records requests and counts TCP connections. */
async function startRecorder(answer: (request: Received) => { status: number; headers?: Record<string, string | string[]>; body?: string }) {
  const received: Received[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const { status, headers = {}, body } = answer(request);
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the fetch given to Bolt and the Web API client', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });
  const open = (): SlackFetch => {
    const slackFetch = createSlackFetch();
    closers.push(() => slackFetch.close());
    return slackFetch;
  };
  const recorder = async (answer: Parameters<typeof startRecorder>[0]) => {
    const server = await startRecorder(answer);
    closers.push(() => server.close());
    return server;
  };

  it('sends the method, headers and string body, and returns status, headers and body', async () => {
    const server = await recorder(() => ({ status: 200, headers: { 'content-type': 'application/json', 'x-slack-req-id': 'abc', 'set-cookie': ['a=1', 'b=2'] }, body: '{"ok":true}' }));
    const { fetch: slackFetch } = open();

    const response = await slackFetch(`${server.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-test' },
      body: 'channel=C1&text=hi',
    });

    expect(server.received).toEqual([expect.objectContaining({ method: 'POST', url: '/api/chat.postMessage', body: 'channel=C1&text=hi' })]);
    expect(server.received[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.received[0]?.headers['authorization']).toBe('Bearer xoxb-test');
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-slack-req-id')).toBe('abc');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('reports failures by status, and answers without a body as such', async () => {
    const server = await recorder((request) => (request.url === '/gone' ? { status: 404, body: 'no_such_url' } : { status: 204 }));
    const { fetch: slackFetch } = open();

    const missing = await slackFetch(`${server.url}/gone`, { method: 'POST', body: '{}' });
    expect(missing.ok).toBe(false);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('no_such_url');

    const empty = await slackFetch(`${server.url}/empty`, { method: 'POST', body: '{}' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('keeps a bounded set of connections to one origin, however many calls are in flight', async () => {
    const server = await recorder(() => ({ status: 200, body: 'ok' }));
    const { fetch: slackFetch } = open();

    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) =>
      slackFetch(`${server.url}/response/r${i}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: `answer ${i}` }) })));
    for (let i = 0; i < 20; i++) await slackFetch(`${server.url}/response/s${i}`, { method: 'POST', body: '{}' });

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(server.received).toHaveLength(80);
    expect(server.connections()).toBeGreaterThan(1);
    expect(server.connections()).toBeLessThanOrEqual(16);
  });

  it('hands bodies it does not send itself to the global fetch', async () => {
    const server = await recorder(() => ({ status: 200, body: 'ok' }));
    const { fetch: slackFetch } = open();

    const response = await slackFetch(`${server.url}/api/files.upload`, { method: 'POST', body: new URLSearchParams({ channel: 'C1' }) });

    expect(response.status).toBe(200);
    expect(server.received[0]?.body).toBe('channel=C1');
    expect(server.received[0]?.headers['content-type']).toContain('application/x-www-form-urlencoded');
  });

  it('stops when the caller’s signal aborts', async () => {
    const server = await recorder(() => ({ status: 200, body: 'late' }));
    const { fetch: slackFetch } = open();

    await expect(slackFetch(`${server.url}/api/auth.test`, { method: 'POST', body: '', signal: AbortSignal.abort() })).rejects.toThrow();
    expect(server.received).toHaveLength(0);
  });
});

describe('what goes to Slack through that fetch', () => {
  const BOT_TOKEN = 'xoxb-1000000001-2000000002-FetchScrubBotToken';
  /** Characters a form or JSON encoding changes: the scrub must still find the secret. */
  const ODD_SECRET = 'odd "secret" & +/= value\\';
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  it('carries no configured secret in a Web API form post or a response_url answer; the token still authorizes', async () => {
    const slack = await startSlackApiServer();
    closers.push(() => slack.close());
    const scrubber = new SecretScrubber([BOT_TOKEN, ODD_SECRET]);
    const slackFetch = createSlackFetch(scrubber.scrubText);
    closers.push(() => slackFetch.close());
    const client = new webApi.WebClient(BOT_TOKEN, webClientOptions(slack.apiUrl, slackFetch.fetch));
    const quoting = `Hugging Face said: "${ODD_SECRET} ${BOT_TOKEN}"`;

    await client.chat.postMessage({ channel: 'C0PINS0001', text: quoting, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: quoting } }] });
    const responseUrl = slack.responseUrl('commands');
    await slackFetch.fetch(responseUrl, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: quoting, blocks: [{ type: 'section', text: quoting }] }),
    });

    const [post] = slack.callsTo('chat.postMessage');
    expect(post?.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(post?.params['text']).toBe('Hugging Face said: "[redacted] [redacted]"');
    expect(JSON.parse(post?.params['blocks'] ?? '[]')).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'Hugging Face said: "[redacted] [redacted]"' } }]);
    expect(slack.responsesTo(responseUrl)[0]?.body).toEqual({
      text: 'Hugging Face said: "[redacted] [redacted]"', blocks: [{ type: 'section', text: 'Hugging Face said: "[redacted] [redacted]"' }],
    });
    const sent = [...slack.bodies.map((b) => b.raw), ...slack.calls.map((c) => JSON.stringify(c.params))].join('\n');
    for (const secret of [BOT_TOKEN, ODD_SECRET, JSON.stringify(ODD_SECRET).slice(1, -1), encodeURIComponent(ODD_SECRET)]) expect(sent).not.toContain(secret);
  });
});
