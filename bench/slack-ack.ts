// Slack ack latency: signed `/pins list` and `/pins add` against pinbot's real Bolt app, and the
// same requests against a bare Bolt app that only acks, taking turns (ack-rounds.ts), in one
// process. Slack itself (sender and Web API) runs on worker threads (slack-peer.ts).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { App, LogLevel } from '@slack/bolt';
import { startSlack } from '../src/adapters/slack/app.ts';
import { listFromEnv, loadLevels, measureAcks, type Level, type Who } from './ack-rounds.ts';
import { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, startPinbotUnderTest } from './pinbot-under-test.ts';
import type { PartResult } from './results.ts';
import type { Shape, SlackPeerHandlers } from './slack-peer.ts';
import { startWorker } from './worker-rpc.ts';

export async function benchSlackAck(log: (line: string) => void): Promise<PartResult> {
  const api = startWorker<SlackPeerHandlers>(new URL('./slack-peer.ts', import.meta.url));
  const sender = startWorker<SlackPeerHandlers>(new URL('./slack-peer.ts', import.meta.url));
  const answers = new MessageChannel();
  const slackApi = await api.call('serveApi', answers.port1, [answers.port1]);
  await sender.call('startSender', { answers: answers.port2, url: slackApi.url }, [answers.port2]);
  const under = await startPinbotUnderTest();
  const slack = await startSlack({
    service: under.pinbot.service,
    scopeFor: under.pinbot.scopeFor,
    config: { botToken: SLACK_BOT_TOKEN, signingSecret: SLACK_SIGNING_SECRET, apiUrl: slackApi.apiUrl },
    port: 0,
    host: '127.0.0.1',
    logger: under.logger,
  });
  const bare = new App({
    token: SLACK_BOT_TOKEN,
    signingSecret: SLACK_SIGNING_SECRET,
    clientOptions: { slackApiUrl: slackApi.apiUrl },
    tokenVerificationEnabled: false,
    botId: 'BBOT',
    botUserId: 'UBOT',
    logLevel: LogLevel.ERROR,
  });
  bare.command('/pins', async ({ ack }) => {
    await ack();
  });
  const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as Server;
  const ports: Record<Who, number> = { pinbot: slack.port, baseline: (bareServer.address() as AddressInfo).port };

  const shapes = listFromEnv<Shape>('BENCH_SLACK_SHAPES', ['list', 'add'], (shape) => shape);
  const benches = (levels: readonly Level[]) => levels.flatMap((level) => shapes.map((shape) => ({
    label: `slack ${shape} ${level.label}`,
    level,
    send: async (who: Who) => {
      const burst = await sender.call('burst', { port: ports[who], secret: SLACK_SIGNING_SECRET, shape, count: level.count, follows: who === 'pinbot', thinkMs: level.thinkMs });
      // Acks per second are a target at N = 200 only.
      return level.count === 200 ? burst : { ack: burst.ack, answer: burst.answer };
    },
  })));
  const levels = loadLevels({ singles: 15, n50: 40, n200: 15 });
  try {
    return { acks: await measureAcks(benches(levels), benches(listFromEnv('BENCH_SLACK_LEVELS', levels, (level) => String(level.count))), log) };
  } finally {
    await slack.stop();
    await bare.stop();
    await under.close();
    for (const worker of [sender, api]) {
      await worker.call('close', null);
      await worker.close();
    }
  }
}
