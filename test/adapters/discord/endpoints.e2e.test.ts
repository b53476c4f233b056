import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../../src/config.ts';
import { decodeAction, encodeAction } from '../../../src/core/domain/actions.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import type { EndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { createPrometheusMetrics } from '../../../src/metrics.ts';
import { buildPinbot } from '../../../src/pinbot.ts';
import { serve, type Server } from '../../../src/serve.ts';
import { buttonClick, customIds, slashCommand } from '../../helpers/discord-interactions.ts';
import { APPLICATION_ID, CHANNEL_ID, startDiscordPeer, type DiscordPeer, type PeerMessage, type PeerRequest } from '../../helpers/discord-peer.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { body, DISCORD_TOKEN, waitForRequest } from './use-discord.ts';
import { readPng } from '../../helpers/png.ts';
import { MessageFlags } from 'discord.js';

const ALERTS = '999999999999999999';
const WAIT = 10_000;

describe('Discord on an Inference Endpoints scope, served in process against the Endpoints simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start() {
    const sim: EndpointsSimulator = await startAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const peer: DiscordPeer = await startDiscordPeer();
    cleanups.push(() => peer.close());
    const dir = testTempDir('pinbot-endpoints-discord-');
    const configFile = join(dir, 'pinbot.yml');
    writeFileSync(configFile, `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n    discord_channels: ["${CHANNEL_ID}"]\n    notify: { discord: "${ALERTS}" }\n`);
    const env = {
      HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, PORT: '0', DATABASE_URL: join(dir, 'pinbot.sqlite'), PINBOT_CONFIG: configFile,
      DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: peer.apiUrl,
    };
    const config: Config = { ...loadConfig(env), driftIntervalMs: 60 };
    const pinbot = await buildPinbot(config, { env, logger: silentLogger });
    const server: Server = await serve(pinbot, config, silentLogger, createPrometheusMetrics({ defaultMetrics: false }), { loadPollMs: 20 });
    cleanups.push(() => server.shutdown());
    await waitFor(() => peer.identifiedSessions() > 0, WAIT, 'the bot to connect');
    return { sim, peer };
  }

  it('lists, refuses over max_warm, applies with load progress, refuses a stale approval, reports a partial write and restores, reverts, alerts on drift', async () => {
    const { sim, peer } = await start();
    const puts = () => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT').map((r) => r.path.split('/').at(-1));
    // Discord markdown escapes such as `\(` removed, to read what the user reads.
    const unescaped = (value: string) => value.replace(/\\/g, '');
    const text = (message: PeerMessage | Record<string, unknown>) => unescaped(JSON.stringify(message));
    const cards = () => [...peer.messages.values()].filter((m) => customIds(m).some((id) => decodeAction(id)?.kind === 'approve'));
    const command = async (sub: string, options: Record<string, string> = {}) => {
      const payload = slashCommand(sub, options);
      peer.dispatch(payload);
      const token = String(payload['token']);
      const reply = await waitForRequest(peer, `the reply to /pins ${sub}`, (r) => r.method === 'PATCH' && r.path.includes(token));
      return unescaped(String(body(reply)['content'] ?? ''));
    };
    const proposeCard = async (sub: string, options: Record<string, string>) => {
      const before = cards().length;
      await command(sub, options);
      await waitFor(() => cards().length === before + 1, WAIT, `the card for ${sub}`);
      return cards()[before] as PeerMessage;
    };
    const clickOn = (message: PeerMessage, kind: 'approve' | 'restore') => {
      const id = customIds(message).find((custom) => decodeAction(custom)?.kind === kind) ?? '';
      expect(id).not.toBe('');
      peer.dispatch(buttonClick(message, id));
    };
    const approveAndSettle = async (card: PeerMessage, words: string) => {
      clickOn(card, 'approve');
      // Approve asks privately first; Confirm on that step is what applies.
      const approveId = customIds(card).find((custom) => decodeAction(custom)?.kind === 'approve') ?? '';
      const confirmId = encodeAction('confirm', decodeAction(approveId)?.proposalId ?? '');
      const confirmationStep = () => [...peer.messages.values()].find((m) => (m.flags & 64) !== 0 && customIds(m).includes(confirmId));
      await waitFor(() => confirmationStep() !== undefined, WAIT, 'the confirmation step');
      peer.dispatch(buttonClick(confirmationStep() as PeerMessage, confirmId));
      await waitFor(() => text(peer.messages.get(card.id) ?? {}).includes(words), WAIT, words);
      return peer.messages.get(card.id) as PeerMessage;
    };

    const list = await command('list');
    expect(list).toContain('1 of 2 warm (max_warm)');
    expect(list).toContain('embedder');

    const over = await command('add', { models: 'embedder sentiment' });
    expect(over).toContain("Can't keep 3 endpoints warm: this scope's max_warm is 2. Nothing was proposed.");
    expect(puts()).toEqual([]);

    // The endpoints' own words: a compute type is refused, not dropped; usage and "nothing to change" speak of endpoints.
    const withCompute = await command('add', { models: 'embedder', compute: 'gpu' });
    expect(withCompute).toContain("Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed.");
    const badStatus = await command('status', { model: 'embedder:gpu' });
    expect(badStatus).toContain('Compute types do not apply to Inference Endpoints');
    const same = await command('add', { models: 'llama-chat' });
    expect(same).toContain('Nothing to change: the warm endpoints already look like that.');
    expect(same).toContain('Warm now: `llama-chat` (1 replica)');
    expect(cards()).toEqual([]);
    expect(puts()).toEqual([]);

    const addCard = await proposeCard('add', { models: 'embedder' });
    expect(text(addCard)).toContain('Proposed change to the warm Inference Endpoints');
    const applied = await approveAndSettle(addCard, 'Applied');
    expect(text(applied)).toContain('Updated 1 endpoint: embedder (min 0 → 1).');
    const changeId = /revert (\w+)/.exec(text(applied))?.[1] ?? '';
    expect(puts()).toEqual(['embedder']);
    const loadReply = () => [...peer.messages.values()].find((m) => m.content.includes('`embedder` is loaded'));
    await waitFor(() => loadReply() !== undefined, WAIT, 'the load follow-up');
    expect(unescaped(loadReply()?.content ?? '')).toMatch(/^✅ `embedder` is loaded on gpu nvidia-a10g x1, \d+ s after the change was applied\.$/);

    const removeCard = await proposeCard('remove', { models: 'embedder' });
    sim.setScaling(TOKEN, 'embedder', { maxReplica: 2 });
    const stale = await approveAndSettle(removeCard, 'an endpoint changed after this was proposed');
    expect(text(stale)).toContain('min 1, max 1, no scale-to-zero timeout → min 1, max 2, no scale-to-zero timeout');
    expect(puts()).toEqual(['embedder']);

    const setCard = await proposeCard('set', { models: 'sentiment llama-chat' });
    sim.failPutOf('sentiment', 403);
    const partial = await approveAndSettle(setCard, 'Partly applied');
    // embedder really went cold and sentiment was not warmed: 1 warm now, not the 2 proposed.
    expect(text(partial)).toContain('2 → 1 of 2 (max_warm)');
    expect(text(partial)).toContain('Changed: `embedder` warm (1 replica) → cold.');
    expect(text(partial)).toContain('Not changed: `sentiment` still cold (was to go warm, 1 replica).');
    expect(text(partial)).not.toContain('Not applied');
    const partialReply = () => [...peer.messages.values()].find((m) => m.content.includes('The change was partly applied'));
    await waitFor(() => partialReply() !== undefined, WAIT, 'the partial write\'s reply');
    expect(unescaped(partialReply()?.content ?? '')).toContain('changed `embedder` warm (1 replica) → cold; not changed `sentiment` still cold (was to go warm, 1 replica).');
    const before = cards().length;
    clickOn(partial, 'restore');
    await waitFor(() => cards().length === before + 1, WAIT, 'the restore card');
    const restoreCard = cards()[before] as PeerMessage;
    expect(text(restoreCard)).toContain('embedder (1 replica)');
    await approveAndSettle(restoreCard, 'Applied');
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });

    const revertCard = await proposeCard('revert', { change: changeId });
    expect(text(revertCard)).toContain('embedder (1 replica)');
    await approveAndSettle(revertCard, 'Applied');
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });

    sim.setScaling(TOKEN, 'llama-chat', { minReplica: 0 });
    const alert = () => [...peer.messages.values()].find((m) => m.channel_id === ALERTS && m.content.includes('changed outside pinbot'));
    await waitFor(() => alert() !== undefined, WAIT, 'the drift alert');
    expect(unescaped(alert()?.content ?? '')).toContain('llama-chat (1 replica)');
    const beforeDrift = cards().length;
    clickOn(alert() as PeerMessage, 'restore');
    await waitFor(() => cards().length === beforeDrift + 1, WAIT, 'the drift restore card');
    await approveAndSettle(cards()[beforeDrift] as PeerMessage, 'Applied');
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });
  });
  it('answers /pins usage privately and attaches its chart as a real PNG', async () => {
    const { peer } = await start();
    const payload = slashCommand('usage', { period: '7d' });
    peer.dispatch(payload);
    const token = String(payload['token']);
    const reply = await waitForRequest(peer, 'the reply to /pins usage', (r) => r.method === 'PATCH' && r.path.includes(token));
    expect(String(body(reply)['content'] ?? '')).toContain('llama-chat');
    const isChart = (r: PeerRequest) => r.method === 'POST' && r.path === `/webhooks/${APPLICATION_ID}/${token}` && r.files.length > 0;
    // The first chart of a process loads the charting libraries, which takes a while on a busy machine.
    await waitFor(() => peer.requests.some(isChart), WAIT, 'the chart');
    const followUp = await waitForRequest(peer, 'the chart', isChart);
    const [file] = followUp.files;
    expect(file?.name).toBe('usage-inference-7d.png');
    const png = readPng(file?.bytes ?? Buffer.alloc(0));
    expect(png.width).toBeGreaterThanOrEqual(600);
    expect(png.height).toBeGreaterThanOrEqual(300);
    expect(body(followUp)['flags']).toBe(MessageFlags.Ephemeral);
  });
});
