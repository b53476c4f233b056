// Discord: INTERACTION_CREATE on the test gateway → first callback request at the REST peer,
// for pinbot's client and for a bare discord.js client that only defers, in alternating rounds.
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { startDiscord } from '../src/adapters/discord/client.ts';
import { APPLICATION_ID } from '../test/helpers/discord-peer.ts';
import type { DiscordSideHandlers, Who } from './discord-side.ts';
import { startPinbotUnderTest } from './pinbot-under-test.ts';
import { percentile, round, row, type Row } from './stats.ts';
import { startWorker } from './worker-rpc.ts';
import type { BenchResult } from './slack-ack.ts';

const DISCORD_TOKEN = 'MTExMTExMTExMTExMTExMTEx.Bench.DiscordTokenNotSecret';
const LEVELS = [1, 50] as const;
const ROUNDS = 6;
const SEQUENTIAL_SINGLES = 40;

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

  const samples = new Map<string, { first: number[]; answered: number[] }>();
  const run = async (who: Who, level: number, keep: boolean) => {
    const into = samples.get(`${who}/${level}`) ?? { first: [], answered: [] };
    if (keep) samples.set(`${who}/${level}`, into);
    const bursts = level === 1 ? SEQUENTIAL_SINGLES : 1;
    for (let i = 0; i < bursts; i++) {
      const result = await side.call('dispatch', { who, count: level });
      into.first.push(...result.firstResponse);
      into.answered.push(...result.answered);
    }
  };
  try {
    for (const who of ['pinbot', 'baseline'] as const) {
      await run(who, 1, false);
      await run(who, 50, false);
    }
    for (const level of LEVELS) {
      for (let r = 0; r < ROUNDS; r++) {
        for (const who of (r % 2 === 0 ? ['pinbot', 'baseline'] : ['baseline', 'pinbot']) as Who[]) await run(who, level, true);
      }
      log(`  discord list N=${level}: ${ROUNDS} rounds each`);
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
    const p = samples.get(`pinbot/${level}`) ?? { first: [], answered: [] };
    const b = samples.get(`baseline/${level}`) ?? { first: [], answered: [] };
    const stats = {
      pinbot: { p50: percentile(p.first, 50), p99: percentile(p.first, 99), samples: p.first.length },
      baseline: { p50: percentile(b.first, 50), p99: percentile(b.first, 99), samples: b.first.length },
      answered: { p50: percentile(p.answered, 50), p99: percentile(p.answered, 99) },
    };
    detail[`discord list N=${level}`] = stats;
    const label = `discord list N=${level}`;
    rows.push(row(`${label}: first callback p50`, stats.pinbot.p50, 'ms', { text: `bare d.js ${round(stats.baseline.p50)} ms` }));
    rows.push(row(`${label}: first callback p99`, stats.pinbot.p99, 'ms', { text: `bare d.js ${round(stats.baseline.p99)} ms` }));
    rows.push(row(`${label}: ratio p50`, stats.pinbot.p50 / stats.baseline.p50, '×', { text: '≤ 1.2', met: stats.pinbot.p50 / stats.baseline.p50 <= 1.2 }));
    rows.push(row(`${label}: ratio p99`, stats.pinbot.p99 / stats.baseline.p99, '×', { text: '≤ 1.2', met: stats.pinbot.p99 / stats.baseline.p99 <= 1.2 }));
    rows.push(row(`${label}: dispatch → answer edited p50`, stats.answered.p50, 'ms'));
    rows.push(row(`${label}: dispatch → answer edited p99`, stats.answered.p99, 'ms'));
  }
  return { rows, detail };
}
