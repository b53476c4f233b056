import type { Config } from './config.ts';
import { DriftWatcher, type WatchedScope } from './core/follow-ups/drift-watcher.ts';
import { IdleAlerts } from './core/follow-ups/idle-alerts.ts';
import { LoadTracker } from './core/follow-ups/load-tracker.ts';
import { UsageSampler } from './core/follow-ups/usage-sampler.ts';
import { ScheduleSwitcher } from './core/follow-ups/schedule-switcher.ts';
import { wordsOf } from './backends/registry.ts';
import type { Proposal } from './core/domain/proposal.ts';
import { scheduleIdOf } from './core/workflow/schedule-workflow.ts';
import type { Notifier } from './core/follow-ups/notifications.ts';
import type { Clock, Logger } from './core/ports.ts';
import { newId, type Pinbot } from './pinbot.ts';

export interface FollowUpDeps {
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Follows the models an applied change pins until they load; the follows are kept in the store. */
export function createLoadTracker(pinbot: Pinbot, config: Config, deps: FollowUpDeps, initialDelayMs?: number): LoadTracker {
  return new LoadTracker({
    backendFor: (scope) => pinbot.backendFor(scope), ...deps, timeoutMs: config.loadTimeoutMs, follows: pinbot.store.loads,
    readyTimes: pinbot.store.readyTimes,
    ...(initialDelayMs !== undefined ? { initialDelayMs } : {}),
  });
}

/** Samples the usage counters of every scope whose backend has them; undefined when `PINBOT_USAGE_INTERVAL` is off. */
export function createUsageSampler(pinbot: Pinbot, config: Config, deps: Pick<FollowUpDeps, 'clock' | 'logger'>): UsageSampler | undefined {
  if (config.usageIntervalMs === undefined) return undefined;
  return new UsageSampler({
    scopes: pinbot.scopes.map((scope) => scope.name),
    backendFor: (scope) => pinbot.backendFor(scope),
    usage: pinbot.store.usage,
    once: pinbot.store.once,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'usage-sampler' }),
    intervalMs: config.usageIntervalMs,
    retentionMs: config.usageRetentionMs,
  });
}

/** Watches the given scopes for changes made outside pinbot; undefined when `PINBOT_DRIFT_INTERVAL` is off. */
export function createDriftWatcher(pinbot: Pinbot, config: Config, scopes: readonly WatchedScope[], deps: FollowUpDeps): DriftWatcher | undefined {
  if (config.driftIntervalMs === undefined) return undefined;
  return new DriftWatcher({
    scopes,
    backendFor: (scope) => pinbot.backendFor(scope),
    snapshots: pinbot.store.snapshots,
    audit: pinbot.store.audit,
    lock: pinbot.store.lock,
    once: pinbot.store.once,
    ...deps,
    newId,
    intervalMs: config.driftIntervalMs,
  });
}

/**
 * Tells the given scopes' channels of entries kept ready with no requests, once per idle period;
 * checked every usage interval, so undefined when `PINBOT_USAGE_INTERVAL` is off.
 */
export function createIdleAlerts(pinbot: Pinbot, config: Config, scopes: readonly WatchedScope[], deps: FollowUpDeps): IdleAlerts | undefined {
  if (config.usageIntervalMs === undefined) return undefined;
  return new IdleAlerts({
    scopes,
    backendFor: (scope) => pinbot.backendFor(scope),
    usage: pinbot.store.usage,
    audit: pinbot.store.audit,
    snapshots: pinbot.store.snapshots,
    once: pinbot.store.once,
    notifier: deps.notifier,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'idle-alerts' }),
    intervalMs: config.usageIntervalMs,
  });
}

/** Fires the approved schedules' switches on time; every process runs one, and each switch is claimed by one. */
export function createScheduleSwitcher(pinbot: Pinbot, deps: FollowUpDeps, tickMs?: number): ScheduleSwitcher {
  return new ScheduleSwitcher({
    service: pinbot.service,
    schedules: pinbot.store.schedules,
    readyTimes: pinbot.store.readyTimes,
    notifier: deps.notifier,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'schedules' }),
    wordsOf,
    ...(tickMs !== undefined ? { tickMs } : {}),
  });
}

/**
 * Follows an applied change's new entries until they load. A schedule's switch has no card of its
 * own: its follow-ups reply under the schedule's card, as its switch line does.
 */
export async function followLoads(pinbot: Pinbot, loads: LoadTracker, proposal: Proposal, startedAt?: number): Promise<void> {
  const scheduleId = scheduleIdOf(proposal.requester);
  const scheduleCard = scheduleId === undefined ? undefined : (await pinbot.service.getProposal(scheduleId).catch(() => undefined))?.messageRef;
  await loads.track(proposal, startedAt, proposal.messageRef ?? scheduleCard);
}
