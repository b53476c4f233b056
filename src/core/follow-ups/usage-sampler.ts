import { isPinbotError } from '../domain/errors.ts';
import type { ScopeBackend, UsageSource } from '../backend.ts';
import type { Clock, Logger, OnceLedger, UsageStore } from '../ports.ts';
import { countIncrease } from './counter-increase.ts';
import { driftPollDelay } from './drift-watcher.ts';

const HOUR_MS = 3_600_000;
/** A baseline older than this many intervals is a gap: pinbot was not sampling in between. */
const GAP_INTERVALS = 2;
/** How long a scope whose account may not read usage waits before it is asked again, at least. */
const MIN_DENIED_RETRY_MS = 6 * HOUR_MS;

export interface UsageSamplerOptions {
  readonly scopes: readonly string[];
  readonly backendFor: (scope: string) => ScopeBackend;
  readonly usage: UsageStore;
  readonly once: OnceLedger;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
  /** How long hourly rows are kept. */
  readonly retentionMs: number;
  /** How long after a refusal a scope's usage is asked for again. Default: 6 h, or 12 intervals if longer. */
  readonly deniedRetryMs?: number;
}

/** What one call of `sample` did. */
export type SampleOutcome =
  /** The requests since the last sample were added to the hour. */
  | 'counted'
  /** The counters were kept as the start of the next count; nothing was added. */
  | 'baseline'
  /** Another pinbot process has this entry's sample for this interval. */
  | 'elsewhere'
  /** The account may not read usage; found now. */
  | 'denied'
  /** The account was found unable to read usage not long ago; not asked this time. */
  | 'waiting'
  /** The read failed: a gap, nothing counted across it. */
  | 'failed';

interface Sampled {
  readonly scope: string;
  readonly entry: string;
}

/**
 * Samples each entry's request counters every interval and keeps hourly counts of the increase.
 * Each entry has its own point in the interval (as drift checks do for scopes), so many entries
 * are read evenly spread; each sample is taken by one pinbot process (the once-ledger). A scope
 * whose account may not read usage is logged once and asked again rarely.
 */
