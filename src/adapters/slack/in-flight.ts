import type { Logger } from '../../core/ports.ts';

/** Work that continues after Slack was acknowledged, so that shutting down can wait for it. */
export interface InFlight {
  /** Runs `work`; a failure is logged, never thrown back into Bolt. */
  track(work: () => Promise<void>): Promise<void>;
  /** Waits until every tracked piece of work has finished, or `timeoutMs` has passed. */
  drain(timeoutMs: number): Promise<void>;
}

/** `turn` lets the work begin: after the ack's bytes have left, and after waiting acks (see ack-first.ts). */
export function createInFlight(logger: Logger, turn: () => Promise<void>): InFlight {
  const running = new Set<Promise<void>>();
  return {
    track: async (work) => {
      const promise = turn().then(work).catch((error: unknown) => {
        logger.error({ error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown failure' }, 'slack handler failed');
      });
      running.add(promise);
      try {
        await promise;
      } finally {
        running.delete(promise);
      }
    },
    drain: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.allSettled([...running]), timeout]);
      clearTimeout(timer);
    },
  };
}
