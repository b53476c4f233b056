import type { Kysely } from 'kysely';
import type { Clock, OnceLedger } from '../core/ports.ts';
import type { Database } from './schema.ts';

export interface PrunableOnceLedger extends OnceLedger {
  /** Forgets keys claimed before `before` (epoch ms), so the table does not grow forever; returns how many. */
  prune(before: number): Promise<number>;
}

/** Claimed keys in SQLite or PostgreSQL: the primary key decides the one first claimer. */
export class SqlOnceLedger implements PrunableOnceLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async claim(key: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('once_keys')
      .values({ key, claimed_at: this.clock.now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  async prune(before: number): Promise<number> {
    const result = await this.db.deleteFrom('once_keys').where('claimed_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
