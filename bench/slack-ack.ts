// Slack ack latency: signed `/pins list` and `/pins add` against pinbot's real Bolt app, and the
// same requests against a bare Bolt app that only acks, taking turns (levels.ts), in one process.
// Slack itself (sender and Web API) runs in a worker thread: see worker-rpc.ts.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { App, LogLevel } from '@slack/bolt';
import { startSlack } from '../src/adapters/slack/app.ts';
import { SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, startPinbotUnderTest } from './pinbot-under-test.ts';
import type { SlackApiSideHandlers } from './slack-api-side.ts';
import type { Shape, SlackSideHandlers } from './slack-side.ts';
import { collectionRows, collectionsIn, watchCollections, type AckWindow } from './gc-windows.ts';
import { splitAcks, watchServedAcks } from './in-app-ack.ts';
import { alternateRound, listFromEnv, loadLevels, measureLevel, type Level } from './levels.ts';
import { ackStats, percentile, round, ratioInterval, ratioIntervalRow, roundRatioRow, RoundSamples, row, throughputStats, type Row } from './stats.ts';
import { startWorker } from './worker-rpc.ts';
import { RoundCpu, stealRow } from './vm-steal.ts';

type Who = 'pinbot' | 'baseline';

interface Samples {
  readonly ack: RoundSamples;
  /** Send → ack written to the socket, and the app's own part of it, head read → written (in-app-ack.ts). */
  readonly toWritten: RoundSamples;
  readonly inApp: RoundSamples;
  /** Each burst from its first send to its last ack, on this thread's clock. */
  readonly windows: AckWindow[];
  /** Ack → answer: the card for `add`, the `response_url` post for `list` (pinbot only). */
  readonly done: number[];
  /** Requests acked per second, one value per burst. */
  readonly throughput: number[];
}

/**
 * Bursts are cheap on Slack: more rounds at N = 50, where with 30 rounds four slow ones in one run
 * set pinbot's p99 (bench/README.md).
 */
const ALL_LEVELS = loadLevels({ singles: 20, contextSingles: 10, n50: 60, n200: 20 });
/** BENCH_SLACK_LEVELS=1,200 and BENCH_SLACK_SHAPES=list narrow the run, e.g. to profile one case. */
const LEVELS = listFromEnv('BENCH_SLACK_LEVELS', ALL_LEVELS, (level) => String(level.count));
const SHAPES = listFromEnv('BENCH_SLACK_SHAPES', ['list', 'add'] as const, (shape) => shape);
const WARM_UP_PASSES = 4;

type P99 = { readonly p99: number };

/**
 * Context rows for an N = 1 case: the p99 up to the ack's bytes written (as a remote Slack would get
 * them), and the app's own part of it, pinbot against bare Bolt.
 */
function ackSplitRows(label: string, toWritten: { pinbot: P99; baseline: P99 }, inApp: { pinbot: P99; baseline: P99 }): Row[] {
  const versus = (figures: { pinbot: P99; baseline: P99 }) =>
    `bolt ${round(figures.baseline.p99)} ms, ratio ${round(figures.pinbot.p99 / figures.baseline.p99)} (context)`;
  return [
    row(`${label}: send → ack written p99`, toWritten.pinbot.p99, 'ms', { text: versus(toWritten) }),
    row(`${label}: in-app p99, request read → ack written`, inApp.pinbot.p99, 'ms', { text: versus(inApp) }),
  ];
}

