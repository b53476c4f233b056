// Discord: INTERACTION_CREATE on the test gateway → first callback request at the REST peer, for
// pinbot's client and for a bare discord.js client that only defers, taking turns (ack-rounds.ts).
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { startDiscord } from '../src/adapters/discord/client.ts';
import { APPLICATION_ID } from '../test/helpers/discord-peer.ts';
import { listFromEnv, loadLevels, measureAcks, type Level, type Who } from './ack-rounds.ts';
import type { DiscordSideHandlers } from './discord-side.ts';
import { startPinbotUnderTest } from './pinbot-under-test.ts';
import type { PartResult } from './results.ts';
import { startWorker } from './worker-rpc.ts';

const DISCORD_TOKEN = 'MTExMTExMTExMTExMTExMTEx.Bench.DiscordTokenNotSecret';

export async function benchDiscordAck(log: (line: string) => void): Promise<PartResult> {
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

  const benches = (levels: readonly Level[]) => levels.map((level) => ({
    label: `discord list ${level.label}`,
    level,
    send: (who: Who) => side.call('dispatch', { who, count: level.count, thinkMs: level.thinkMs }),
  }));
  // A burst's acks rise and fall together, so its p99 needs many rounds; a round costs under 1 s.
  const levels = loadLevels({ singles: 15, n50: 40, n200: 40 });
  try {
    return { acks: await measureAcks(benches(levels), benches(listFromEnv('BENCH_DISCORD_LEVELS', levels, (level) => String(level.count))), log) };
  } finally {
    await pinbot.stop();
    await bare.destroy();
    await under.close();
    await side.call('close', null);
    await side.close();
  }
}
