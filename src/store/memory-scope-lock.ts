import { alwaysHeld, type HeldLock, type ScopeLock } from '../core/ports.ts';

/** A per-scope mutex for one process: each scope's work runs after the previous one settles. */
export class MemoryScopeLock implements ScopeLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async withLock<T>(scope: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
    const previous = this.tails.get(scope) ?? Promise.resolve();
    // Nothing outside this process can take the lock, so it is always still held.
    const start = () => work(alwaysHeld);
    const run = previous.then(start, start);
    const tail = run.catch(() => undefined);
    this.tails.set(scope, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(scope) === tail) this.tails.delete(scope);
    }
  }
}
