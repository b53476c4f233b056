import { isPinbotError } from './errors.ts';
import type { Notifier } from './notifications.ts';
import type { Clock, Logger, ModelStatus, PinnedModelsApi } from './ports.ts';
import type { Proposal } from './proposal.ts';
import { describeCompute } from './replies.ts';
import { code, text, type Line } from './ui.ts';

export interface LoadTrackerOptions {
  readonly apiFor: (scope: string) => PinnedModelsApi;
  readonly notifier: Notifier;
  readonly clock: Clock;
  readonly logger: Logger;
  /** First wait before asking; doubles up to `maxDelayMs`. */
  readonly initialDelayMs?: number;
  readonly maxDelayMs?: number;
  /** After this long a model still loading is reported as such and no longer followed. */
  readonly timeoutMs?: number;
}

type LoadResult =
  | { readonly kind: 'loaded'; readonly status: ModelStatus; readonly afterMs: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly afterMs: number }
  | { readonly kind: 'still-loading'; readonly state: string; readonly afterMs: number };

/**
 * Follows each model a change newly pinned (or moved to another compute type) until Hugging Face
 * reports it loaded, failed, or the time bound passes; posts one follow-up per model under the card.
 */
export class LoadTracker {
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly options: LoadTrackerOptions) {
    this.initialDelayMs = options.initialDelayMs ?? 2000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 15 * 60_000;
  }

  /** Starts following an applied proposal's new models; returns when every follow-up is sent. */
  track(proposal: Proposal): Promise<void> {
    if (proposal.state !== 'applied' || this.stopping.signal.aborted) return Promise.resolve();
    const models = proposal.diff.flatMap((line) =>
      line.kind === 'added' ? [{ modelId: line.modelId, computeType: line.computeType }]
        : line.kind === 'compute' ? [{ modelId: line.modelId, computeType: line.to }] : []);
    const work = Promise.all(models.map((model) => this.follow(proposal, model.modelId))).then(() => undefined);
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
    return work;
  }

  /** Stops following; pending follow-ups end without a message. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  private async follow(proposal: Proposal, modelId: string): Promise<void> {
    const result = await this.poll(proposal.scope, modelId);
    if (result === undefined) return;
    await this.options.notifier.send({
      key: `loaded:${proposal.id}:${modelId}`,
      scope: proposal.scope,
      channel: proposal.channel,
      ...(proposal.messageRef !== undefined ? { replyTo: proposal.messageRef } : {}),
      message: { visibility: 'channel', isError: result.kind !== 'loaded', lines: [describeLoad(modelId, result)] },
    });
  }

  /** Asks `/status` with growing waits until an answer is final or the bound passes; undefined when stopped. */
  private async poll(scope: string, modelId: string): Promise<LoadResult | undefined> {
    const { clock } = this.options;
    const started = clock.now();
    let delay = this.initialDelayMs;
    let lastState = 'unknown';
    for (;;) {
      if (!(await this.wait(delay))) return undefined;
      const afterMs = clock.now() - started;
      try {
        const status = await this.options.apiFor(scope).modelStatus(modelId);
        lastState = status.state;
        if (status.loaded || status.state === 'Loaded') return { kind: 'loaded', status, afterMs };
        if (status.state === 'TooBig') return { kind: 'failed', reason: 'Hugging Face says it is too big to load (TooBig)', afterMs };
        // An Inference Endpoint that failed to start or to take its new scaling.
        if (status.state === 'failed' || status.state === 'updateFailed') return { kind: 'failed', reason: `the endpoint is in state ${status.state}`, afterMs };
      } catch (error) {
        if (isPinbotError(error) && (error.is('HF_UNKNOWN_MODEL') || error.is('HF_UNKNOWN_ENDPOINT') || error.is('HF_BAD_TOKEN'))) {
          return { kind: 'failed', reason: error.message, afterMs };
        }
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
