import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { webClientOptions } from '../../../src/adapters/slack/app.ts';
import { createSlackFetch } from '../../../src/adapters/slack/slack-fetch.ts';
import { sendUsageChart } from '../../../src/adapters/slack/usage-chart.ts';
import { USAGE_CHART_SIZE } from '../../../src/charts/usage-chart.ts';
import { SANDBOX_MARKER } from '../../../src/core/domain/ui.ts';
import type { UsageReport } from '../../../src/core/domain/usage.ts';
import { captureLogger } from '../../helpers/hf-harness.ts';
import { readPng } from '../../helpers/png.ts';
import { startSlackApiServer, type SlackApiServer } from '../../helpers/slack-api-server.ts';
import { commandBody, postSigned } from '../../helpers/slack-requests.ts';
import { dailyLoad, handBuiltReport } from '../../helpers/usage-reports.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { ALICE, BOT_TOKEN, BOUND_CHANNEL, readableText, SIGNING_SECRET } from './slack-harness.ts';

const WAIT_MS = 10_000;

interface ChartWorld {
  readonly slackApi: SlackApiServer;
  readonly logLines: ReturnType<typeof captureLogger>['lines'];
  /** Sends `/pins usage` as Alice; resolves once the listener has sent the chart. */
  askForUsage(): Promise<{ responseUrl: string }>;
}

/**
 * A real Bolt app (HTTP mode, pinbot's own Web API client options and fetch) whose `/pins`
 * listener acknowledges and hands `report` to the adapter's chart entry point, as the `usage`
 * command's answer will, against the fake Slack.
 */
function useChartApp() {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  return async function start(report: UsageReport, marker = SANDBOX_MARKER): Promise<ChartWorld> {
    const slackApi = await startSlackApiServer();
    closers.push(() => slackApi.close());
    const slackFetch = createSlackFetch();
    closers.push(() => slackFetch.close());
    const logger = captureLogger();
    let handled = 0;
    const app = new App({
      token: BOT_TOKEN,
      signingSecret: SIGNING_SECRET,
      clientOptions: webClientOptions(slackApi.apiUrl, slackFetch.fetch),
      tokenVerificationEnabled: false,
      botId: 'BBOT',
      botUserId: 'UBOT',
      logLevel: LogLevel.ERROR,
    });
    app.command('/pins', async ({ ack, body, client, respond }) => {
      await ack();
      await sendUsageChart({ client, respond, userId: body.user_id, marker, logger }, report);
      handled += 1;
    });
    const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
    closers.push(async () => {
      await app.stop();
    });
    const eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

    return {
      slackApi,
      logLines: logger.lines,
      async askForUsage() {
        const before = handled;
        const responseUrl = slackApi.responseUrl('commands');
        const answer = await postSigned(eventsUrl, SIGNING_SECRET, commandBody({ text: 'usage', user: ALICE, channelId: BOUND_CHANNEL, responseUrl }));
        expect(answer.status).toBe(200);
        await waitFor(() => handled > before, WAIT_MS, 'the listener to send the chart');
        return { responseUrl };
      },
    };
  };
}

describe('Slack: a usage report’s chart reaches the asker as a PNG file', () => {
  const start = useChartApp();

  it('uploads the chart through getUploadURLExternal, the upload URL and completeUploadExternal, into the asker’s direct messages', async () => {
    const report = handBuiltReport({ period: '24h', entries: ['gpt2', 'BAAI/bge-small-en-v1.5'], load: dailyLoad, ready: { 0: [[0, 12]] }, simulated: true });
    const world = await start(report);

    await world.askForUsage();

    const methods = world.slackApi.calls.map((call) => call.method);
    expect(methods).toEqual(['conversations.open', 'files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(world.slackApi.callsTo('conversations.open')[0]?.params.users).toBe(ALICE.id);
    const [upload] = world.slackApi.uploads;
    expect(world.slackApi.uploads).toHaveLength(1);
    const bytes = upload?.bytes ?? Buffer.alloc(0);
    expect(readPng(bytes)).toMatchObject(USAGE_CHART_SIZE);
    expect(bytes.length).toBe(upload?.length);
    expect(bytes.length).toBeGreaterThan(15_000);
    expect(bytes.length).toBeLessThan(600_000);
    expect(upload?.filename).toBe('usage-default-24h.png');
    expect(upload?.altText).toBe('Requests per hour (simulated), scope default, last 24 hours');
    expect(upload?.completed?.channelId).toBe(`D${ALICE.id.slice(1)}`);
    expect(upload?.completed?.title).toBe(upload?.altText);
    expect(upload?.completed?.initialComment).toContain('SANDBOX');
    expect(upload?.completed?.initialComment).toContain('`default`');
  });

  it('tells the asker privately, in the channel, that the chart is in their direct messages', async () => {
    const world = await start(handBuiltReport({ period: '7d', entries: ['gpt2'], load: dailyLoad }));

    const { responseUrl } = await world.askForUsage();

    const [note] = world.slackApi.responsesTo(responseUrl);
    expect(world.slackApi.responsesTo(responseUrl)).toHaveLength(1);
    expect(note?.body.response_type).toBe('ephemeral');
    expect(readableText(note ?? { path: '', body: {} })).toContain('The chart is in your direct messages with pinbot');
    expect(world.slackApi.callsTo('chat.postMessage')).toEqual([]);
  });

  it('sends the chart of a period with no requests, whose title says so', async () => {
    const world = await start(handBuiltReport({ period: '24h', entries: ['gpt2'] }));

    await world.askForUsage();

    const [upload] = world.slackApi.uploads;
    expect(readPng(upload?.bytes ?? Buffer.alloc(0))).toMatchObject(USAGE_CHART_SIZE);
    expect(upload?.altText).toBe('Requests per hour, scope default, last 24 hours — no requests');
  });

  it('tells the asker what to do, privately, when the app was installed without the scopes the upload needs', async () => {
    const world = await start(handBuiltReport({ period: '24h', entries: ['gpt2'], load: dailyLoad }));
    world.slackApi.failNext('conversations.open', 'missing_scope');

    const { responseUrl } = await world.askForUsage();

    expect(world.slackApi.uploads).toEqual([]);
    const [answer] = world.slackApi.responsesTo(responseUrl);
    expect(answer?.body.response_type).toBe('ephemeral');
    const said = readableText(answer ?? { path: '', body: {} });
    expect(said).toContain('could not be sent');
    expect(said).toContain('files:write');
    expect(world.logLines.some((line) => line.level === 'warn' && line.message === 'usage chart could not be sent')).toBe(true);
  });

  it('sends nothing when there is no usage to draw', async () => {
    const world = await start({ kind: 'unavailable', scope: 'default', reason: 'This backend keeps no request counts.' });

    const { responseUrl } = await world.askForUsage();

    expect(world.slackApi.calls).toEqual([]);
    expect(world.slackApi.responsesTo(responseUrl)).toEqual([]);
  });
});
