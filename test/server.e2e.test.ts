import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/backends/classic/simulator.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { startSlackApiServer, type SlackApiServer } from './helpers/slack-api-server.ts';
import { actionBody, buttonPayload, commandBody, postSigned } from './helpers/slack-requests.ts';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { waitFor } from './helpers/wait-for.ts';
import { trickle } from './helpers/slow-client.ts';
import { REQUEST_BOUNDS } from '../src/http/request-bounds.ts';

const BOT_TOKEN = 'xoxb-1000000001-2000000002-ServerTestBotTokenAbc';
const SIGNING_SECRET = 'server-test-signing-secret-0a1b2c3d4e';
const ALICE = { id: 'U0ALICE001', username: 'alice' };
const CHANNEL = 'C0PINS0001';

describe('pinbot as a server (Slack over HTTP), as a spawned process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  /** The simulator, the Slack API stub and a pinbot process that may still be starting. */
  async function spawnAll(options: { hfLatencyMs?: number; env?: Record<string, string> } = {}): Promise<{ sim: Simulator; slack: SlackApiServer; pinbot: RunningPinbot }> {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    if (options.hfLatencyMs !== undefined) sim.setLatency(options.hfLatencyMs);
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const pinbot = spawnPinbot([], {
      HF_TOKEN: TOKEN, HF_API_URL: sim.url, PORT: '0', LOG_LEVEL: 'debug',
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl, ...options.env,
    });
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill('SIGKILL');
      await pinbot.exited();
    });
    return { sim, slack, pinbot };
  }

  async function startAll(env?: Record<string, string>): Promise<{ sim: Simulator; slack: SlackApiServer; pinbot: RunningPinbot; base: string }> {
    const { sim, slack, pinbot } = await spawnAll(env !== undefined ? { env } : {});
    await pinbot.waitForOutput('"msg":"pinbot ready"', 20_000);
    const ready = pinbot.stdout().split('\n').find((line) => line.includes('"msg":"pinbot ready"')) ?? '';
    const port = (JSON.parse(ready) as { port: number }).port;
    return { sim, slack, pinbot, base: `http://127.0.0.1:${port}` };
  }

  /** No secret in any log line; nothing sent to Slack carries the HF token or the signing secret. */
  function expectNoSecrets(pinbot: RunningPinbot, slack: SlackApiServer) {
    const logs = `${pinbot.stdout()}\n${pinbot.stderr()}`;
    expect(logs.split('\n').length).toBeGreaterThan(3);
    for (const secret of [TOKEN, BOT_TOKEN, SIGNING_SECRET]) expect(logs).not.toContain(secret);
    const sentToSlack = slack.bodies.map((b) => b.raw).join('\n');
    for (const secret of [TOKEN, SIGNING_SECRET]) expect(sentToSlack).not.toContain(secret);
  }

  it('answers /healthz, /readyz and /metrics, and the counters move with commands', async () => {
    const { slack, pinbot, base } = await startAll();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { store: true, slack: true } });

    const responseUrl = slack.responseUrl('commands');
    const ack = await postSigned(`${base}/slack/events`, SIGNING_SECRET, commandBody({ text: 'list', user: ALICE, channelId: CHANNEL, responseUrl }));
    expect(ack.status).toBe(200);
    await waitFor(() => slack.responsesTo(responseUrl).length === 1, 10_000, 'the list answer');
    expect(JSON.stringify(slack.responsesTo(responseUrl)[0]?.body)).toContain('gpt2');

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('pinbot_commands_total{verb="list",outcome="ok"} 1');
    expect(metrics).toMatch(/pinbot_hf_request_seconds_count\{endpoint="pinned_models",method="GET",status="200"\} [1-9]/);
    expectNoSecrets(pinbot, slack);
  });

  it('serves /metrics only on METRICS_PORT, by a listener of its own, while /healthz and /readyz stay on PORT; stops it on SIGTERM', async () => {
    const { slack, pinbot, base } = await startAll({ METRICS_PORT: '0' });
    const line = pinbot.stdout().split('\n').find((l) => l.includes('"msg":"serving /metrics on its own port"')) ?? '';
    const metricsBase = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
    expect(metricsBase).not.toBe(base);

    const responseUrl = slack.responseUrl('commands');
    await postSigned(`${base}/slack/events`, SIGNING_SECRET, commandBody({ text: 'list', user: ALICE, channelId: CHANNEL, responseUrl }));
    await waitFor(() => slack.responsesTo(responseUrl).length === 1, 10_000, 'the list answer');

    const metrics = await fetch(`${metricsBase}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('pinbot_commands_total{verb="list",outcome="ok"} 1');
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${metricsBase}/healthz`)).status).toBe(404);

    pinbot.process.kill('SIGTERM');
    expect(await pinbot.exited()).toBe(0);
    await expect(fetch(`${metricsBase}/metrics`)).rejects.toThrow();
    expectNoSecrets(pinbot, slack);
  });

  it('finishes an apply in flight when SIGTERM arrives, then exits 0', async () => {
    const { sim, slack, pinbot, base } = await startAll();
    const post = (body: string) => postSigned(`${base}/slack/events`, SIGNING_SECRET, body);
    await post(commandBody({ text: 'add bigscience/bloom gpu', user: ALICE, channelId: CHANNEL, responseUrl: slack.responseUrl('commands') }));
    await waitFor(() => slack.callsTo('chat.postMessage').length === 1, 10_000, 'the card');
    const card = slack.callsTo('chat.postMessage')[0];
    const blocks = JSON.parse(card?.params['blocks'] ?? '[]') as { elements?: { action_id?: string; value?: string }[] }[];
    const approve = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'pinbot_approve');
    expect(approve?.value).toBeTruthy();

    sim.setLatency(1500);
    const requestsBefore = sim.requestLog.length;
    await post(actionBody(buttonPayload({
      actionId: 'pinbot_approve', value: approve?.value ?? '', user: ALICE, channelId: CHANNEL,
      messageTs: card?.result['ts'] as string, responseUrl: slack.responseUrl('actions'),
    })));
    await waitFor(() => sim.requestLog.length > requestsBefore, 10_000, 'the apply to reach Hugging Face');
    pinbot.process.kill('SIGTERM');

    expect(await pinbot.exited()).toBe(0);
    const writes = sim.requestLog.filter((e) => e.source === 'client' && e.method === 'POST');
    expect(writes).toHaveLength(1);
    expect(writes[0]?.status).toBe(200);
    expect(sim.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'bigscience/bloom']);
    expect(slack.callsTo('chat.update').some((call) => (call.params['text'] ?? '').includes('Applied'))).toBe(true);
    expect(pinbot.stdout()).toContain('"msg":"stopped"');
    expectNoSecrets(pinbot, slack);
  }, 40_000);

  it('stops cleanly, exit code 0, when SIGTERM arrives while it is still starting', async () => {
    // Start-up reads the pinned list to check the token; held there, the process is mid-start.
    const { sim, pinbot } = await spawnAll({ hfLatencyMs: 1000 });
    await waitFor(() => sim.requestLog.some((entry) => entry.method === 'GET' && entry.status === 0), 20_000, 'the start-up token check');
    expect(pinbot.stdout()).not.toContain('"msg":"pinbot ready"');
    pinbot.process.kill('SIGTERM');

    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout()).toContain('"signal":"SIGTERM","msg":"shutting down"');
    expect(pinbot.stdout()).toContain('"msg":"stopped"');
  }, 40_000);

  it('answers a signed `payload=null` with 400, nothing else happening, and keeps serving', async () => {
    const { slack, pinbot, base } = await startAll();
    // Bolt 5.1 alone reads `null.ssl_check` in a promise nobody awaits: no answer, an unhandled rejection.
    const refused = await postSigned(`${base}/slack/events`, SIGNING_SECRET, 'payload=null');
    expect(refused.status).toBe(400);

    const responseUrl = slack.responseUrl('commands');
    const ack = await postSigned(`${base}/slack/events`, SIGNING_SECRET, commandBody({ text: 'list', user: ALICE, channelId: CHANNEL, responseUrl }));
    expect(ack.status).toBe(200);
    await waitFor(() => slack.responsesTo(responseUrl).length === 1, 10_000, 'the list answer');
    expect(pinbot.process.exitCode).toBeNull();
    expect(pinbot.stdout()).not.toContain('unhandled rejection');
    expect(slack.calls.filter((call) => call.method !== 'auth.test')).toEqual([]);
    expectNoSecrets(pinbot, slack);
  });

  it('closes a connection whose headers trickle in once its 10 s bound is past, not after node\'s 60 s', async () => {
    const { base } = await startAll();
    const { port } = new URL(base);
    const slow = trickle(Number(port), 'POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1\r\n', `x-slow: ${'a'.repeat(1000)}\r\n\r\n`, { everyMs: 100, boundMs: 13_000 });
    const heldMs = await slow.closed;
    expect(heldMs).toBeGreaterThanOrEqual(REQUEST_BOUNDS.headersMs - 100);
    expect(heldMs).toBeLessThan(REQUEST_BOUNDS.headersMs + REQUEST_BOUNDS.checkEveryMs + 1500);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);
});
