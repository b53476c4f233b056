// Discord: INTERACTION_CREATE on the test gateway → first callback request at the REST peer,
// for pinbot's client and for a bare discord.js client that only defers, taking turns (levels.ts).
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { startDiscord } from '../src/adapters/discord/client.ts';
import { APPLICATION_ID } from '../test/helpers/discord-peer.ts';
import type { DiscordSideHandlers, Who } from './discord-side.ts';
import { startPinbotUnderTest } from './pinbot-under-test.ts';
import { alternateRound, listFromEnv, loadLevels, measureLevel, type Level } from './levels.ts';
import { ackStats, percentile, round, ratioInterval, ratioIntervalRow, RoundSamples, row, type Row } from './stats.ts';
import { startWorker } from './worker-rpc.ts';
import type { BenchResult } from './slack-ack.ts';

const DISCORD_TOKEN = 'MTExMTExMTExMTExMTExMTEx.Bench.DiscordTokenNotSecret';
/** A burst's acks rise and fall together, so its p99 needs many rounds; a round costs under 1 s. */
const ALL_LEVELS = loadLevels({ singles: 15, n50: 40, n200: 40 });
/** BENCH_DISCORD_LEVELS=1,200 narrows the run. */
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

  /** `first`: dispatch → first callback; `answered`: dispatch → answer edited (pinbot only). */
  const empty = () => ({ first: new RoundSamples(), answered: [] as number[] });
  const samples = new Map<string, ReturnType<typeof empty>>();
  const run = (level: Level, roundNo: number, keep: boolean) =>
    alternateRound(level, roundNo, ['pinbot', 'baseline'], async (who: Who) => {
      const into = (keep ? samples.get(`${who}/${level.label}`) : undefined) ?? empty();
      if (keep) samples.set(`${who}/${level.label}`, into);
      const result = await side.call('dispatch', { who, count: level.count, thinkMs: level.thinkMs });
      into.first.add(roundNo, result.firstResponse);
      into.answered.push(...result.answered);
    });
  try {
    for (let pass = 0; pass < WARM_UP_PASSES; pass++) {
      for (const level of ALL_LEVELS) await run(level, pass, false);
    }
    for (const level of LEVELS) {
      await measureLevel(level, (roundNo, keep) => run(level, roundNo, keep));
      log(`  discord list ${level.label}: ${level.rounds} rounds each`);
    }
  } finally {
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
    };
    const label = `discord list ${level.label}`;
    detail[label] = stats;
    const ratio50 = stats.pinbot.p50 / stats.baseline.p50;
    const ratio99 = stats.pinbot.p99 / stats.baseline.p99;
    rows.push(row(`${label}: first callback p50`, stats.pinbot.p50, 'ms', { text: `bare d.js ${round(stats.baseline.p50)} ms` }));
    rows.push(row(`${label}: first callback p99`, stats.pinbot.p99, 'ms', { text: `bare d.js ${round(stats.baseline.p99)} ms` }));
    rows.push(row(`${label}: ratio p50`, ratio50, '×', { text: '≤ 1.2', met: ratio50 <= 1.2 }));
    rows.push(row(`${label}: ratio p99`, ratio99, '×', { text: '≤ 1.2', met: ratio99 <= 1.2 }));
    rows.push(ratioIntervalRow(`${label}: ratio p99`, ratioInterval(stats.pinbot.rounds, stats.baseline.rounds, 99)));
    rows.push(row(`${label}: dispatch → answer edited p99`, stats.answered.p99, 'ms'));
  }
  return { rows, detail };
}
