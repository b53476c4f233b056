// Discord: INTERACTION_CREATE on the test gateway → first callback request at the REST peer,
// for pinbot's client and for a bare discord.js client that only defers, taking turns (levels.ts).
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { startDiscord } from '../src/adapters/discord/client.ts';
import { APPLICATION_ID } from '../test/helpers/discord-peer.ts';
import type { DiscordSideHandlers, Who } from './discord-side.ts';
import { startPinbotUnderTest } from './pinbot-under-test.ts';
import { collectionRows, collectionsIn, watchCollections, type AckWindow } from './gc-windows.ts';
import { alternateRound, listFromEnv, loadLevels, measureLevel, type Level } from './levels.ts';
import { ackStats, percentile, round, ratioInterval, ratioIntervalRow, roundRatioRow, RoundSamples, row, type Row } from './stats.ts';
import { startWorker } from './worker-rpc.ts';
import { RoundCpu, stealRow } from './vm-steal.ts';
import type { BenchResult } from './slack-ack.ts';

const DISCORD_TOKEN = 'MTExMTExMTExMTExMTExMTEx.Bench.DiscordTokenNotSecret';
/**
 * A burst's acks rise and fall together, so its p99 is set by the slowest few rounds: with 10
 * rounds the N = 50 and N = 200 p99 ratios spread 0.5-1.9 between runs, and with 20 a single slow
 * round of 50 still set a run's N = 50 p99 (bench/README.md). Since pinbot's answer edits are no
 * longer held to discord.js's global 50 per second, a round costs under 1 s for both apps at
 * either size (it was ~4 s at N = 200): 60 rounds at both.
 */
const ALL_LEVELS = loadLevels({ singles: 20, contextSingles: 10, n50: 60, n200: 60 });
/** BENCH_DISCORD_LEVELS=1,200 narrows the run, e.g. to profile one case. */
const LEVELS = listFromEnv('BENCH_DISCORD_LEVELS', ALL_LEVELS, (level) => String(level.count));
const WARM_UP_PASSES = 3;

