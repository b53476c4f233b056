import type { Logger } from '../core/ports.ts';

/**
 * Why a chat platform did not start. `fatal`: retrying cannot help (the platform refused the
 * token): a configuration error. Otherwise the platform could not be reached, and start-up waits
 * and tries again. The message is one sentence that names the variable, never its value.
 */
export class PlatformStartError extends Error {
  override readonly name = 'PlatformStartError';
  constructor(readonly platform: 'slack' | 'discord', message: string, readonly fatal: boolean) {
    super(message);
  }
}

export interface RetryOptions {
  readonly logger: Logger;
  /** Told the reason while start-up waits for a retry, and `undefined` once it has started. */
  readonly onWaiting?: (reason: string | undefined) => void;
  /** Stops the waiting (e.g. SIGTERM during start-up) with a `StartAbortedError`. */
  readonly signal?: AbortSignal;
  /** Waits between attempts: the first, doubled each time up to the last. Default 1 s → 30 s. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 30_000;

/** Where start-up stopped because it was asked to, while it waited for a platform. */
export class StartAbortedError extends Error {
  override readonly name = 'StartAbortedError';
}

/**
 * Runs `attempt` until it succeeds. A `PlatformStartError` that is not fatal is logged as one
 * sentence and retried after a growing, jittered wait; any other error is thrown at once.
 */
export async function startWithRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const first = options.firstDelayMs ?? FIRST_DELAY_MS;
  const max = options.maxDelayMs ?? MAX_DELAY_MS;
  for (let failures = 0; ; failures++) {
    try {
      const started = await attempt();
      if (failures > 0) options.onWaiting?.(undefined);
      return started;
    } catch (error) {
      if (!(error instanceof PlatformStartError) || error.fatal) throw error;
      // Jitter keeps replicas that lost the platform together from retrying in step.
      const delayMs = Math.round(Math.min(max, first * 2 ** failures) * (0.8 + Math.random() * 0.4));
      const reason = `${error.message} Retrying in ${formatSeconds(delayMs)} (attempt ${failures + 1} failed).`;
      options.logger.warn({ attempt: failures + 1, retryInMs: delayMs }, reason);
      options.onWaiting?.(error.message);
      await wait(delayMs, options.signal);
    }
  }
}

/** The low-level reason (`connect ECONNREFUSED 127.0.0.1:9`), from the error or its causes. */
export function networkReason(error: unknown): string {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return current.message;
    if (current.cause === undefined) return current.message;
  }
  return String(error);
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) return reject(new StartAbortedError('start-up was stopped'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new StartAbortedError('start-up was stopped'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
