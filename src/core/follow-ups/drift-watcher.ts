import { isPinbotError } from '../domain/errors.ts';
import type { Notifier } from './notifications.ts';
import type { BackendWords, ScopeBackend } from '../backend.ts';
import { diffLists } from '../domain/plan.ts';
import type { AuditLog, ChannelRef, Clock, DriftAlert, Logger, OnceLedger, ScopeLock, ScopeSnapshot, SnapshotStore } from '../ports.ts';
import { diffLine, strong, text, type CardAction, type Line } from '../domain/ui.ts';

export interface WatchedScope {
  readonly name: string;
  /** Channels told of every drift in this scope, besides the channel of its last applied change. */
  readonly notify: readonly ChannelRef[];
}

export interface DriftWatcherOptions {
  readonly scopes: readonly WatchedScope[];
  readonly backendFor: (scope: string) => ScopeBackend;
  readonly snapshots: SnapshotStore;
  readonly audit: AuditLog;
  readonly lock: ScopeLock;
  readonly once: OnceLedger;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly newId: () => string;
  readonly intervalMs: number;
}

/**
 * How long until scope `index` of `count` is next read. Each scope has its own place in every
 * interval, `(index + ½) / count` of the way in, on the wall clock: the reads of many scopes come
 * evenly spread rather than in a burst, every pinbot process picks the same moment for a scope (so the
 * once-claim leaves the read to one of them), and each read falls well inside its interval.
 */
export function driftPollDelay(now: number, intervalMs: number, index: number, count: number): number {
  const offset = ((index + 0.5) / count) * intervalMs;
  const intervalStart = now - (now % intervalMs);
  const next = intervalStart + offset > now ? intervalStart + offset : intervalStart + intervalMs + offset;
  return next - now;
}

/**
 * Reads each scope's live list on an interval and compares it with the list pinbot last applied or
 * saw. A difference made elsewhere gets an alert with the diff and a Restore button; a changed
 * quota is announced too. Only one pinbot process reads a scope per interval.
 */
export class DriftWatcher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly options: DriftWatcherOptions) {}

  start(): void {
    this.options.scopes.forEach((scope, index) => this.schedule(scope, index));
  }

  /** Stops the timers and waits for a check in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /**
   * Checks one scope now. Returns the alert when the list or quota changed outside pinbot, and
   * `undefined` when nothing changed, another pinbot process has this interval, or the list is unreadable.
   */
  async check(scope: WatchedScope): Promise<DriftAlert | undefined> {
    const { clock, intervalMs } = this.options;
    const slot = Math.floor(clock.now() / intervalMs);
    if (!(await this.options.once.claim(`drift-check:${scope.name}:${slot}`))) return undefined;
    // Under the apply lock, a write by pinbot and its snapshot are never seen half done.
    const alert = await this.options.lock.withLock(scope.name, () => this.compare(scope.name));
    if (alert) await this.announce(scope, alert);
    return alert;
  }

  private async compare(scope: string): Promise<DriftAlert | undefined> {
    const { snapshots, clock } = this.options;
    const backend = this.options.backendFor(scope);
    const what = backend.words.drift.read;
    let current: ScopeSnapshot;
    try {
      const live = await backend.read();
      current = { pins: live.pins, allowed: live.allowed, at: clock.now() };
    } catch (error) {
      this.options.logger.warn({ scope, code: isPinbotError(error) ? error.code : 'UNKNOWN' }, `drift check could not read the ${what}`);
      return undefined;
    }
    const previous = await snapshots.lastSeen(scope);
    await snapshots.recordSeen(scope, current);
    if (!previous) return undefined;
    if (backend.version(previous.pins) === backend.version(current.pins) && previous.allowed === current.allowed) return undefined;
    const alert: DriftAlert = { id: this.options.newId(), scope, previous, current, detectedAt: current.at };
    await snapshots.saveAlert(alert);
    this.options.logger.warn({ scope, alertId: alert.id }, `${what} changed outside pinbot`);
    return alert;
  }

  private async announce(scope: WatchedScope, alert: DriftAlert): Promise<void> {
    const [lastChange] = await this.options.audit.recent(scope.name, 1);
    const channels = [...scope.notify, ...(lastChange ? [lastChange.channel] : [])].filter(
      (channel, index, all) => all.findIndex((c) => c.platform === channel.platform && c.channelId === channel.channelId) === index,
    );
    const backend = this.options.backendFor(scope.name);
    const pinsChanged = backend.version(alert.previous.pins) !== backend.version(alert.current.pins);
    const actions: CardAction[] = pinsChanged
      ? [{ kind: 'restore', proposalId: alert.id, label: backend.words.drift.restoreLabel, style: 'primary' }]
      : [];
    for (const channel of channels) {
      await this.options.notifier.send({
        key: `drift:${alert.id}:${channel.platform}:${channel.channelId}`,
        scope: scope.name,
        channel,
        message: { visibility: 'channel', isError: true, lines: driftLines(alert, backend.words, pinsChanged) },
        actions,
        copyToScopeChannels: false,
      });
    }
  }

  private schedule(scope: WatchedScope, index: number): void {
    if (this.stopped) return;
    const { clock, intervalMs, scopes } = this.options;
    const wait = driftPollDelay(clock.now(), intervalMs, index, scopes.length);
    const timer = setTimeout(() => {
      const run = this.check(scope)
        .catch((error: unknown) => {
          this.options.logger.warn({ scope: scope.name, error: error instanceof Error ? error.message : String(error) }, 'drift check failed');
        })
        .finally(() => {
          this.running.delete(run);
          this.schedule(scope, index);
        });
      this.running.add(run);
    }, wait);
    timer.unref();
    this.timers.set(scope.name, timer);
  }
}

/** The alert's message; `restorable` when the entries changed (not only the cap), so Restore is offered. */
export function driftLines(alert: DriftAlert, words: BackendWords, restorable: boolean): Line[] {
  const lines: Line[] = [[strong(`⚠️ The ${words.drift.what} of scope ${alert.scope} were changed outside pinbot.`)]];
  for (const line of diffLists(alert.previous.pins, alert.current.pins)) lines.push(diffLine(line));
  if (alert.previous.allowed !== alert.current.allowed) {
    lines.push([text(`Slots allowed by the plan: ${alert.previous.allowed} → ${alert.current.allowed}.`)]);
  }
  if (restorable) {
    lines.push([text(`Restore proposes ${words.drift.previous} for approval; nothing is written until someone approves it.`)]);
  }
  return lines;
}
