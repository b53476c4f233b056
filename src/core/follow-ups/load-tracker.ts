import { isPinbotError } from '../domain/errors.ts';
import type { Notifier } from './notifications.ts';
import type { ScopeBackend } from '../backend.ts';
import type { Clock, LoadFollow, LoadFollowStore, Logger, ModelStatus, ReadyTimeStore } from '../ports.ts';
import type { Proposal } from '../domain/proposal.ts';
import { describeCompute } from '../words/replies.ts';
import { code, text, type Line } from '../domain/ui.ts';

export interface LoadTrackerOptions {
  readonly backendFor: (scope: string) => ScopeBackend;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  /** First wait before asking; doubles up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** After this long a model still loading is reported as such and no longer followed. */
  readonly timeoutMs?: number;
  /** Where follows are kept so a restart resumes them; in this process only when absent. */
  readonly follows?: LoadFollowStore;
  /** Where how long each entry took to be ready is kept, so a schedule can start it early enough. */
  readonly readyTimes?: ReadyTimeStore;
}

type LoadResult =
  | { readonly kind: 'loaded'; readonly status: ModelStatus; readonly afterMs: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly afterMs: number }
  | { readonly kind: 'still-loading'; readonly state: string; readonly afterMs: number };

/**
 * Follows each model a change newly pinned (or moved to another compute type) until Hugging Face
 * reports it loaded, failed, or the time bound passes; posts one follow-up per model under the card.
 * Follows are recorded before they start and marked finished after the follow-up, so a process
 * started later resumes the ones a stopped process left; the notifier's once-keys make sure that
 * a follow-up is posted once even when two processes follow the same model.
 */
export class LoadTracker {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();
  /** `proposal:model` of the follows running in this process, so resuming never doubles one. */
  private readonly following = new Set<string>();

  constructor(private readonly options: LoadTrackerOptions) {
    this.initialDelayMs = options.initialDelayMs ?? 2000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 15 * 60_000;
  }

  /**
   * Starts following an applied proposal's new models; returns when every follow-up is sent.
   * `startedAt` is when the change was applied, if not now; `replyTo`, the card to reply under when
   * the proposal has none of its own (a schedule's switch replies under the schedule's card).
   */
  track(proposal: Proposal, startedAt = this.options.clock.now(), replyTo = proposal.messageRef): Promise<void> {
    if (proposal.state !== 'applied' || this.stopping.signal.aborted) return Promise.resolve();
    const follows = proposal.diff.flatMap((line): LoadFollow[] =>
      line.kind === 'added' || line.kind === 'compute'
        ? [{
          proposalId: proposal.id, scope: proposal.scope, modelId: line.modelId, channel: proposal.channel, startedAt,
          ...(replyTo !== undefined ? { replyTo } : {}),
        }]
        : []);
    return this.run(async () => {
      await this.record(follows);
      await Promise.all((await this.stillOpen(proposal.id, follows)).map((follow) => this.follow(follow)));
    });
  }

  /** Picks up the follows a stopped process left unfinished; returns when their follow-ups are sent. */
  resume(): Promise<void> {
    const { follows } = this.options;
    if (!follows || this.stopping.signal.aborted) return Promise.resolve();
    return this.run(async () => {
      const left = await follows.unfinished();
      if (left.length > 0) this.options.logger.info({ follows: left.length }, 'resuming load follow-ups');
      await Promise.all(left.map((follow) => this.follow(follow)));
    });
  }

  /** Stops following; pending follow-ups end without a message, and stay recorded for the next start. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  private run(job: () => Promise<void>): Promise<void> {
    const work = job().catch((error: unknown) => {
      this.options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'load follow-up failed');
    });
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return work;
  }

  private async record(follows: readonly LoadFollow[]): Promise<void> {
    try {
      await this.options.follows?.add(follows);
    } catch (error) {
      // Followed in this process all the same; only a restart would forget them.
      this.options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'load follows not recorded');
    }
  }

  /**
   * The follows of a proposal not yet finished, as recorded (a proposal tracked again, e.g. at
   * start-up, keeps its first start time and skips models already reported).
   */
  private async stillOpen(proposalId: string, follows: readonly LoadFollow[]): Promise<readonly LoadFollow[]> {
    if (!this.options.follows) return follows;
    try {
      return (await this.options.follows.unfinished()).filter((follow) => follow.proposalId === proposalId);
    } catch {
      return follows;
    }
  }

  private async follow(follow: LoadFollow): Promise<void> {
    const key = `${follow.proposalId}:${follow.modelId}`;
    if (this.following.has(key)) return;
    this.following.add(key);
    try {
      const result = await this.poll(follow);
      if (result === undefined) return;
      if (result.kind === 'loaded') await this.learnReadyTime(follow, result.afterMs);
      await this.options.notifier.send({
        key: `loaded:${key}`,
        scope: follow.scope,
        channel: follow.channel,
        ...(follow.replyTo !== undefined ? { replyTo: follow.replyTo } : {}),
        message: { visibility: 'channel', isError: result.kind !== 'loaded', lines: [describeLoad(follow.modelId, result)] },
      });
      // Sent here or, when the key was already claimed, by another process: either way done.
      await this.options.follows?.finish(follow.proposalId, follow.modelId);
    } finally {
      this.following.delete(key);
    }
  }

  private async learnReadyTime(follow: LoadFollow, tookMs: number): Promise<void> {
    try {
      await this.options.readyTimes?.record(follow.scope, follow.modelId, tookMs, this.options.clock.now());
    } catch (error) {
      this.options.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'ready time not recorded');
    }
  }

  /** Asks `/status` with growing waits until an answer is final or the bound passes; undefined when stopped. */
  private async poll({ scope, modelId, startedAt }: LoadFollow): Promise<LoadResult | undefined> {
    const { clock } = this.options;
    const started = startedAt;
    let delay = this.initialDelayMs;
    let lastState = 'unknown';
    for (;;) {
      if (!(await this.wait(delay))) return undefined;
      const afterMs = clock.now() - started;
      try {
        const state = await this.options.backendFor(scope).loadState(modelId);
        if (state.kind === 'ready') return { kind: 'loaded', status: state.status, afterMs };
        if (state.kind === 'failed') return { kind: 'failed', reason: state.reason, afterMs };
        lastState = state.state;
      } catch (error) {
        this.options.logger.debug({ scope, modelId, code: isPinbotError(error) ? error.code : 'UNKNOWN' }, 'status check failed; will ask again');
      }
      if (clock.now() - started + delay >= this.timeoutMs) return { kind: 'still-loading', state: lastState, afterMs: clock.now() - started };
      delay = Math.min(this.maxDelayMs, delay * 2);
    }
  }

  private wait(ms: number): Promise<boolean> {
    const { signal } = this.stopping;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function describeLoad(modelId: string, result: LoadResult): Line {
  const after = formatSeconds(result.afterMs);
  switch (result.kind) {
    case 'loaded': {
      const compute = describeCompute(result.status.computeType);
      return [text('✅ '), code(modelId), text(` is loaded${compute ? ` on ${compute}` : ''}, ${after} after the change was applied.`)];
    }
    case 'failed':
      return [text('❌ '), code(modelId), text(` did not load: ${result.reason}.`)];
    case 'still-loading':
      return [text('⏳ '), code(modelId), text(` is still ${result.state === 'unknown' ? 'not reported as loaded' : `in state ${result.state}`} ${after} after the change; pinbot stopped following it.`)];
  }
}

function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
