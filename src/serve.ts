import type { Config } from './config.ts';
import type { WatchedScope } from './core/follow-ups/drift-watcher.ts';
import { createScheduleSwitcher, createDriftWatcher, followLoads, createIdleAlerts, createLoadTracker, createUsageSampler } from './follow-ups.ts';
import { Notifier, settledNotice, type Notification } from './core/follow-ups/notifications.ts';
import { wordsOf } from './backends/registry.ts';
import { systemClock, type ChannelRef, type Clock, type Logger } from './core/ports.ts';
import type { Proposal } from './core/domain/proposal.ts';
import { createOpsRoutes, metricsRoute, startOpsServer } from './http/ops-routes.ts';
import { startWithRetry } from './adapters/start-with-retry.ts';
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
  /** How often pending proposals past their expiry are expired and unconfirmed writes reconciled. Default 60 s. */
  readonly expirySweepMs?: number;
  readonly clock?: Clock;
  /** First wait before asking whether a newly pinned model has loaded. Default 2 s. */
  readonly loadPollMs?: number;
  /** How often due schedule switches are looked for. Default 15 s. */
  readonly scheduleTickMs?: number;
  /** Stops start-up while it waits for a chat platform it cannot reach (SIGTERM while starting). */
  readonly signal?: AbortSignal;
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
/** How far back start-up looks for settled proposals whose outcome was never posted. */
const UNTOLD_WITHIN_MS = 24 * 3_600_000;
/**
 * The sweep looks at proposals settled in the last 10 minutes but at least 30 s ago: the click
 * that settled one has had time to redraw and announce it unless its process died.
 */
const SWEEP_UNTOLD_WITHIN_MS = 10 * 60_000;
const SWEEP_UNTOLD_AFTER_MS = 30_000;
/**
 * Once-keys (notices, drift checks, usage samples, each per interval) are kept a week: far longer
 * than anything looks back to decide whether it was done (a day, at start-up), so the table stays
 * small without ever repeating an effect. Pruned at most hourly, by whichever process sweeps.
 */
const ONCE_KEYS_KEPT_MS = 7 * 24 * 3_600_000;
const ONCE_KEYS_PRUNE_EVERY_MS = 3_600_000;

