/**
 * Acks before acknowledged work. Slack drops a request that is not acknowledged within 3 s, so
 * pinbot acks at once and does the work afterwards, on the same thread. Left alone, that work
 * (a burst's worth of HF reads, renders and posts) runs in long stretches while later requests
 * wait to be read and acked. Work goes through `turn()` instead: one waiter is let through per
 * event-loop turn, so that requests that arrived meanwhile are read first, and none while a
 * request that has arrived is still waiting for its ack, for at most `maxDeferMs`.
 */
export interface AckFirst {
  /** Marks one request as waiting for its ack; call the returned function once it is answered. */
  hold(): () => void;
  /** Resolves when the caller may run its next stretch of acknowledged work. */
  turn(): Promise<void>;
}

export interface AckFirstOptions {
  /** Longest a turn is held back by waiting acks, so a stalled request cannot starve the work. */
  readonly maxDeferMs?: number;
}

const DEFAULT_MAX_DEFER_MS = 50;

interface Waiter {
  readonly resolve: () => void;
  readonly since: number;
}

export function createAckFirst(options: AckFirstOptions = {}): AckFirst {
  const maxDeferMs = options.maxDeferMs ?? DEFAULT_MAX_DEFER_MS;
  const waiters: Waiter[] = [];
  let unanswered = 0;
  let scheduled: NodeJS.Immediate | undefined;
  let deferred: NodeJS.Timeout | undefined;

  const schedule = (): void => {
    scheduled ??= setImmediate(letOneThrough);
  };

  function letOneThrough(): void {
    scheduled = undefined;
    const next = waiters[0];
    if (next === undefined) return;
    const waited = performance.now() - next.since;
    if (unanswered > 0 && waited < maxDeferMs) {
      // The last answer schedules the next turn; the timer bounds the wait.
      deferred ??= setTimeout(() => {
        deferred = undefined;
        schedule();
      }, Math.ceil(maxDeferMs - waited));
      return;
    }
    waiters.shift();
    next.resolve();
    if (waiters.length > 0) schedule();
  }

  return {
    hold: () => {
      unanswered++;
      let answered = false;
      return () => {
        if (answered) return;
        answered = true;
        unanswered--;
        if (unanswered === 0 && waiters.length > 0) schedule();
      };
    },
    turn: () => new Promise<void>((resolve) => {
      waiters.push({ resolve, since: performance.now() });
      schedule();
    }),
  };
}
