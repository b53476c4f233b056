import { afterEach, describe, expect, it } from 'vitest';
import { startSlack } from '../../../src/adapters/slack/app.ts';
import { usePinbotHarness } from '../../helpers/pinbot-harness.ts';
import { startSlackApiServer, type SlackApiServer } from '../../helpers/slack-api-server.ts';
import { waitFor } from '../../helpers/wait-for.ts';
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
    // The keep-alive connection auth.test used is closed with the failed start, not left for 30 s.
    await waitFor(async () => (await slackApi?.openConnections()) === 0, 2000, 'the auth.test connection to close');
  });

  it('closes its connections to Slack when it stops', async () => {
    const pinbot = await startPinbot();
    slackApi = await startSlackApiServer();
    const slack = await startSlack({
      service: pinbot.service, scopeFor, port: 0, host: '127.0.0.1', logger: pinbot.logger,
      config: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: slackApi.apiUrl },
    });
    expect(slackApi.callsTo('auth.test')).toHaveLength(1);
    expect(await slackApi.openConnections()).toBe(1);

    await slack.stop();

    await waitFor(async () => (await slackApi?.openConnections()) === 0, 2000, 'the connections to Slack to close');
  });

  it('refuses HTTP mode without a signing secret', async () => {
    const pinbot = await startPinbot();

    await expect(startSlack({ service: pinbot.service, scopeFor, port: 0, logger: pinbot.logger, config: { botToken: BOT_TOKEN } }))
      .rejects.toThrow('SLACK_SIGNING_SECRET');
  });
});
