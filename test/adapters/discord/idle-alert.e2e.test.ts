import { afterEach, describe, expect, it } from 'vitest';
import { decodeAction } from '../../../src/core/domain/actions.ts';
import { IdleAlerts } from '../../../src/core/follow-ups/idle-alerts.ts';
import { UsageSampler } from '../../../src/core/follow-ups/usage-sampler.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import { MemoryOnceLedger } from '../../../src/store/memory-once-ledger.ts';
import { startAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { customIds } from '../../helpers/discord-interactions.ts';
import { CHANNEL_ID, type PeerMessage } from '../../helpers/discord-peer.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { manualClock } from '../../helpers/pinbot-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { serveDiscord, text, unescaped, WAIT } from './served-discord.ts';

const ALERTS = '999999999999999999';
const INTERVAL = 300_000;
const HOUR = 3_600_000;

describe('Discord: an idle alert and its Let it go cold button, served in process against the Endpoints simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  it('posts the alert in the scope\'s notify channel; the button posts a card removing the endpoint, and nothing is written before approval', async () => {
    const sim = await startAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const { pinbot, server, peer, cards, clickOn, approveAndSettle } = await serveDiscord({
      configYaml: `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n    idle_after: 2h\n`
        + `    discord_channels: ["${CHANNEL_ID}"]\n    notify: { discord: "${ALERTS}" }\n`,
      env: { HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, HF_HUB_URL: 'off', PINBOT_USAGE_INTERVAL: 'off' },
    }, cleanups);

    // Two hours and a bit of samples with no requests, on a clock of the test's own.
    const clock = manualClock();
    const backendFor = (scope: string) => pinbot.backendFor(scope);
    const sampler = new UsageSampler({
      scopes: ['inference'], backendFor, usage: pinbot.store.usage, once: new MemoryOnceLedger(), clock, logger: silentLogger, intervalMs: INTERVAL, retentionMs: 90 * 24 * HOUR,
    });
    for (let passed = 0; passed <= 2 * HOUR; passed += INTERVAL) {
      await sampler.sample('inference', 'llama-chat');
      clock.advance(INTERVAL);
    }
    const idle = new IdleAlerts({
      scopes: [{ name: 'inference', notify: [{ platform: 'discord', channelId: ALERTS }] }], backendFor, usage: pinbot.store.usage, audit: pinbot.store.audit,
      snapshots: pinbot.store.snapshots, once: pinbot.store.once, notifier: server.notifier, clock, logger: silentLogger, intervalMs: INTERVAL,
    });
    expect((await idle.checkAll()).map((finding) => finding.entry)).toEqual(['llama-chat']);

    const alert = () => [...peer.messages.values()].find((m) => unescaped(m.content).includes('has had no requests'));
    await waitFor(() => alert() !== undefined, WAIT, 'the idle alert');
    const posted = alert() as PeerMessage;
    expect(posted.channel_id).toBe(ALERTS);
    const said = unescaped(posted.content);
    expect(said).toContain('llama-chat');
    expect(said).toContain('has had no requests for 2 h 5 min');
    expect(said).toContain('Keeping it ready cost about $');
    expect(text(posted)).toContain('"label":"Let it go cold"');
    expect(customIds(posted).map((id) => decodeAction(id)?.kind)).toContain('letgocold');

    clickOn(posted, 'letgocold');
    await waitFor(() => cards().length === 1, WAIT, 'the proposal card');
    const card = cards()[0] as PeerMessage;
    expect(card.channel_id).toBe(ALERTS);
    expect(text(card)).toContain('− `llama-chat (1 replica)`');
    const writes = () => sim.requestLog.filter((request) => request.source === 'client' && request.method === 'PUT');
    expect(writes()).toEqual([]);
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });

    // Approved like any other card, it is written.
    await approveAndSettle(card, 'Applied');
    expect(writes().map((request) => request.path)).toEqual(['/endpoint/acme/llama-chat']);
    expect(sim.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
  });
});
