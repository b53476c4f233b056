import type { ScopeLock } from '../core/ports.ts';

/** A per-scope mutex for one process: each scope's work runs after the previous one settles. */
export class MemoryScopeLock implements ScopeLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async withLock<T>(scope: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(scope) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.tails.set(scope, tail);
    try {
      return await run;
    } finally {
      if (this.tails.get(scope) === tail) this.tails.delete(scope);
    }
  }
}
