import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { Notifier } from './core/follow-ups/notifications.ts';
import type { RequestContext } from './core/workflow/pinning-service.ts';
import { systemClock, type Logger } from './core/ports.ts';
import { NO_INPUT_FOR_CONSOLE, noInputForConsole } from './adapters/console/no-terminal.ts';
import { runInteractive, runOneShot } from './adapters/console/run-console.ts';
import { CONSOLE_CHANNEL } from './adapters/console/channel-ref.ts';
import { StartAbortedError } from './adapters/start-with-retry.ts';
import { fatalMessage } from './fatal-message.ts';
import { createDriftWatcher, createIdleAlerts, createLoadTracker, createScheduleSwitcher, createUsageSampler, followLoads } from './follow-ups.ts';
import { ConsoleClock } from './adapters/console/sandbox-clock.ts';
import { sandboxClockMessage } from './adapters/console/sandbox-clock-words.ts';
import type { Message } from './core/domain/ui.ts';
import { createLogger } from './logger.ts';
import { createPrometheusMetrics } from './metrics.ts';
import { buildPinbot, someNames, type Pinbot } from './pinbot.ts';
import { configSecrets, SecretScrubber } from './secrets.ts';
import { serve } from './serve.ts';

/** How long the process may linger after main has returned, on handles it did not open. */
const EXIT_BOUND_MS = 500;
/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_BOUND_MS = 20_000;

interface CliArguments {
  readonly commandLine: string;
  readonly assumeYes: boolean;
  /** `--scope NAME`: which scope the console acts on when PINBOT_CONFIG lists several. */
  readonly scope?: string;
}

function parseArguments(argv: readonly string[]): CliArguments {
  const words: string[] = [];
  let assumeYes = false;
  let scope: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--yes' || word === '-y') assumeYes = true;
    else if (word === '--scope') scope = argv[++i];
    else if (word.startsWith('--scope=')) scope = word.slice('--scope='.length);
    else if (word !== '--') words.push(word);
  }
  return { commandLine: words.join(' '), assumeYes, ...(scope !== undefined ? { scope } : {}) };
}

