import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/backends/classic/simulator.ts';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.ts';
import { commandBody, postSigned } from '../helpers/slack-requests.ts';
import { spawnPinbot, type RunningPinbot } from '../helpers/spawn-pinbot.ts';
import { testTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const RESEARCH_TOKEN = 'hf_SecretsResearchTokenAaaaaaaaaaaaaaaaaa';
/** Under a variable whose name says nothing of Hugging Face. */
const PROD_TOKEN = 'hf_SecretsProdKeyTokenBbbbbbbbbbbbbbbbbbbb';
const BOT_TOKEN = 'xoxb-1000000001-2000000002-SecretsTestBotToken';
const SIGNING_SECRET = 'secrets-test-signing-secret-5a4b3c2d1e';
const SECRETS = [RESEARCH_TOKEN, PROD_TOKEN, BOT_TOKEN, SIGNING_SECRET];
const ALICE = { id: 'U0ALICE001', username: 'alice' };
const RESEARCH_CHANNEL = 'C0RESEARCH';

const CONFIG = `
scopes:
  - name: research
    token_env: HF_TOKEN_RESEARCH
    slack_channels: [${RESEARCH_CHANNEL}]
  - name: production
    token_env: PROD_KEY
    slack_channels: [C0PROD0001]
`;

/** An upstream (or a proxy in front of it) that quotes credentials back in its error text. */
const ECHOING_ERROR = {
  error: `Request rejected: key ${PROD_TOKEN} and ${RESEARCH_TOKEN} seen; slack ${BOT_TOKEN}; signing "${SIGNING_SECRET}"`,
};

describe('no configured secret reaches a chat message or a log line, even when Hugging Face echoes it', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  /** Two scopes, one of them under `token_env: PROD_KEY`, served on Slack by a pinbot process. */
  async function spawnAll(arm?: (sim: Simulator) => void): Promise<{ sim: Simulator; slack: SlackApiServer; pinbot: RunningPinbot }> {
    const sim = await startSimulator({
      loadDelayMs: 10,
      accounts: {
        [RESEARCH_TOKEN]: { allowed: 5, pins: [{ model_id: 'research/base', compute_type: 'cpu' }] },
        [PROD_TOKEN]: { allowed: 5, pins: [{ model_id: 'prod/serving', compute_type: 'gpu' }] },
      },
    });
    cleanups.push(() => sim.close());
    arm?.(sim);
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const configFile = join(testTempDir('pinbot-secrets-'), 'pinbot.yml');
    writeFileSync(configFile, CONFIG);
    const pinbot = spawnPinbot([], {
      PINBOT_CONFIG: configFile, HF_API_URL: sim.url, HF_TOKEN_RESEARCH: RESEARCH_TOKEN, PROD_KEY: PROD_TOKEN, PORT: '0', LOG_LEVEL: 'debug',
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl,
    });
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill('SIGKILL');
      await pinbot.exited();
    });
    await pinbot.waitForOutput('"msg":"pinbot ready"', 20_000);
    return { sim, slack, pinbot };
  }

  function portOf(pinbot: RunningPinbot): number {
    const ready = pinbot.stdout().split('\n').find((line) => line.includes('"msg":"pinbot ready"')) ?? '';
    return (JSON.parse(ready) as { port: number }).port;
  }

  function expectCleanLogs(pinbot: RunningPinbot): void {
    const logs = `${pinbot.stdout()}\n${pinbot.stderr()}`;
    for (const secret of SECRETS) expect(logs).not.toContain(secret);
  }

  it('at start-up: a 403 whose body carries another scope\'s token is logged by scope name, the token scrubbed', async () => {
    const { pinbot } = await spawnAll((sim) => sim.failNext(2, 403, ECHOING_ERROR));

    const problems = pinbot.stdout().split('\n').filter((line) => line.includes('could not read the pinned list'));
    expect(problems).toHaveLength(2);
    expect(problems.join('\n')).toContain('Request rejected: key [redacted] and [redacted] seen');
    expectCleanLogs(pinbot);
  }, 40_000);

  it('on Slack: an error body quoting every secret is shown to the user with each one scrubbed, and logged clean', async () => {
    const { sim, slack, pinbot } = await spawnAll();
    sim.failNext(1, 400, ECHOING_ERROR);

    const responseUrl = slack.responseUrl('commands');
    const ack = await postSigned(`http://127.0.0.1:${portOf(pinbot)}/slack/events`, SIGNING_SECRET,
      commandBody({ text: 'list', user: ALICE, channelId: RESEARCH_CHANNEL, responseUrl }));
    expect(ack.status).toBe(200);
    await waitFor(() => slack.responsesTo(responseUrl).length === 1, 10_000, 'the answer to list');

    const answer = JSON.stringify(slack.responsesTo(responseUrl)[0]?.body);
    expect(answer).toContain('Request rejected: key [redacted] and [redacted] seen; slack [redacted]; signing');
    // auth.test is the one call that carries the bot token in its body, as the credential it checks.
    const messages = slack.calls.filter((c) => c.method !== 'auth.test').map((c) => JSON.stringify(c.params));
    const sentToSlack = [...slack.bodies.filter((b) => b.path !== '/api/auth.test').map((b) => b.raw), ...messages, answer].join('\n');
    for (const secret of SECRETS) expect(sentToSlack).not.toContain(secret);
    expectCleanLogs(pinbot);
  }, 40_000);

  it('on the console: the same error body is printed with each secret scrubbed', async () => {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [RESEARCH_TOKEN]: { allowed: 5, pins: [] } } });
    cleanups.push(() => sim.close());
    sim.failNext(1, 400, ECHOING_ERROR);
    const configFile = join(testTempDir('pinbot-secrets-'), 'pinbot.yml');
    writeFileSync(configFile, CONFIG);
    // A command on the command line runs the console even when Slack is configured too.
    const pinbot = spawnPinbot(['--scope', 'research', 'list'], {
      PINBOT_CONFIG: configFile, HF_API_URL: sim.url, HF_TOKEN_RESEARCH: RESEARCH_TOKEN, PROD_KEY: PROD_TOKEN, LOG_LEVEL: 'debug',
      SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stdout()).toContain('Request rejected: key [redacted] and [redacted] seen');
    expectCleanLogs(pinbot);
  }, 40_000);
});
