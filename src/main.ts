import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openPolicy } from './core/policy.ts';
import { PinningService, type RequestContext } from './core/pinning-service.ts';
import { systemClock, type Logger } from './core/ports.ts';
import { createHfClient } from './hf/client.ts';
import { startSandboxSimulator } from './hf/simulator.ts';
import { createLogger } from './logger.ts';
import { runInteractive, runOneShot } from './adapters/console/run-console.ts';
import { MemoryAuditLog } from './store/memory-audit-log.ts';
import { MemoryProposalStore } from './store/memory-proposal-store.ts';
import { MemoryScopeLock } from './store/memory-scope-lock.ts';

export const DEFAULT_SCOPE = 'default';

/** Short, unguessable, URL- and button-safe ids. */
export function newId(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}

export interface Pinbot {
  readonly service: PinningService;
  /** What the console's first line says about the account being managed. */
  readonly accountLabel: string;
  readonly sandbox: boolean;
  close(): Promise<void>;
}

/** The composition root: builds every part once from the configuration. */
export async function buildPinbot(config: Config, logger: Logger): Promise<Pinbot> {
  const sandbox = config.hfToken === undefined ? await startSandboxSimulator() : undefined;
  const client = createHfClient({
    baseUrl: sandbox ? sandbox.simulator.url : config.hfApiUrl,
    token: sandbox ? sandbox.token : (config.hfToken ?? ''),
    logger,
  });
  const service = new PinningService({
    apiFor: () => client,
    store: new MemoryProposalStore(),
    audit: new MemoryAuditLog(),
    lock: new MemoryScopeLock(),
    policy: openPolicy,
    clock: systemClock,
    logger,
    newId,
    proposalTtlMs: config.proposalTtlMs,
  });
  return {
    service,
    sandbox: sandbox !== undefined,
    accountLabel: sandbox
      ? 'SANDBOX — a simulated Hugging Face account on this machine; nothing real is pinned. Set HF_TOKEN to manage your account.'
      : `Managing the Hugging Face account of HF_TOKEN at ${new URL(config.hfApiUrl).host}.`,
    close: async () => {
      await client.close();
      await sandbox?.simulator.close();
    },
  };
}

interface CliArguments {
  readonly commandLine: string;
  readonly assumeYes: boolean;
}

function parseArguments(argv: readonly string[]): CliArguments {
  const assumeYes = argv.includes('--yes') || argv.includes('-y');
  const words = argv.filter((word) => word !== '--yes' && word !== '-y' && word !== '--');
  return { commandLine: words.join(' '), assumeYes };
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const args = parseArguments(argv);
  // The console owns the terminal, so its logs go to stderr and only warnings are shown by default.
  const logger = createLogger({
    level: config.logLevel ?? 'warn',
    sink: process.stderr,
    secrets: [config.hfToken, config.slack?.botToken, config.slack?.signingSecret, config.slack?.appToken, config.discord?.token],
  });
  if (config.slack || config.discord) {
    logger.warn({}, 'Slack and Discord are configured but not served by this build; opening the console instead');
  }
  const pinbot = await buildPinbot(config, logger);
  const context: RequestContext = {
    scope: DEFAULT_SCOPE,
    principal: { platform: 'console', userId: safeUserName() },
    channel: { platform: 'console', channelId: 'terminal' },
  };
  const options = {
    service: pinbot.service,
    context,
    banner: `pinbot console — ${pinbot.accountLabel}`,
    assumeYes: args.assumeYes,
    input: process.stdin,
    output: process.stdout,
  };
  try {
    return args.commandLine === '' ? await runInteractive(options) : await runOneShot(args.commandLine, options);
  } finally {
    await pinbot.close();
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'console';
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`pinbot stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
