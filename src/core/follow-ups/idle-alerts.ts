import { createHash } from 'node:crypto';
import { isPinbotError } from '../domain/errors.ts';
import type { Pin } from '../domain/pin.ts';
import { STATUS_CLASSES } from '../domain/usage.ts';
import { code, strong, text, type CardAction, type Line } from '../domain/ui.ts';
import type { LiveState, ScopeBackend } from '../backend.ts';
import type { AuditLog, Clock, DriftAlert, Logger, OnceLedger, SnapshotStore, StoredUsageHour, UsageStore } from '../ports.ts';
import { readySegments } from '../workflow/ready-periods.ts';
import type { WatchedScope } from './drift-watcher.ts';
import type { Notifier } from './notifications.ts';

const HOUR_MS = 3_600_000;
/** How many of a scope's recent changes are read to tell since when an entry has been kept ready. */
const CHANGES_LOOKBACK = 1000;
export const LET_GO_COLD_LABEL = 'Let it go cold';

export interface IdleAlertsOptions {
  readonly scopes: readonly WatchedScope[];
  readonly backendFor: (scope: string) => ScopeBackend;
  readonly usage: UsageStore;
  readonly audit: AuditLog;
  readonly snapshots: SnapshotStore;
  readonly once: OnceLedger;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
}

/** One entry found idle: since when, and what keeping it ready cost since then where its price is known. */
export interface IdleFinding {
  readonly alert: DriftAlert;
  readonly entry: string;
  readonly idleSince: number;
  readonly cost?: number;
}

/**
 * Tells a scope's channels, once per idle period, of each entry kept ready that answered no requests
 * for the backend's "idle after" time, with a Let it go cold button that proposes removing it. Judged
 * only from sampled hours: an hour of the window that was not sampled means no alert. The period is
 * keyed by (scope, entry, when it began), in the once-ledger and as the stored alert's id, so
 * neither a restart nor a second pinbot process repeats it, and a new idle period alerts again.
 */
export class IdleAlerts {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: IdleAlertsOptions) {}

  /** With `checkNow`, the first check runs as soon as the caller's synchronous work is done (a console that has just opened). */
  start(options: { checkNow?: boolean } = {}): void {
    this.schedule(options.checkNow === true ? 0 : undefined);
  }

  /** Stops the timer and waits for a check in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  /** Checks every scope now; returns what was newly found idle and announced. */
  async checkAll(): Promise<IdleFinding[]> {
    const found: IdleFinding[] = [];
    for (const scope of this.options.scopes) found.push(...await this.check(scope));
    return found;
  }

  /** Checks one scope now; returns the entries newly found idle, each announced once. */
  async check(scope: WatchedScope): Promise<IdleFinding[]> {
    const { usage, clock, logger } = this.options;
    const backend = this.options.backendFor(scope.name);
    const idleAfterMs = backend.usage?.idleAfterMs;
    if (idleAfterMs === undefined || (await usage.denied(scope.name)) !== undefined) return [];
    const now = clock.now();
    let live: LiveState;
    try {
      live = await backend.read();
    } catch (error) {
      logger.warn({ scope: scope.name, code: isPinbotError(error) ? error.code : 'UNKNOWN' }, 'idle check could not read the scope');
      return [];
    }
    const changes = await this.options.audit.recent(scope.name, CHANGES_LOOKBACK);
    const found: IdleFinding[] = [];
    for (const pin of live.pins) {
      // Only the entries kept ready are read, each by its key: not every hour the scope kept.
      const entryRows = await usage.hours(scope.name, 0, now + 1, pin.modelId);
      const readyFrom = readySegments(pin.modelId, changes, live.pins, 0, now).at(-1)?.from ?? 0;
      const idleSince = idleStart(entryRows, readyFrom, now, idleAfterMs);
      if (idleSince === undefined) continue;
      const finding = await this.claim(scope.name, pin, live, idleSince, now, backend);
      if (finding === undefined) continue;
      await this.announce(scope, finding, backend);
      found.push(finding);
    }
    return found;
  }

  /** Keeps the alert of this idle period, unless it is kept already or another process has it. */
  private async claim(scope: string, pin: Pin, live: LiveState, idleSince: number, now: number, backend: ScopeBackend): Promise<IdleFinding | undefined> {
    const { snapshots, once } = this.options;
    const id = idleAlertId(scope, pin.modelId, idleSince);
    // The stored alert outlives the once-ledger's keys, so a long idle period is told once too.
    if ((await snapshots.getAlert(id)) !== undefined) return undefined;
    if (!(await once.claim(`idle:${scope}:${pin.modelId}:${idleSince}`))) return undefined;
    const alert: DriftAlert = {
      id,
      scope,
      previous: { pins: live.pins, allowed: live.allowed, at: idleSince },
      current: { pins: live.pins.filter((kept) => kept.modelId !== pin.modelId), allowed: live.allowed, at: now },
      detectedAt: now,
    };
    await snapshots.saveAlert(alert);
    const perHour = backend.usage?.readyCostPerHour(pin, live);
    this.options.logger.info({ scope, entry: pin.modelId, alertId: id, idleSince }, 'entry kept ready is idle');
    return { alert, entry: pin.modelId, idleSince, ...(perHour !== undefined ? { cost: perHour * ((now - idleSince) / HOUR_MS) } : {}) };
  }

  private async announce(scope: WatchedScope, finding: IdleFinding, backend: ScopeBackend): Promise<void> {
    const action: CardAction = {
      kind: 'letgocold', proposalId: finding.alert.id, label: LET_GO_COLD_LABEL, style: 'primary', typed: `remove ${finding.entry}`,
    };
    for (const channel of scope.notify) {
      await this.options.notifier.send({
        key: `idle:${finding.alert.id}:${channel.platform}:${channel.channelId}`,
        scope: scope.name,
        channel,
        message: { visibility: 'channel', lines: idleLines(scope.name, finding, backend.words.command.thing, this.options.clock.now()) },
        actions: [action],
        copyToScopeChannels: false,
      });
    }
  }

  private schedule(delayMs?: number): void {
    if (this.stopped) return;
    const { clock, intervalMs } = this.options;
    // Half way into each interval, on the wall clock, so every process picks the same moment.
    const intervalStart = clock.now() - (clock.now() % intervalMs);
    const next = intervalStart + intervalMs / 2 > clock.now() ? intervalStart + intervalMs / 2 : intervalStart + intervalMs * 1.5;
    this.timer = setTimeout(() => {
      const run = this.checkAll()
        .catch((error: unknown) => {
          this.options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'idle check failed');
        })
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
      this.running = run;
    }, delayMs ?? next - clock.now());
    this.timer.unref();
  }
}