export interface BenchResult {
  readonly rows: Row[];
  readonly detail: Record<string, unknown>;
}

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
  const served = watchServedAcks([ports.pinbot, ports.baseline]);

  const empty = (): Samples => ({ ack: new RoundSamples(), toWritten: new RoundSamples(), inApp: new RoundSamples(), windows: [], done: [], throughput: [] });
  const results = new Map<string, Samples>();
  const key = (who: Who, shape: Shape, level: Level) => `${who}/${shape}/${level.label}`;
  /** One round of `shape` at `level` for both apps; `keep` records it (not in the warm-up). */
  const run = (shape: Shape, level: Level, roundNo: number, keep: boolean) =>
    alternateRound(level, roundNo, ['pinbot', 'baseline'], async (who: Who) => {
      const into = keep ? results.get(key(who, shape, level)) ?? empty() : empty();
      if (keep) results.set(key(who, shape, level), into);
      const result = await side.call('burst', {
        port: ports[who], secret: SLACK_SIGNING_SECRET, shape, count: level.count, follows: who === 'pinbot', thinkMs: level.thinkMs,
      });
      into.ack.add(roundNo, result.ack);
      const split = splitAcks(result.sent, served.take(ports[who]));
      into.toWritten.add(roundNo, split.toWritten);
      into.inApp.add(roundNo, split.inApp);
      into.windows.push({ start: result.window.start - performance.timeOrigin, end: result.window.end - performance.timeOrigin });
      into.done.push(...result.done);
      into.throughput.push(result.throughput);
    });

  const gc = watchCollections();
  /** The CPU the machine used while each case's rounds ran, and what the hypervisor took. */
  const cpu = new Map<string, RoundCpu>();
  try {
    // Warm-up: JIT, connection pools, SQLite pages, on both apps. One pass was not enough: the
    // first measured N=200 rounds still acked at 2-4x the steady p50, which decided the p99.
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
      for (const shape of SHAPES) {
        for (const level of ALL_LEVELS) await run(shape, level, pass, false);
      }
    }
    for (const level of LEVELS) {
      for (const shape of SHAPES) {
        const caseCpu = new RoundCpu();
        cpu.set(`${shape}/${level.label}`, caseCpu);
        await measureLevel(level, (roundNo, keep) => caseCpu.measure(roundNo, keep, () => run(shape, level, roundNo, keep)));
        log(`  slack ${shape} ${level.label}: ${level.rounds} rounds each`);
      }
    }
  } finally {
    gc.stop();
    served.stop();
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
        ratioIntervalP99: ratioInterval(p.ack.perRound(), b.ack.perRound(), 99),
        collections: { pinbot: collectionsIn(p.windows, gc.collections()), baseline: collectionsIn(b.windows, gc.collections()) },
        toWritten: { pinbot: ackStats(p.toWritten), baseline: ackStats(b.toWritten) },
        inApp: { pinbot: ackStats(p.inApp), baseline: ackStats(b.inApp) },
        cpu: cpu.get(`${shape}/${level.label}`)?.total(),
        stealPerRound: cpu.get(`${shape}/${level.label}`)?.stealPerRound(),
      };
      const label = `slack ${shape} ${level.label}`;
      detail[label] = stats;
      const ratio50 = stats.pinbot.p50 / stats.baseline.p50;
      const ratio99 = stats.pinbot.p99 / stats.baseline.p99;
      const ratioGoal = (ratio: number) => (level.targeted ? { text: '≤ 1.2', met: ratio <= 1.2 } : { text: '(context)' });
      const answer = shape === 'add' ? 'card at Slack' : 'answer at Slack';
      rows.push(row(`${label}: ack p50`, stats.pinbot.p50, 'ms', { text: `bolt ${round(stats.baseline.p50)} ms` }));
      rows.push(row(`${label}: ack p99`, stats.pinbot.p99, 'ms', level.count === 1 && level.targeted
        ? { text: `≤ 15 ms (bolt ${round(stats.baseline.p99)} ms)`, met: stats.pinbot.p99 <= 15 }
        : { text: `bolt ${round(stats.baseline.p99)} ms` }));
      rows.push(row(`${label}: ack ratio p50`, ratio50, '×', ratioGoal(ratio50)));
      rows.push(row(`${label}: ack ratio p99`, ratio99, '×', ratioGoal(ratio99)));
      if (level.targeted) rows.push(ratioIntervalRow(`${label}: ack ratio p99`, stats.ratioIntervalP99));
      if (level.count > 1) rows.push(roundRatioRow(label, stats.pinbot, stats.baseline));
      if (level.targeted) rows.push(...collectionRows(label, level.count, stats.collections, 'bolt'));
      // In a burst most of an ack's time is spent before its request is read (results.json keeps those figures too).
      if (level.count === 1) rows.push(...ackSplitRows(label, stats.toWritten, stats.inApp));
      if (level.targeted && stats.cpu !== undefined) rows.push(stealRow(label, stats.cpu));
      rows.push(row(`${label}: ack → ${answer} p50`, stats.answer.p50, 'ms'));
      rows.push(row(`${label}: ack → ${answer} p99`, stats.answer.p99, 'ms'));
      if (level.count === 200) {
        const ratio = stats.throughput.pinbot / stats.throughput.baseline;
        rows.push(row(`${label}: acks per second`, stats.throughput.pinbot, 'req/s', { text: `bolt ${round(stats.throughput.baseline, 0)} req/s` }));
        rows.push(row(`${label}: throughput ratio`, ratio, '×', { text: '≥ 0.85', met: ratio >= 0.85 }));
        // One figure per burst: the interval of the ratio of medians, bursts redrawn.
        const perBurst = (values: readonly number[]) => values.map((value) => [value]);
        rows.push(ratioIntervalRow(`${label}: throughput ratio`, ratioInterval(perBurst(p.throughput), perBurst(b.throughput), 50)));
      }
    }
  }
  return { rows, detail };
}