/**
 * Serves every configured chat platform; with none, or with a command on the command line, runs
 * the console. Returns the exit code.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, scrubber = new SecretScrubber()): Promise<number> {
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
  const serving = args.commandLine === '' && (config.slack !== undefined || config.discord !== undefined);
  // One scrubber for the log sink, every chat message and a fatal error's line; buildPinbot adds
  // each scope's token.
  scrubber.add(configSecrets(config));
  // A container started with no platform and no terminal would open a console nobody can type in.
  if (!serving && args.commandLine === '' && noInputForConsole(process.stdin)) {
    process.stderr.write(`${NO_INPUT_FOR_CONSOLE}\n`);
    return 1;
  }
  const logger = createLogger({
    // The console owns the terminal, so its logs go to stderr and only warnings show by default.
    level: config.logLevel ?? (serving ? 'info' : 'warn'),
    sink: serving ? process.stdout : process.stderr,
    secrets: scrubber,
  });
  const metrics = createPrometheusMetrics();
  // The console's clock can be moved ahead in the sandbox (`advance`), to see a schedule switch.
  const clock = serving ? systemClock : new ConsoleClock();
  let pinbot;
  try {
    pinbot = await buildPinbot(config, { env, logger, metrics, scrubber, clock });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  return clock instanceof ConsoleClock ? runConsole(pinbot, config, logger, args, clock) : runServer(pinbot, config, logger, metrics);
}

async function runServer(...[pinbot, config, logger, metrics]: Parameters<typeof serve>): Promise<number> {
  // A rejection nobody awaited (one seen inside Bolt's HTTP receiver on a malformed signed body)
  // must not take every channel down with it: log it and keep serving.
  process.on('unhandledRejection', (reason) => {
    logger.error({ error: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection; still serving');
  });
  // Listening before start-up: a signal sent as soon as "pinbot ready" is read, or while starting,
  // must stop the server cleanly, not meet the default action and kill the process mid-write.
  // A signal while start-up waits for an unreachable platform stops the waiting.
  const starting = new AbortController();
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      starting.abort();
      resolve(signal);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  let server;
  try {
    server = await serve(pinbot, config, logger, metrics, { signal: starting.signal });
  } catch (error) {
    if (!(error instanceof StartAbortedError)) throw error;
    logger.info({ signal: await stopSignal }, 'stopped while waiting for a chat platform');
    await pinbot.close();
    return 0;
  }
  const signal = await stopSignal;
  logger.info({ signal }, 'shutting down');
  const bound = setTimeout(() => {
    logger.error({}, 'shutdown took too long; exiting');
    process.exit(1);
  }, SHUTDOWN_BOUND_MS);
  bound.unref();
  await server.shutdown();
  clearTimeout(bound);
  logger.info({}, 'stopped');
  return 0;
}

async function runConsole(pinbot: Pinbot, config: Config, logger: Logger, args: CliArguments, clock: ConsoleClock): Promise<number> {
  const scope = args.scope ?? pinbot.scopes[0]?.name ?? 'default';
  if (!pinbot.scopes.some((known) => known.name === scope)) {
    process.stderr.write(`There is no scope named ${scope}. Scopes: ${someNames(pinbot.scopes.map((known) => known.name))}.\n`);
    await pinbot.close();
    return 1;
  }
  const context: RequestContext = {
    scope,
    principal: { platform: 'console', userId: safeUserName() },
    channel: CONSOLE_CHANNEL,
  };
  const options = {
    service: pinbot.service,
    context,
    banner: `pinbot console — ${pinbot.accountLabel}${pinbot.scopes.length > 1 ? ` Scope: ${scope} (choose with --scope).` : ''}`,
    assumeYes: args.assumeYes,
    scopes: pinbot.scopes.map((known) => known.name),
    input: process.stdin,
    output: process.stdout,
    diagnostics: process.stderr,
    scrub: pinbot.scrubber.scrubText,
  };
  if (args.commandLine !== '') {
    try {
      return await runOneShot(args.commandLine, options);
    } finally {
      await pinbot.close();
    }
  }
  // As on Slack and Discord: a change applied here is followed until it loads, and a change made
  // elsewhere to this scope is reported; both are printed between commands.
  const deps = { notifier: new Notifier(pinbot.store.once, logger), clock, logger };
  const loads = createLoadTracker(pinbot, config, deps);
  pinbot.onSettled((proposal) => {
    if (proposal.state === 'applied') void followLoads(pinbot, loads, proposal);
  });
  const drift = createDriftWatcher(pinbot, config, [{ name: scope, notify: [context.channel] }], deps);
  const usage = createUsageSampler(pinbot, config, deps);
  const switcher = createScheduleSwitcher(pinbot, deps);
  const advance = async (ms: number): Promise<Message> => {
    clock.advance(ms);
    const fired = await switcher.tick();
    return sandboxClockMessage(clock, fired.length);
  };
  const idle = createIdleAlerts(pinbot, config, [{ name: scope, notify: [context.channel] }], deps);
  try {
    usage?.start();
    switcher.start();
    // The console's channel is added as the session opens, before the watcher's first timer can fire.
    drift?.start();
    // An entry already idle is told of as the console opens, not minutes later.
    idle?.start({ checkNow: true });
    return await runInteractive({ ...options, notifier: deps.notifier, ...(pinbot.sandbox ? { advance } : {}) });
  } finally {
    await switcher.stop();
    await drift?.stop();
    await idle?.stop();
    await usage?.stop();
    await loads.stop();
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

/** Runs pinbot as this process: its exit code, and no lingering on open handles after a fatal error. */
export function runAsProcess(): void {
  const scrubber = new SecretScrubber();
  main(process.argv.slice(2), process.env, scrubber).then(
    (code) => {
      process.exitCode = code;
      // Everything main opened is closed by now; a handle something else left open must not keep
      // the process (and whoever waits on it) hanging.
      setTimeout(() => process.exit(code), EXIT_BOUND_MS).unref();
    },
    (error: unknown) => {
      // A fatal error may leave servers, sockets or timers open: stop now, whatever they are.
      process.stderr.write(`${scrubber.scrub(fatalMessage(error))}\n`);
      process.exit(1);
    },
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) runAsProcess();