/** Serves every configured platform on one pinbot, plus `/healthz`, `/readyz` and `/metrics`. */
export async function serve(
  pinbot: Pinbot, config: Config, logger: Logger, metrics: PrometheusMetrics, options: ServeOptions = {},
): Promise<Server> {
  if (pinbot.sandbox) logger.warn({ sandbox: true }, 'PINBOT_SANDBOX=on: serving the SANDBOX, a simulated Hugging Face account; every message says so');
  for (const check of await pinbot.checkTokens()) {
    if (check.ok) logger.info({ scope: check.scope }, 'scope token works');
    else logger.error({ scope: check.scope }, check.problem ?? 'scope token check failed');
  }

  const platforms: PlatformHandle[] = [];
  // Keys live in the durable store, so neither a restart nor another replica repeats a notice.
  const scopeChannels = new Map(pinbot.scopes.map((scope) => [scope.name, notifyChannels(scope.notify)]));
  const notifier = new Notifier(pinbot.store.once, logger, (scope) => scopeChannels.get(scope) ?? []);
  /** Platforms start-up is still waiting for, with the reason, for /readyz. */
  const waiting = new Map<PlatformHandle['name'], string>();
  const retry = (name: PlatformHandle['name']) => ({
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
    onWaiting: (reason: string | undefined) => {
      if (reason === undefined) waiting.delete(name);
      else waiting.set(name, reason);
    },
  });
  const routes = createOpsRoutes({
    ...(config.metricsPort === undefined ? { metrics } : {}),
    readiness: async () => {
      const checks: Record<string, boolean> = { store: await pinbot.storeReady().catch(() => false) };
      for (const platform of platforms) checks[platform.name] = platform.connected();
      for (const name of waiting.keys()) checks[name] = false;
      const reasons = Object.fromEntries(waiting);
      return { ready: Object.values(checks).every(Boolean) && platforms.length > 0, checks, ...(waiting.size > 0 ? { reasons } : {}) };
    },
  });

  let port = config.port;
  let opsServer: { port: number; close(): Promise<void> } | undefined;
  // On its own listener, so scrapes can stay on an internal network while PORT faces Slack.
  const metricsServer = config.metricsPort === undefined ? undefined : await startOpsServer([metricsRoute(metrics)], config.metricsPort);
  if (metricsServer) logger.info({ port: metricsServer.port }, 'serving /metrics on its own port');
  try {
    if (config.slack) {
      const { startSlack } = await import('./adapters/slack/app.ts');
      const slack = await startSlack({ service: pinbot.service, scopeFor: pinbot.scopeFor, config: config.slack, port: config.port, logger, routes,
        lookUpUserGroups: pinbot.usesSlackGroups, notifier, retry: retry('slack'), secrets: pinbot.scrubber, ...(pinbot.marker ? { marker: pinbot.marker } : {}),
      });
      port = slack.port;
      platforms.push({
        name: 'slack', refreshCard: (p) => slack.refreshCard(p), deliver: (n) => slack.deliver(n), connected: () => true, stop: () => slack.stop(),
      });
    } else {
      opsServer = await startOpsServer(routes, config.port);
      port = opsServer.port;
      // Said before the platforms start: start-up may wait for one, and /readyz says why meanwhile.
      logger.info({ port }, 'serving /healthz, /readyz and /metrics');
    }
    if (config.discord) {
      const { startDiscord } = await import('./adapters/discord/client.ts');
      const discordConfig = config.discord;
      const discord = await startWithRetry(
        () => startDiscord({
          service: pinbot.service, scopeFor: pinbot.scopeFor, config: discordConfig, logger, notifier, secrets: pinbot.scrubber, ...(pinbot.marker ? { marker: pinbot.marker } : {}),
        }),
        { logger: logger.child({ platform: 'discord' }), ...retry('discord') },
      );
      platforms.push({
        name: 'discord',
        refreshCard: (p) => discord.refreshCard(p),
        deliver: (n) => discord.deliver(n),
        connected: () => discord.client.isReady(),
        stop: () => discord.stop(),
      });
    }
  } catch (error) {
    // Nothing may stay open behind a failed or stopped start-up.
    for (const platform of platforms) await platform.stop().catch(() => undefined);
    await opsServer?.close();
    await metricsServer?.close();
    throw error;
  }
  // Added before any click can settle a proposal: handling a request needs I/O, and this runs first.
  for (const platform of platforms) notifier.addChannel({ platform: platform.name, deliver: (n) => platform.deliver(n) });

  /** Proposals settled outside a click: their cards show the final state, and the channel is told once. */
  const announceSettled = async (proposals: readonly Proposal[]) => {
    for (const proposal of proposals) {
      for (const platform of platforms) await platform.refreshCard(proposal).catch(() => undefined);
      await notifier.send(settledNotice(proposal, { wordsOf }));
    }
  };
  /**
   * Proposals a stopped process settled but died before telling (killed between the write and the
   * card edit): the channel was never told, so the card may still offer buttons. Told now, once.
   */
  const announceUntold = async (proposals: readonly Proposal[]) => {
    for (const proposal of proposals) {
      if (!(await notifier.send(settledNotice(proposal, { wordsOf })))) continue;
      logger.info({ scope: proposal.scope, proposalId: proposal.id, state: proposal.state }, 'settled proposal told after a restart');
      for (const platform of platforms) await platform.refreshCard(proposal).catch(() => undefined);
    }
  };
  const clock = options.clock ?? systemClock;
  // Before recovery, so an interrupted apply found written is followed too; follows recorded in
  // the store outlive this process, and those a stopped one left are resumed here.
  const loads = createLoadTracker(pinbot, config, { notifier, clock, logger }, options.loadPollMs);
  pinbot.onSettled((proposal) => {
    if (proposal.state === 'applied') void followLoads(pinbot, loads, proposal);
    // Settled by another proposal's apply, not by a click on its own card: redraw it and tell the channel here.
    if (proposal.outcome?.kind === 'stale' && proposal.outcome.supersededBy !== undefined) {
      announceSettled([proposal]).catch((error: unknown) => {
        logger.warn({ proposalId: proposal.id, error: error instanceof Error ? error.message : String(error) }, 'superseded card not redrawn');
      });
    }
  });
  void loads.resume();
  await announceSettled(await pinbot.service.recoverInterrupted());
  const recent = await pinbot.service.recentlySettled(UNTOLD_WITHIN_MS);
  await announceUntold(recent);
  // A process that died right after a write may not have recorded its load follows: record and
  // follow them now, from the approval, for changes recent enough to be still followed.
  for (const proposal of recent) {
    const appliedAt = proposal.decidedAt ?? 0;
    if (proposal.state === 'applied' && clock.now() - appliedAt < config.loadTimeoutMs) void followLoads(pinbot, loads, proposal, appliedAt);
  }
  let onceKeysPrunedAt = Number.NEGATIVE_INFINITY;
  const sweep = setInterval(() => {
    const sweepOnce = async () => {
      if (clock.now() - onceKeysPrunedAt >= ONCE_KEYS_PRUNE_EVERY_MS) {
        onceKeysPrunedAt = clock.now();
        const pruned = await pinbot.store.once.prune(clock.now() - ONCE_KEYS_KEPT_MS);
        if (pruned > 0) logger.info({ pruned }, 'once-keys older than a week forgotten');
      }
      await announceSettled(await pinbot.service.expireDue());
      await announceSettled(await pinbot.service.recoverInterrupted());
      // Another replica that died between a write and its card edit: told here, without a restart.
      await announceUntold(await pinbot.service.recentlySettled(SWEEP_UNTOLD_WITHIN_MS, SWEEP_UNTOLD_AFTER_MS));
    };
    sweepOnce().catch((error: unknown) => {
      logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'expiry sweep failed');
    });
  }, options.expirySweepMs ?? DEFAULT_EXPIRY_SWEEP_MS);
  sweep.unref();

  const watched = pinbot.scopes.map((scope): WatchedScope => ({ name: scope.name, notify: scopeChannels.get(scope.name) ?? [] }));
  const drift = createDriftWatcher(pinbot, config, watched, { notifier, clock, logger });
  drift?.start();
  const usage = createUsageSampler(pinbot, config, { clock, logger });
  usage?.start();
  const idle = createIdleAlerts(pinbot, config, watched, { notifier, clock, logger });
  idle?.start();
  const switcher = createScheduleSwitcher(pinbot, { notifier, clock, logger }, options.scheduleTickMs);
  switcher.start();
  logger.info({ port, platforms: platforms.map((p) => p.name) }, 'pinbot ready');

  return {
    port,
    notifier,
    shutdown: async () => {
      clearInterval(sweep);
      await drift?.stop();
      await usage?.stop();
      await idle?.stop();
      await switcher.stop();
      for (const platform of platforms) await platform.stop();
      await loads.stop();
      await opsServer?.close();
      await metricsServer?.close();
      await pinbot.close();
    },
  };
}

function notifyChannels(notify: { readonly slack?: string; readonly discord?: string }): ChannelRef[] {
  return [
    ...(notify.slack !== undefined ? [{ platform: 'slack' as const, channelId: notify.slack }] : []),
    ...(notify.discord !== undefined ? [{ platform: 'discord' as const, channelId: notify.discord }] : []),
  ];
}
