import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/backends/classic/simulator.ts';
import { APPLICATION_ID, startDiscordPeer } from './helpers/discord-peer.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { startSlackApiServer } from './helpers/slack-api-server.ts';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { waitFor } from './helpers/wait-for.ts';

const BOT_TOKEN = 'xoxb-1000000001-2000000002-StartupRetryBotToken';
const SIGNING_SECRET = 'startup-retry-signing-secret-9f8e7d6c';
const DISCORD_TOKEN = 'MTExMTExMTExMTExMTExMTEx.StartupRetry.DiscordBotTokenForTests';

/** A port nothing listens on (it was free a moment ago), for a platform API that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The JSON log lines a pinbot server wrote to stdout. */
function logLines(pinbot: RunningPinbot): { msg: string; [field: string]: unknown }[] {
  return pinbot.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string });
}

describe('start-up against a chat platform that cannot be reached, or refuses the token', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function simulator(): Promise<Simulator> {
    const sim = await startSimulator({ accounts: { [TOKEN]: { allowed: 5, pins: [] } } });
    cleanups.push(() => sim.close());
    return sim;
  }

  function run(env: Record<string, string>): RunningPinbot {
    const pinbot = spawnPinbot([], { PORT: '0', PINBOT_DRIFT_INTERVAL: 'off', ...env });
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null && pinbot.process.signalCode === null) pinbot.process.kill('SIGKILL');
      await pinbot.exited();
    });
    return pinbot;
  }

  it('Slack: retries with backoff, one sentence per attempt, serving /healthz and a not-ready /readyz with the reason, then starts on the same port', async () => {
    const sim = await simulator();
    const slackPort = await closedPort();
    const pinbot = run({
      HF_TOKEN: TOKEN, HF_API_URL: sim.url,
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
    });
    const retries = () => logLines(pinbot).filter((line) => line.msg.includes("Slack's Web API") && line.msg.includes('could not be reached'));

    await pinbot.waitForOutput('serving /healthz and /readyz while Slack cannot be reached');
    const waitingPort = logLines(pinbot).find((line) => line.msg.startsWith('serving /healthz'))?.['port'];
    const base = `http://127.0.0.1:${String(waitingPort)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    const readiness = await notReady.json() as { ready: boolean; checks: Record<string, boolean>; reasons: Record<string, string> };
    expect(readiness.ready).toBe(false);
    expect(readiness.checks['slack']).toBe(false);
    expect(readiness.reasons['slack']).toContain(`could not be reached (connect ECONNREFUSED 127.0.0.1:${slackPort})`);

    await waitFor(() => retries().length >= 2, 15_000, 'a second attempt');
    const [first, second] = retries();
    expect(first?.msg).toMatch(/^Slack's Web API at http:\/\/127\.0\.0\.1:\d+\/api\/ could not be reached \(connect ECONNREFUSED [\d.:]+\)\. Retrying in [\d.]+ s \(attempt 1 failed\)\.$/);
    expect(second?.['attempt']).toBe(2);
    expect(Number(second?.['retryInMs'])).toBeGreaterThan(Number(first?.['retryInMs']));
    // One sentence per attempt: the Web API client's own warnings stay out of the log.
    expect(logLines(pinbot).filter((line) => line.msg === 'slack sdk warning')).toEqual([]);

    const slack = await startSlackApiServer({ port: slackPort });
    cleanups.push(() => slack.close());
    await pinbot.waitForOutput('"msg":"pinbot ready"', 20_000);
    expect(logLines(pinbot).find((line) => line.msg === 'pinbot ready')?.['port']).toBe(waitingPort);
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toEqual({ ready: true, checks: { store: true, slack: true } });

    pinbot.process.kill('SIGTERM');
    expect(await pinbot.exited()).toBe(0);
    expect(`${pinbot.stdout()}${pinbot.stderr()}`).not.toContain(BOT_TOKEN);
  }, 40_000);

  it('Slack: a token Slack refuses (invalid_auth) is a configuration error: one sentence, exit 1, no retry', async () => {
    const sim = await simulator();
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    slack.failNext('auth.test', 'invalid_auth');
    const pinbot = run({ HF_TOKEN: TOKEN, HF_API_URL: sim.url, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toBe("pinbot can't start: Slack refused the bot token in SLACK_BOT_TOKEN (invalid_auth): set the app's Bot User OAuth Token (xoxb-…) of an installed app.\n");
    expect(slack.callsTo('auth.test')).toHaveLength(1);
    expect(`${pinbot.stdout()}${pinbot.stderr()}`).not.toContain(BOT_TOKEN);
  });

  it('Discord: retries while its API cannot be reached, /readyz says why, and SIGTERM stops the waiting with exit 0', async () => {
    const sim = await simulator();
    const discordPort = await closedPort();
    const pinbot = run({ HF_TOKEN: TOKEN, HF_API_URL: sim.url, DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: `http://127.0.0.1:${discordPort}/api` });
    const retries = () => logLines(pinbot).filter((line) => line.msg.startsWith("Discord's API at"));

    await waitFor(() => retries().length >= 2, 15_000, 'a second attempt');
    expect(retries()[0]?.msg).toMatch(/^Discord's API at http:\/\/127\.0\.0\.1:\d+\/api could not be reached \(.*ECONNREFUSED.*\)\. Retrying in [\d.]+ s \(attempt 1 failed\)\.$/);
    const port = logLines(pinbot).find((line) => line.msg === 'serving /healthz, /readyz and /metrics')?.['port'];
    expect(port).toBeDefined();
    const base = `http://127.0.0.1:${String(port)}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const readiness = await (await fetch(`${base}/readyz`)).json() as { ready: boolean; reasons: Record<string, string> };
    expect(readiness.ready).toBe(false);
    expect(readiness.reasons['discord']).toContain('could not be reached');

    pinbot.process.kill('SIGTERM');
    expect(await pinbot.exited()).toBe(0);
    expect(`${pinbot.stdout()}${pinbot.stderr()}`).not.toContain(DISCORD_TOKEN);
  }, 40_000);

  it('Discord: a token Discord refuses (401) is a configuration error: one sentence, exit 1', async () => {
    const sim = await simulator();
    const discord = await startDiscordPeer();
    cleanups.push(() => discord.close());
    discord.failNext((request) => request.path === '/gateway/bot', { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    const pinbot = run({ HF_TOKEN: TOKEN, HF_API_URL: sim.url, DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: discord.apiUrl });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toBe("pinbot can't start: Discord refused the bot token in DISCORD_TOKEN (401 Unauthorized): set the Bot token of the application in DISCORD_APPLICATION_ID.\n");
    expect(`${pinbot.stdout()}${pinbot.stderr()}`).not.toContain(DISCORD_TOKEN);
  });
});
