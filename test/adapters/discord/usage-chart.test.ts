import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, MessageFlags } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { escapeText } from '../../../src/adapters/discord/escape.ts';
import { NO_MENTIONS } from '../../../src/adapters/discord/render-embed.ts';
import { scrubbingRequest } from '../../../src/adapters/discord/scrubbing-request.ts';
import { sendUsageChart } from '../../../src/adapters/discord/usage-chart.ts';
import { USAGE_CHART_SIZE } from '../../../src/charts/usage-chart.ts';
import { SANDBOX_MARKER, text, type Line } from '../../../src/core/domain/ui.ts';
import type { UsageReport } from '../../../src/core/domain/usage.ts';
import { SecretScrubber } from '../../../src/secrets.ts';
import { startDiscordPeer, APPLICATION_ID, type DiscordPeer, type PeerRequest } from '../../helpers/discord-peer.ts';
import { slashCommand } from '../../helpers/discord-interactions.ts';
import { captureLogger } from '../../helpers/hf-harness.ts';
import { readPng } from '../../helpers/png.ts';
import { dailyLoad, handBuiltReport } from '../../helpers/usage-reports.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { DISCORD_TOKEN } from './use-discord.ts';

const WAIT_MS = 10_000;
/** A secret configured for scrubbing, as pinbot's composition root would. */
const SECRET = 'pinbot-discord-chart-secret-5e1f';

interface ChartWorld {
  readonly peer: DiscordPeer;
  /** Dispatches `/pins usage`; resolves with its token once the listener has sent the chart. */
  askForUsage(): Promise<string>;
}

/**
 * An unmodified discord.js client on pinbot's scrubbing REST requests, whose listener defers
 * privately, as pinbot does for every command, and hands `report` to the adapter's chart entry
 * point, as the `usage` command's answer will, against the Discord peer.
 */
function useChartClient() {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  return async function start(report: UsageReport, marker: Line = SANDBOX_MARKER): Promise<ChartWorld> {
    const peer = await startDiscordPeer();
    closers.push(() => peer.close());
    const scrubber = new SecretScrubber([DISCORD_TOKEN, SECRET]);
    const client = new Client({
      intents: [GatewayIntentBits.Guilds],
      allowedMentions: NO_MENTIONS,
      rest: { api: peer.apiUrl, makeRequest: scrubbingRequest(scrubber.encodedAs(escapeText)) },
    });
    const logger = captureLogger();
    let handled = 0;
    client.on(Events.InteractionCreate, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      await sendUsageChart(interaction, report, marker, logger);
      handled += 1;
    });
    const ready = once(client, Events.ClientReady);
    await client.login(DISCORD_TOKEN);
    await ready;
    closers.push(() => client.destroy());

    return {
      peer,
      async askForUsage() {
        const before = handled;
        const interaction = slashCommand('usage');
        peer.dispatch(interaction);
        await waitFor(() => handled > before, WAIT_MS, 'the listener to send the chart');
        return String(interaction['token']);
      },
    };
  };
}

/** The follow-ups sent on the interaction with `token`. */
function followUps(peer: DiscordPeer, token: string): PeerRequest[] {
  return peer.requests.filter((request) => request.method === 'POST' && request.path === `/webhooks/${APPLICATION_ID}/${token}`);
}

describe('Discord: a usage report’s chart reaches the asker as a PNG attachment', () => {
  const start = useChartClient();

  it('attaches the chart to a private follow-up, sent as multipart with the PNG as its file', async () => {
    const report = handBuiltReport({ period: '24h', entries: ['gpt2', 'BAAI/bge-small-en-v1.5'], load: dailyLoad, ready: { 1: [[4, 20]] }, simulated: true });
    const world = await start(report);

    const token = await world.askForUsage();

    const [followUp] = followUps(world.peer, token);
    expect(followUps(world.peer, token)).toHaveLength(1);
    expect(followUp?.files).toHaveLength(1);
    const [file] = followUp?.files ?? [];
    expect(file?.name).toBe('usage-default-24h.png');
    expect(readPng(file?.bytes ?? Buffer.alloc(0))).toMatchObject(USAGE_CHART_SIZE);
    expect(file?.bytes.length).toBeGreaterThan(15_000);
    expect(file?.bytes.length).toBeLessThan(600_000);
    const body = followUp?.body as Record<string, unknown>;
    expect(body['flags']).toBe(MessageFlags.Ephemeral);
    expect(body['allowed_mentions']).toEqual({ parse: [] });
    expect(body['content']).toContain('SANDBOX');
    expect(body['content']).toContain('`default`');
    expect(body['attachments']).toEqual([expect.objectContaining({ id: '0', description: 'Requests per hour (simulated), scope default, last 24 hours' })]);
  });

  it('leaves the chart on a message only the asker sees, and posts nothing in the channel', async () => {
    const world = await start(handBuiltReport({ period: '7d', entries: ['gpt2'], load: dailyLoad }));

    await world.askForUsage();

    const withChart = [...world.peer.messages.values()].filter((message) => Array.isArray(message['attachments']) && (message['attachments'] as unknown[]).length > 0);
    expect(withChart).toHaveLength(1);
    expect((withChart[0]?.flags ?? 0) & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(withChart[0]?.['attachments']).toEqual([expect.objectContaining({ filename: 'usage-default-7d.png', content_type: 'image/png' })]);
    expect(world.peer.requests.filter((request) => request.path.startsWith('/channels/'))).toEqual([]);
  });

  it('sends the chart of a period with no requests', async () => {
    const world = await start(handBuiltReport({ period: '24h', entries: ['gpt2'] }));

    const token = await world.askForUsage();

    const [file] = followUps(world.peer, token)[0]?.files ?? [];
    expect(readPng(file?.bytes ?? Buffer.alloc(0))).toMatchObject(USAGE_CHART_SIZE);
  });

  it('scrubs configured secrets from the message sent with the file, as from every other message', async () => {
    const world = await start(handBuiltReport({ period: '24h', entries: ['gpt2'], load: dailyLoad }), [text(`note ${SECRET}`)]);

    const token = await world.askForUsage();

    const [followUp] = followUps(world.peer, token);
    expect(followUp?.files).toHaveLength(1);
    expect((followUp?.body as Record<string, unknown>)['content']).toContain('note [redacted]');
    expect(followUp?.raw).not.toContain(SECRET);
  });

  it('sends nothing when there is no usage to draw', async () => {
    const world = await start({ kind: 'unavailable', scope: 'default', reason: 'This backend keeps no request counts.' });

    const token = await world.askForUsage();

    expect(followUps(world.peer, token)).toEqual([]);
  });
});