export class UsageSampler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private rosterTimer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<unknown>>();
  private roster: readonly Sampled[] = [];
  private stopped = false;

  constructor(private readonly options: UsageSamplerOptions) {}

  start(): void {
    this.track(this.refresh());
  }

  /** Stops the timers and waits for samples in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.rosterTimer !== undefined) clearTimeout(this.rosterTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /**
   * Reads which entries each scope has, prunes old hours (one process per interval), and places
   * every entry's next sample; again at the start of every interval.
   */
  async refresh(): Promise<void> {
    const { clock, intervalMs, logger } = this.options;
    const previous = this.roster;
    const roster: Sampled[] = [];
    for (const scope of this.options.scopes) {
      const source = this.sourceOf(scope);
      if (source === undefined) continue;
      try {
        for (const entry of [...await source.entries()].sort()) roster.push({ scope, entry });
      } catch (error) {
        // Unreadable now: keep sampling the entries known before.
        logger.warn({ scope, code: isPinbotError(error) ? error.code : 'UNKNOWN' }, 'usage sampler could not list the entries');
        roster.push(...previous.filter((known) => known.scope === scope));
      }
    }
    this.roster = roster;
    const slot = Math.floor(clock.now() / intervalMs);
    if (await this.options.once.claim(`usage-prune:${slot}`)) {
      const pruned = await this.options.usage.prune(clock.now() - this.options.retentionMs);
      if (pruned > 0) logger.info({ rows: pruned }, 'usage hours past the retention pruned');
    }
    this.placeAll();
  }

  /** Samples one entry now, unless another process has this interval's sample of it. */
  async sample(scope: string, entry: string): Promise<SampleOutcome> {
    const { clock, intervalMs, usage, logger } = this.options;
    const source = this.sourceOf(scope);
    if (source === undefined) return 'failed';
    const now = clock.now();
    if (!(await this.options.once.claim(`usage-sample:${scope}:${entry}:${Math.floor(now / intervalMs)}`))) return 'elsewhere';
    const denial = await usage.denied(scope);
    if (denial !== undefined && now - denial.at < this.deniedRetryMs()) return 'waiting';

    let reading;
    try {
      reading = await source.sample(entry);
    } catch (error) {
      logger.warn({ scope, entry, code: isPinbotError(error) ? error.code : 'UNKNOWN' }, 'usage sample failed; nothing is counted across the gap');
      await usage.markGap(scope, entry);
      return 'failed';
    }
    if (reading.kind === 'denied') {
      if (denial === undefined) logger.warn({ scope, reason: reading.reason }, 'usage is not readable for this scope; asking again rarely');
      await usage.setDenied(scope, { reason: reading.reason, at: now });
      return 'denied';
    }
    if (denial !== undefined) {
      await usage.setDenied(scope, undefined);
      logger.info({ scope }, 'usage is readable again for this scope');
    }
    const { counters, latency } = reading.sample;
    const before = await usage.baseline(scope, entry);
    const requests = countIncrease(before, counters, now, GAP_INTERVALS * intervalMs);
    const increment = requests === undefined ? undefined : { hour: now - (now % HOUR_MS), requests, ...(latency !== undefined ? { latency } : {}) };
    // Kept only if no other process moved the baseline since it was read (a late sample of the
    // interval before, at the same moment): else both would add the same requests.
    const kept = await usage.record(scope, entry, { at: now, counters, gap: false }, increment, before === undefined ? null : { at: before.at, gap: before.gap });
    if (!kept) {
      logger.info({ scope, entry }, 'usage sample dropped: another process sampled this entry meanwhile');
      return 'elsewhere';
    }
    return increment === undefined ? 'baseline' : 'counted';
  }

  private deniedRetryMs(): number {
    return this.options.deniedRetryMs ?? Math.max(MIN_DENIED_RETRY_MS, 12 * this.options.intervalMs);
  }

  private sourceOf(scope: string): UsageSource | undefined {
    return this.options.backendFor(scope).usage;
  }

  private placeAll(): void {
    if (this.stopped) return;
    // A placed sample keeps its timer: one due while the roster was read, but not yet fired, would
    // otherwise be placed again past its point, in the next interval, and this one would have none.
    // It takes its new place in the roster when it is placed after it runs.
    const onRoster = new Set(this.roster.map((sampled) => keyOf(sampled)));
    for (const [key, timer] of this.timers) {
      if (onRoster.has(key)) continue;
      clearTimeout(timer);
      this.timers.delete(key);
    }
    this.roster.forEach((sampled, index) => {
      if (!this.timers.has(keyOf(sampled))) this.place(sampled, index);
    });
    const { clock, intervalMs } = this.options;
    if (this.rosterTimer !== undefined) clearTimeout(this.rosterTimer);
    this.rosterTimer = setTimeout(() => this.track(this.refresh()), intervalMs - (clock.now() % intervalMs));
    this.rosterTimer.unref();
  }

  private place(sampled: Sampled, index: number): void {
    if (this.stopped) return;
    const { clock, intervalMs } = this.options;
    const key = keyOf(sampled);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.track(this.sample(sampled.scope, sampled.entry).finally(() => {
        const at = this.roster.findIndex((known) => known.scope === sampled.scope && known.entry === sampled.entry);
        if (at !== -1 && !this.timers.has(key)) this.place(sampled, at);
      }));
    }, driftPollDelay(clock.now(), intervalMs, index, this.roster.length));
    timer.unref();
    this.timers.set(key, timer);
  }

  private track(work: Promise<unknown>): void {
    const run = work
      .catch((error: unknown) => {
        this.options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'usage sampling failed');
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }
}

function keyOf(sampled: Sampled): string {
  return `${sampled.scope}\u0000${sampled.entry}`;
}
