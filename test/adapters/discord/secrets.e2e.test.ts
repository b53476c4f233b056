import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { startSimulator } from '../../../src/backends/classic/simulator.ts';
import { createLogger } from '../../../src/logger.ts';
import { createPrometheusMetrics } from '../../../src/metrics.ts';
import { buildPinbot } from '../../../src/pinbot.ts';
import { configSecrets, SecretScrubber } from '../../../src/secrets.ts';
import { serve } from '../../../src/serve.ts';
import { slashCommand } from '../../helpers/discord-interactions.ts';
import { APPLICATION_ID, CHANNEL_ID, startDiscordPeer } from '../../helpers/discord-peer.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { body, DISCORD_TOKEN, waitForRequest } from './use-discord.ts';

const RESEARCH_TOKEN = 'hf_DiscordSecretsResearchTokenAaaaaaaaaaa';
const PROD_TOKEN = 'hf_DiscordSecretsProdKeyTokenBbbbbbbbbbbbb';

describe('Discord: no configured secret reaches a message or a log line when Hugging Face echoes it', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  it('answers /pins list with the error text scrubbed of another scope\'s token and the bot token', async () => {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [RESEARCH_TOKEN]: { allowed: 5, pins: [] }, [PROD_TOKEN]: { allowed: 5, pins: [] } } });
    cleanups.push(() => sim.close());
    const peer = await startDiscordPeer();
    cleanups.push(() => peer.close());
    const dir = testTempDir('pinbot-discord-secrets-');
    const configFile = join(dir, 'pinbot.yml');
    writeFileSync(configFile, `scopes:\n  - name: research\n    token_env: HF_TOKEN_RESEARCH\n    discord_channels: ["${CHANNEL_ID}"]\n  - name: production\n    token_env: PROD_KEY\n    discord_channels: ["1"]\n`);
    const env = {
      PINBOT_CONFIG: configFile, HF_TOKEN_RESEARCH: RESEARCH_TOKEN, PROD_KEY: PROD_TOKEN, HF_API_URL: sim.url, HF_HUB_URL: 'off', PORT: '0',
      DATABASE_URL: join(dir, 'pinbot.sqlite'), DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: peer.apiUrl,
    };
    // Wired as the entry point wires it: one scrubber for the log sink and the adapters.
    const config = loadConfig(env);
    const scrubber = new SecretScrubber(configSecrets(config));
    const sink = new PassThrough();
    const logs: string[] = [];
    sink.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    const logger = createLogger({ level: 'debug', sink, pretty: false, secrets: scrubber });
    const pinbot = await buildPinbot(config, { env, logger, scrubber });
    const server = await serve(pinbot, config, logger, createPrometheusMetrics({ defaultMetrics: false }));
    cleanups.push(() => server.shutdown());
    await waitFor(() => peer.identifiedSessions() > 0, 10_000, 'the bot to connect');
    sim.failNext(1, 400, { error: `Bad request from ${PROD_TOKEN} via bot ${DISCORD_TOKEN}` });

    const payload = slashCommand('list');
    peer.dispatch(payload);
    const token = String(payload['token']);
    const reply = await waitForRequest(peer, 'the answer to /pins list', (r) => r.method === 'PATCH' && r.path.includes(token));

    // Discord markdown escapes removed, to read what the user reads.
    expect(String(body(reply)['content']).replace(/\\/g, '')).toContain('Bad request from [redacted] via bot [redacted]');
    const sent = peer.requests.map((r) => r.raw).join('\n');
    const logged = logs.join('');
    for (const secret of [RESEARCH_TOKEN, PROD_TOKEN, DISCORD_TOKEN]) {
      expect(sent).not.toContain(secret);
      expect(logged).not.toContain(secret);
    }
  }, 30_000);
});
