// Slack ack latency: signed `/pins list` and `/pins add` against pinbot's real Bolt app, and the
// same requests against a bare Bolt app that only acks, taking turns (levels.ts), in one process.
// Slack itself (sender and Web API) runs in worker threads: see worker-rpc.ts.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { App, LogLevel } from '@slack/bolt';
import { startSlack } from '../src/adapters/slack/app.ts';
import { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, startPinbotUnderTest } from './pinbot-under-test.ts';
import type { SlackApiSideHandlers } from './slack-api-side.ts';
import type { Shape, SlackSideHandlers } from './slack-side.ts';
import { alternateRound, listFromEnv, loadLevels, measureLevel, type Level } from './levels.ts';
import { ackStats, percentile, round, ratioInterval, ratioIntervalRow, RoundSamples, row, throughputStats, type Row } from './stats.ts';
import { startWorker } from './worker-rpc.ts';

type Who = 'pinbot' | 'baseline';

export interface BenchResult {
  readonly rows: Row[];
  readonly detail: Record<string, unknown>;
}

const ALL_LEVELS = loadLevels({ singles: 15, n50: 40, n200: 15 });
/** BENCH_SLACK_LEVELS=1,200 and BENCH_SLACK_SHAPES=list narrow the run. */
const LEVELS = listFromEnv('BENCH_SLACK_LEVELS', ALL_LEVELS, (level) => String(level.count));
const SHAPES = listFromEnv('BENCH_SLACK_SHAPES', ['list', 'add'] as const, (shape) => shape);
/** JIT, connection pools and SQLite pages warm on both apps before anything is kept. */
const WARM_UP_PASSES = 3;

export async function benchSlackAck(log: (line: string) => void): Promise<BenchResult> {
  const api = startWorker<SlackApiSideHandlers>(new URL('./slack-api-side.ts', import.meta.url));
  const side = startWorker<SlackSideHandlers>(new URL('./slack-side.ts', import.meta.url));
  const answers = new MessageChannel();
  const slackApi = await api.call('start', { answers: answers.port1 }, [answers.port1]);
  await side.call('start', { answers: answers.port2, url: slackApi.url }, [answers.port2]);
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

  const empty = () => ({ ack: new RoundSamples(), done: [] as number[], throughput: [] as number[] });
  const results = new Map<string, ReturnType<typeof empty>>();
  const key = (who: Who, shape: Shape, level: Level) => `${who}/${shape}/${level.label}`;
  /** One round of `shape` at `level` for both apps; `keep` records it (not in the warm-up). */
  const run = (shape: Shape, level: Level, roundNo: number, keep: boolean) =>
    alternateRound(level, roundNo, ['pinbot', 'baseline'], async (who: Who) => {
      const into = (keep ? results.get(key(who, shape, level)) : undefined) ?? empty();
      if (keep) results.set(key(who, shape, level), into);
      const result = await side.call('burst', {
        port: ports[who], secret: SLACK_SIGNING_SECRET, shape, count: level.count, follows: who === 'pinbot', thinkMs: level.thinkMs,
      });
      into.ack.add(roundNo, result.ack);
      into.done.push(...result.done);
      into.throughput.push(result.throughput);
    });

  try {
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
      for (const shape of SHAPES) {
        for (const level of ALL_LEVELS) await run(shape, level, pass, false);
      }
    }
    for (const level of LEVELS) {
      for (const shape of SHAPES) {
        await measureLevel(level, (roundNo, keep) => run(shape, level, roundNo, keep));
        log(`  slack ${shape} ${level.label}: ${level.rounds} rounds each`);
      }
    }
  } finally {
    await slack.stop();
    await bare.stop();
    await under.close();
    await side.call('close', null);
    await side.close();
    await api.call('close', null);
    await api.close();
  }

  const rows: Row[] = [];
  const detail: Record<string, unknown> = {};
  for (const level of LEVELS) {
    for (const shape of SHAPES) {
      const p = results.get(key('pinbot', shape, level)) ?? empty();
      const b = results.get(key('baseline', shape, level)) ?? empty();
      const stats = {
        pinbot: ackStats(p.ack),
        baseline: ackStats(b.ack),
        answer: { p50: percentile(p.done, 50), p99: percentile(p.done, 99) },
        throughput: throughputStats(p.throughput, b.throughput),
      };
      const label = `slack ${shape} ${level.label}`;
      detail[label] = stats;
      const ratio50 = stats.pinbot.p50 / stats.baseline.p50;
      const ratio99 = stats.pinbot.p99 / stats.baseline.p99;
      rows.push(row(`${label}: ack p50`, stats.pinbot.p50, 'ms', { text: `bolt ${round(stats.baseline.p50)} ms` }));
      rows.push(row(`${label}: ack p99`, stats.pinbot.p99, 'ms', { text: `bolt ${round(stats.baseline.p99)} ms` }));
      rows.push(row(`${label}: ack ratio p50`, ratio50, '×', { text: '≤ 1.2', met: ratio50 <= 1.2 }));
      rows.push(row(`${label}: ack ratio p99`, ratio99, '×', { text: '≤ 1.2', met: ratio99 <= 1.2 }));
      rows.push(ratioIntervalRow(`${label}: ack ratio p99`, ratioInterval(stats.pinbot.rounds, stats.baseline.rounds, 99)));
      rows.push(row(`${label}: ack → ${shape === 'add' ? 'card' : 'answer'} at Slack p99`, stats.answer.p99, 'ms'));
      if (level.count === 200) {
        const ratio = stats.throughput.pinbot / stats.throughput.baseline;
        rows.push(row(`${label}: acks per second`, stats.throughput.pinbot, 'req/s', { text: `bolt ${round(stats.throughput.baseline, 0)} req/s` }));
        rows.push(row(`${label}: throughput ratio`, ratio, '×', { text: '≥ 0.85', met: ratio >= 0.85 }));
      }
    }
  }
  return { rows, detail };
}
