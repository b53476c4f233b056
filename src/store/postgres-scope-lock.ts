import type { Pool } from 'pg';
import { PinbotError } from '../core/domain/errors.ts';
import type { HeldLock, Logger, ScopeLock } from '../core/ports.ts';
import { MemoryScopeLock } from './memory-scope-lock.ts';

/** PostgreSQL's code for a lock wait cut short by `lock_timeout`. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * The scope lock for replicas sharing one PostgreSQL database: a session-level advisory lock held
 * on a connection of its own for the length of the work. If the process dies, its connection
 * drops and the server releases the lock. Callers in this process queue in memory first, so a
 * scope ties up at most one connection per process.
 */
export class PostgresScopeLock implements ScopeLock {
  private readonly local = new MemoryScopeLock();

  /**
   * @param pool connections used only for locks, so lock waiters never starve queries; its
   *   `lock_timeout` bounds the wait.
   * @param namespace prefixed to the scope in the lock key, so schemas sharing a database do not
   *   share locks.
   */
  constructor(
    private readonly pool: Pool,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  withLock<T>(scope: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
    return this.local.withLock(scope, () => this.withAdvisoryLock(scope, work));
  }

  private async withAdvisoryLock<T>(scope: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
    const key = `${this.namespace}${scope}`;
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
      this.logger.error({ scope, err: error }, 'scope lock connection lost while held');
    };
    client.on('error', onError);
    try {
      try {
        await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
      } catch (error) {
        if (isPgError(error) && error.code === LOCK_NOT_AVAILABLE) {
          throw new Error(`Timed out waiting for the lock of scope ${scope}.`, { cause: error });
        }
        throw error;
      }
      // The lock lives as long as its session: a connection that errored may have lost it.
      const guard: HeldLock = {
        confirm: async () => {
          if (broken !== undefined) {
            throw new PinbotError('LOCK_LOST', 'pinbot lost the lock on this scope before writing, so nothing was written. Approve again.', { scope });
          }
        },
      };
      try {
        return await work(guard);
      } finally {
        try {
          await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        } catch (error) {
          // Dropping the connection releases the lock as surely as unlocking would.
          broken = error instanceof Error ? error : new Error(String(error));
          this.logger.warn({ scope, err: error }, 'scope lock unlock failed; dropping its connection');
        }
      }
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }
}

function isPgError(error: unknown): error is Error & { code: string } {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string';
}
