/**
 * Acks before acknowledged work. Slack drops a request that is not acknowledged within 3 s, so
 * pinbot acks at once and does the work afterwards, on the same thread. Left alone, that work
 * (a burst's worth of HF reads, renders and posts) runs in long stretches while later requests
 * wait to be read and acked. Work goes through `turn()` instead: one waiter is let through per
 * event-loop turn, so that requests that arrived meanwhile are read first, and none while a
 * request that has arrived is still waiting for its ack or arrived less than `quietMs` ago, for
 * at most `maxDeferMs`. The quiet time keeps work out of the gaps inside a burst: its requests
 * reach the server a fraction of a millisecond apart, and a stretch of work let into such a gap
 * delays every request that arrives while it runs.
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
  /** How long after the latest request's arrival turns stay held, as more of a burst may follow. */
  readonly quietMs?: number;
}

const DEFAULT_MAX_DEFER_MS = 50;
const DEFAULT_QUIET_MS = 2;

interface Waiter {
  readonly resolve: () => void;
  readonly since: number;
}

export function createAckFirst(options: AckFirstOptions = {}): AckFirst {
  const maxDeferMs = options.maxDeferMs ?? DEFAULT_MAX_DEFER_MS;
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  const waiters: Waiter[] = [];
  let unanswered = 0;
  let lastArrival = Number.NEGATIVE_INFINITY;
  let scheduled: NodeJS.Immediate | undefined;
  let deferred: { readonly timer: NodeJS.Timeout; readonly due: number } | undefined;

  const schedule = (): void => {
    scheduled ??= setImmediate(letOneThrough);
  };

  /** Looks again at `due` (or earlier, if the last answer comes first). */
  function retryAt(due: number): void {
    if (deferred !== undefined && deferred.due <= due) return;
    if (deferred !== undefined) clearTimeout(deferred.timer);
    const timer = setTimeout(() => {
      deferred = undefined;
      schedule();
    }, Math.max(1, Math.ceil(due - performance.now())));
    deferred = { timer, due };
  }

  function letOneThrough(): void {
    scheduled = undefined;
    const next = waiters[0];
    if (next === undefined) return;
    const now = performance.now();
    const givenUpAt = next.since + maxDeferMs;
    const quietAt = lastArrival + quietMs;
    if (now < givenUpAt && unanswered > 0) {
      // The last answer schedules the next turn; the timer bounds the wait.
      retryAt(givenUpAt);
      return;
    }
    if (now < givenUpAt && now < quietAt) {
      retryAt(Math.min(quietAt, givenUpAt));
      return;
    }
    waiters.shift();
    next.resolve();
    if (waiters.length > 0) schedule();
  }

  return {
    hold: () => {
      unanswered++;
      lastArrival = performance.now();
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
