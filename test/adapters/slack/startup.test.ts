import { afterEach, describe, expect, it } from 'vitest';
import { startSlack } from '../../../src/adapters/slack/app.ts';
import { usePinbotHarness } from '../../helpers/pinbot-harness.ts';
import { startSlackApiServer, type SlackApiServer } from '../../helpers/slack-api-server.ts';
import { BOT_TOKEN, scopeFor, SIGNING_SECRET } from './slack-harness.ts';

describe('Slack adapter start-up', () => {
  const startPinbot = usePinbotHarness();
  let slackApi: SlackApiServer | undefined;
  afterEach(async () => {
    await slackApi?.close();
    slackApi = undefined;
  });

  it('checks the bot token with auth.test and refuses to start when Slack rejects it, without printing it', async () => {
    const pinbot = await startPinbot();
    slackApi = await startSlackApiServer();
    slackApi.failNext('auth.test', 'invalid_auth');

    const failure = await startSlack({
      service: pinbot.service, scopeFor, port: 0, host: '127.0.0.1', logger: pinbot.logger,
      config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slackApi.apiUrl },
    }).then(() => undefined, (error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(String((failure as Error).message)).toContain('invalid_auth');
    expect(String((failure as Error).message)).not.toContain(BOT_TOKEN);
    expect(slackApi.callsTo('auth.test')).toHaveLength(1);
    expect(JSON.stringify(pinbot.logLines)).not.toContain(BOT_TOKEN);
  });

  it('refuses HTTP mode without a signing secret', async () => {
    const pinbot = await startPinbot();

    await expect(startSlack({ service: pinbot.service, scopeFor, port: 0, logger: pinbot.logger, config: { botToken: BOT_TOKEN } }))
      .rejects.toThrow('SLACK_SIGNING_SECRET');
  });
});
