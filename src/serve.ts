import type { Config } from './config.ts';
import { Notifier, settledNotice, type Notification } from './core/notifications.ts';
import type { Logger } from './core/ports.ts';
import type { Proposal } from './core/proposal.ts';
import { createOpsRoutes, startOpsServer } from './http/ops-routes.ts';
import type { PrometheusMetrics } from './metrics.ts';
import type { Pinbot } from './pinbot.ts';

/** A running chat platform, as the server needs it. */
export interface PlatformHandle {
  readonly name: 'slack' | 'discord';
  /** Redraws a proposal's card in its current state, when the card lives on this platform. */
  refreshCard(proposal: Proposal): Promise<void>;
  /** Posts a notification in one of this platform's channels. */
  deliver(notification: Notification): Promise<void>;
  connected(): boolean;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** How often pending proposals past their expiry are expired. Default 60 s. */
  readonly expirySweepMs?: number;
}

export interface Server {
  readonly port: number;
  /**
   * Sends a notification once per key across restarts and replicas, on whichever configured
   * platform its channel is on (settled proposals, model loads, drift alerts).
   */
  readonly notifier: Notifier;
  /** Stops taking commands, lets an apply in flight finish, then closes everything. */
  shutdown(): Promise<void>;
}

const DEFAULT_EXPIRY_SWEEP_MS = 60_000;

/** Serves every configured platform on one pinbot, plus `/healthz`, `/readyz` and `/metrics`. */
export async function serve(
  pinbot: Pinbot, config: Config, logger: Logger, metrics: PrometheusMetrics, options: ServeOptions = {},
): Promise<Server> {
  for (const check of await pinbot.checkTokens()) {
    if (check.ok) logger.info({ scope: check.scope }, 'scope token works');
    else logger.error({ scope: check.scope }, check.problem ?? 'scope token check failed');
  }

  const platforms: PlatformHandle[] = [];
  // Keys live in the durable store, so neither a restart nor another replica repeats a notice.
  const notifier = new Notifier(pinbot.store.once, logger);
  const routes = createOpsRoutes({
    metrics,
    readiness: async () => {
      const checks: Record<string, boolean> = { store: await pinbot.storeReady().catch(() => false) };
      for (const platform of platforms) checks[platform.name] = platform.connected();
      return { ready: Object.values(checks).every(Boolean) && platforms.length > 0, checks };
    },
  });

  let port = config.port;
  let opsServer: { port: number; close(): Promise<void> } | undefined;
  if (config.slack) {
    const { startSlack } = await import('./adapters/slack/app.ts');
    const slack = await startSlack({ service: pinbot.service, scopeFor: pinbot.scopeFor, config: config.slack, port: config.port, logger, routes,
      lookUpUserGroups: pinbot.usesSlackGroups, notifier,
    });
    port = slack.port;
    platforms.push({
      name: 'slack', refreshCard: (p) => slack.refreshCard(p), deliver: (n) => slack.deliver(n), connected: () => true, stop: () => slack.stop(),
    });
  } else {
    opsServer = await startOpsServer(routes, config.port);
    port = opsServer.port;
  }
  if (config.discord) {
    const { startDiscord } = await import('./adapters/discord/client.ts');
    const discord = await startDiscord({ service: pinbot.service, scopeFor: pinbot.scopeFor, config: config.discord, logger, notifier });
    platforms.push({
      name: 'discord',
      refreshCard: (p) => discord.refreshCard(p),
      deliver: (n) => discord.deliver(n),
      connected: () => discord.client.isReady(),
      stop: () => discord.stop(),
    });
  }
  // Added before any click can settle a proposal: handling a request needs I/O, and this runs first.
  for (const platform of platforms) notifier.addChannel({ platform: platform.name, deliver: (n) => platform.deliver(n) });

  /** Proposals settled outside a click: their cards show the final state, and the channel is told once. */
  const announceSettled = async (proposals: readonly Proposal[]) => {
    for (const proposal of proposals) {
      for (const platform of platforms) await platform.refreshCard(proposal).catch(() => undefined);
      await notifier.send(settledNotice(proposal));
    }
  };
  await announceSettled(await pinbot.service.recoverInterrupted());
  const sweep = setInterval(() => {
    pinbot.service.expireDue().then(announceSettled).catch((error: unknown) => {
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'expiry sweep failed');
    });
  }, options.expirySweepMs ?? DEFAULT_EXPIRY_SWEEP_MS);
  sweep.unref();
  logger.info({ port, platforms: platforms.map((p) => p.name) }, 'pinbot ready');

  return {
    port,
    notifier,
    shutdown: async () => {
      clearInterval(sweep);
      for (const platform of platforms) await platform.stop();
      await opsServer?.close();
      await pinbot.close();
    },
  };
}