/**
 * When the entry's idle period began, if it has lasted `idleAfterMs` by `now`: the end of the last
 * hour with requests, or when it was last made ready, or (neither known) its oldest sampled hour.
 * Undefined when it had requests in the window, or an hour of the window was not sampled.
 */
export function idleStart(rows: readonly StoredUsageHour[], readyFrom: number, now: number, idleAfterMs: number): number | undefined {
  const windowStart = now - idleAfterMs;
  const currentHour = now - (now % HOUR_MS);
  const sampled = new Set(rows.map((row) => row.hour));
  // Every whole hour of the window must have been sampled; the hour under way may not be yet.
  for (let hour = windowStart - (windowStart % HOUR_MS); hour < currentHour; hour += HOUR_MS) {
    if (!sampled.has(hour)) return undefined;
  }
  const busy = rows.filter((row) => STATUS_CLASSES.some((status) => row.requests[status] > 0)).map((row) => row.hour + HOUR_MS);
  const oldest = Math.min(...rows.map((row) => row.hour));
  const since = Math.max(readyFrom, ...busy, busy.length === 0 && readyFrom === 0 ? oldest : 0);
  return since <= windowStart ? since : undefined;
}

/** A stable id of an idle period, fit for a button: the same in every process. */
export function idleAlertId(scope: string, entry: string, idleSince: number): string {
  return `idle-${createHash('sha256').update(`${scope}\u0000${entry}\u0000${idleSince}`).digest('base64url').slice(0, 24)}`;
}

/** The alert's message. */
export function idleLines(scope: string, finding: IdleFinding, thing: string, now: number): Line[] {
  const cost = finding.cost !== undefined
    ? `Keeping it ready cost about $${finding.cost.toFixed(2)} over that time.`
    : 'Its price is unknown, so what keeping it ready cost over that time is unknown.';
  return [
    [strong(`💤 The ${thing} `), code(finding.entry), strong(` of scope ${scope} has had no requests for ${idleFor(now - finding.idleSince)}.`)],
    [text(cost)],
    [text(`${LET_GO_COLD_LABEL} proposes removing it for approval; nothing is written until someone approves it.`)],
  ];
}

/** `45 min`, `2 h 5 min`, `26 h`, `3 d 4 h`: how long, to the hour past a few hours. */
export function idleFor(ms: number): string {
  const hours = Math.floor(ms / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / 60_000);
  if (hours < 1) return `${minutes} min`;
  if (hours < 6) return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
  if (hours < 48) return `${hours} h`;
  return hours % 24 === 0 ? `${hours / 24} d` : `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
