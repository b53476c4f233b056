import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../src/config.ts';
import type { Logger } from '../src/core/ports.ts';
import type { SimulatorAccount } from '../src/backends/classic/simulator.ts';
import { createLogger } from '../src/logger.ts';
import { buildPinbot, type Pinbot } from '../src/pinbot.ts';
import type { HfSideHandlers } from './hf-side.ts';
import { startWorker } from './worker-rpc.ts';

export const HF_TOKEN = 'hf_BenchmarkTokenNotSecret0000000000';
export const SLACK_BOT_TOKEN = 'xoxb-1000000001-2000000002-BenchBotToken';
export const SLACK_SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';

export interface PinbotUnderTest {
  readonly pinbot: Pinbot;
  readonly logger: Logger;
  close(): Promise<void>;
}

/**
 * pinbot as `src/main.ts` builds it (real PinningService, HF client, SQLite store in a temp file,
 * pino at `info` writing nowhere, still formatting and scrubbing every line), pointed at an HF
 * simulator whose quota never gets in the way. The simulator runs in a worker thread (hf-side.ts),
 * as Hugging Face runs elsewhere in production.
 */
export async function startPinbotUnderTest(): Promise<PinbotUnderTest> {
  const hf = startWorker<HfSideHandlers>(new URL('./hf-side.ts', import.meta.url));
  // Every `bench/…` id the Slack bench adds is a model on the simulator's Hub: each add pays one Hub GET, after the ack.
  const simulator = await hf.call('start', {
    loadDelayMs: 0, hubOpenNamespaces: ['bench'], accounts: { [HF_TOKEN]: { allowed: 1_000_000, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-'));
  const env = { HF_TOKEN, HF_API_URL: simulator.url, HF_HUB_URL: simulator.url, DATABASE_URL: join(dir, 'pinbot.sqlite'), PORT: '0', LOG_LEVEL: 'info' };
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger({ level: 'info', sink, secrets: [HF_TOKEN, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET], pretty: false });
  const pinbot = await buildPinbot(loadConfig(env), { env, logger });
  return {
    pinbot,
    logger,
    close: async () => {
      await pinbot.close();
      await hf.call('close', null);
      await hf.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `count` scopes named `scope-<i>`, each its own account on the simulator (`allowed`, gpt2 pinned):
 * the accounts, and the environment (PINBOT_CONFIG in a temp directory, one token variable each).
 */
export function manyScopes(count: number, allowed: number): {
  accounts: Record<string, SimulatorAccount>; env: Record<string, string>; token(i: number): string; cleanUp(): void;
} {
  const token = (i: number) => `hf_BenchScope${String(i).padStart(6, '0')}NotSecret00000000`;
  const numbers = Array.from({ length: count }, (_, i) => i);
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-scopes-'));
  writeFileSync(join(dir, 'pinbot.yaml'), ['scopes:', ...numbers.flatMap((i) => [`  - name: scope-${i}`, `    token_env: HF_TOKEN_S${i}`]), ''].join('\n'));
  return {
    accounts: Object.fromEntries(numbers.map((i) => [token(i), { allowed, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] }])),
    env: { PINBOT_CONFIG: join(dir, 'pinbot.yaml'), ...Object.fromEntries(numbers.map((i) => [`HF_TOKEN_S${i}`, token(i)])) },
    token,
    cleanUp: () => rmSync(dir, { recursive: true, force: true }),
  };
}
