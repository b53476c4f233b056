import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { PinbotError } from '../core/domain/errors.ts';
import type { HeldLock, Logger, ScopeLock } from '../core/ports.ts';
import { MemoryScopeLock } from './memory-scope-lock.ts';
import type { Database } from './schema.ts';

const HOST = hostname();

/** `host:pid:uuid` of a process on this machine that has exited. */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== HOST || pid === undefined || !/^\d+$/.test(pid)) return false;
  try {
    // Signal 0 only asks whether the process exists.
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export interface LeaseLockOptions {
  /** How long a holder owns the lock without renewing it; a crashed holder's lock frees after this. */
  readonly leaseMs: number;
  /** Pause between attempts while another process holds the lock (jittered). */
  readonly pollMs: number;
  /** Give up waiting after this long. */
  readonly waitMs: number;
  readonly logger: Logger;
}

/**
 * The scope lock for several processes sharing one SQLite file: a row per held scope, with an
 * owner and a short lease the holder renews while its work runs. SQLite has no session to die with
 * its process, so the lease is what frees a crashed holder's lock; a holder on this machine whose
 * process is gone is taken over at once, without waiting for its lease. Callers in this process
 * queue in memory first, so only one of them at a time competes for the row.
 */
export class SqliteScopeLock implements ScopeLock {
  private readonly local = new MemoryScopeLock();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: LeaseLockOptions,
  ) {}

  withLock<T>(scope: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
    return this.local.withLock(scope, () => this.withLease(scope, work));
  }

  private async withLease<T>(scope: string, work: (held: HeldLock) => Promise<T>): Promise<T> {
    const owner = `${HOST}:${process.pid}:${randomUUID()}`;
    await this.acquire(scope, owner);
    let held = true;
    const heartbeat = setInterval(() => {
      void this.renew(scope, owner).then((renewed) => {
        if (held && !renewed) this.options.logger.error({ scope }, 'scope lock lease lost while held');
      }, (error: unknown) => {
        this.options.logger.warn({ scope, err: error }, 'scope lock lease renewal failed');
      });
    }, Math.max(10, Math.floor(this.options.leaseMs / 3)));
    heartbeat.unref();
    const guard: HeldLock = {
      confirm: async () => {
        // Renewing is conditional on still owning the row: if it fails, someone took the lease over.
        if (!(await this.renew(scope, owner))) {
          throw new PinbotError('LOCK_LOST', 'pinbot lost the lock on this scope before writing, so nothing was written. Approve again.', { scope });
        }
      },
    };
    try {
      return await work(guard);
    } finally {
      held = false;
      clearInterval(heartbeat);
      await this.release(scope, owner).catch((error: unknown) => {
        // The lease runs out on its own; the work's own result matters more than this.
        this.options.logger.warn({ scope, err: error }, 'scope lock release failed');
      });
    }
  }

  private async acquire(scope: string, owner: string): Promise<void> {
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const now = Date.now();
      const expiresAt = now + this.options.leaseMs;
      const won = await this.db
        .insertInto('scope_locks')
        .values({ scope, owner, expires_at: expiresAt })
        .onConflict((oc) => oc.column('scope').doUpdateSet({ owner, expires_at: expiresAt }).where('scope_locks.expires_at', '<=', now))
        .returning('owner')
        .executeTakeFirst();
      if (won?.owner === owner) return;
      if (await this.takeOverDeadHolder(scope)) continue;
      if (Date.now() >= deadline) throw new Error(`Timed out after ${this.options.waitMs} ms waiting for the lock of scope ${scope}.`);
      await sleep(this.options.pollMs * (0.5 + Math.random()));
    }
  }

  /**
   * Frees the row of a holder that ran on this machine and whose process no longer exists; true
   * when it did. The delete names the dead owner, so a holder that just took the row is untouched.
   */
  private async takeOverDeadHolder(scope: string): Promise<boolean> {
    const row = await this.db.selectFrom('scope_locks').select('owner').where('scope', '=', scope).executeTakeFirst();
    if (row === undefined || !isDeadLocalOwner(row.owner)) return false;
    const freed = await this.db.deleteFrom('scope_locks').where('scope', '=', scope).where('owner', '=', row.owner).executeTakeFirst();
    if (freed.numDeletedRows > 0n) this.options.logger.warn({ scope, owner: row.owner }, 'scope lock of a dead process taken over');
    return true;
  }

  private async renew(scope: string, owner: string): Promise<boolean> {
    const result = await this.db
      .updateTable('scope_locks')
      .set({ expires_at: Date.now() + this.options.leaseMs })
      .where('scope', '=', scope)
      .where('owner', '=', owner)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  private async release(scope: string, owner: string): Promise<void> {
    await this.db.deleteFrom('scope_locks').where('scope', '=', scope).where('owner', '=', owner).execute();
  }
}