export async function benchDiscordAck(log: (line: string) => void): Promise<BenchResult> {
  const side = startWorker<DiscordSideHandlers>(new URL('./discord-side.ts', import.meta.url));
  const apiUrls = await side.call('start', null);
  const under = await startPinbotUnderTest();
  const pinbot = await startDiscord({
    service: under.pinbot.service,
    scopeFor: under.pinbot.scopeFor,
    config: { token: DISCORD_TOKEN, applicationId: APPLICATION_ID, apiUrl: apiUrls.pinbot },
    logger: under.logger,
  });
  const bare = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrls.baseline } });
  bare.on(Events.InteractionCreate, (interaction) => {
    if (interaction.isChatInputCommand()) void interaction.deferReply({ flags: MessageFlags.Ephemeral }).catch(() => undefined);
  });
  const ready = once(bare, Events.ClientReady);
  await bare.login(DISCORD_TOKEN);
  await ready;

  /**
   * `first`: dispatch → first callback; `answered`: dispatch → answer edited (pinbot only);
   * `windows`: each burst from its dispatch to its last ack, on this thread's clock.
   */
  const empty = (): { first: RoundSamples; answered: number[]; editsBeforeLastCallback: number[]; windows: AckWindow[] } => ({ first: new RoundSamples(), answered: [], editsBeforeLastCallback: [], windows: [] });
  const samples = new Map<string, ReturnType<typeof empty>>();
  /** One round at `level` for both apps, taking turns; `keep` records it (not in the warm-up). */
  const run = (level: Level, roundNo: number, keep: boolean) =>
    alternateRound(level, roundNo, ['pinbot', 'baseline'], async (who: Who) => {
      const into = (keep ? samples.get(`${who}/${level.label}`) : undefined) ?? empty();
      if (keep) samples.set(`${who}/${level.label}`, into);
      const dispatched = performance.now();
      const result = await side.call('dispatch', { who, count: level.count, thinkMs: level.thinkMs });
      into.first.add(roundNo, result.firstResponse);
      into.windows.push({ start: dispatched, end: dispatched + Math.max(...result.firstResponse) });
      into.answered.push(...result.answered);
      // pinbot's answer edits land on the same Discord peer thread as the callbacks it times.
      const lastCallback = Math.max(...result.firstResponse);
      if (who === 'pinbot') into.editsBeforeLastCallback.push(result.answered.filter((at) => at < lastCallback).length);
    });
  const gc = watchCollections();
  let sideHeapUsed = 0;
  /** The CPU the machine used while each case's rounds ran, and what the hypervisor took. */
  const cpu = new Map<string, RoundCpu>();
  try {
    // Warm-up, as for Slack (slack-ack.ts): several passes, until the first rounds are not slower.
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
      for (const level of ALL_LEVELS) await run(level, pass, false);
    }
    for (const level of LEVELS) {
      const caseCpu = new RoundCpu();
      cpu.set(level.label, caseCpu);
      await measureLevel(level, (roundNo, keep) => caseCpu.measure(roundNo, keep, () => run(level, roundNo, keep)));
      log(`  discord list ${level.label}: ${level.rounds} rounds each`);
    }
  } finally {
    gc.stop();
    sideHeapUsed = await side.call('heapUsed', null);
    await pinbot.stop();
    await bare.destroy();
    await under.close();
    await side.call('close', null);
    await side.close();
  }

  const rows: Row[] = [];
  const detail: Record<string, unknown> = {};
  for (const level of LEVELS) {
    const p = samples.get(`pinbot/${level.label}`) ?? empty();
    const b = samples.get(`baseline/${level.label}`) ?? empty();
    const stats = {
      pinbot: ackStats(p.first),
      baseline: ackStats(b.first),
      answered: { p50: percentile(p.answered, 50), p99: percentile(p.answered, 99) },
      collections: { pinbot: collectionsIn(p.windows, gc.collections()), baseline: collectionsIn(b.windows, gc.collections()) },
      ratioIntervalP99: ratioInterval(p.first.perRound(), b.first.perRound(), 99),
      cpu: cpu.get(level.label)?.total(),
      stealPerRound: cpu.get(level.label)?.stealPerRound(),
      editsBeforeLastCallback: p.editsBeforeLastCallback,
    };
    const label = `discord list ${level.label}`;
    detail[label] = stats;
    const ratio50 = stats.pinbot.p50 / stats.baseline.p50;
    const ratio99 = stats.pinbot.p99 / stats.baseline.p99;
    const ratioGoal = (ratio: number) => (level.targeted ? { text: '≤ 1.2', met: ratio <= 1.2 } : { text: '(context)' });
    rows.push(row(`${label}: first callback p50`, stats.pinbot.p50, 'ms', { text: `bare d.js ${round(stats.baseline.p50)} ms` }));
    rows.push(row(`${label}: first callback p99`, stats.pinbot.p99, 'ms', { text: `bare d.js ${round(stats.baseline.p99)} ms` }));
    rows.push(row(`${label}: ratio p50`, ratio50, '×', ratioGoal(ratio50)));
    rows.push(row(`${label}: ratio p99`, ratio99, '×', ratioGoal(ratio99)));
    if (level.targeted) rows.push(ratioIntervalRow(`${label}: ratio p99`, stats.ratioIntervalP99));
    if (level.count > 1) rows.push(roundRatioRow(label, stats.pinbot, stats.baseline));
    if (level.targeted) rows.push(...collectionRows(label, level.count, stats.collections, 'bare d.js'));
    if (level.targeted && stats.cpu !== undefined) rows.push(stealRow(label, stats.cpu));
    if (level.count > 1) {
      const early = stats.editsBeforeLastCallback.reduce((sum, count) => sum + count, 0);
      rows.push(row(`${label}: answer edits before the burst's last first callback`, early, `of ${level.count * level.rounds}`, { text: '(context: 0 when acks go first)' }));
    }
    rows.push(row(`${label}: dispatch → answer edited p50`, stats.answered.p50, 'ms'));
    rows.push(row(`${label}: dispatch → answer edited p99`, stats.answered.p99, 'ms'));
  }
  // The Discord side forgets each round's interactions once answered; it grew to ~160 MB before.
  rows.push(row('discord side (Discord peers): V8 heap used at the end', sideHeapUsed / 1e6, 'MB', { text: '(context)' }));
  return { rows, detail };
}
