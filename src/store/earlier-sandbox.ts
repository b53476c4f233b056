import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** The scopes the sandbox used before it had a store of its own. */
const SANDBOX_SCOPES = ['default', 'endpoints'];

/**
 * Before the sandbox had a store of its own it kept its account, and its history under the scopes
 * `default` and `endpoints`, in this one. A real account opened on such a store would take the
 * sandbox's last list for its own: its first drift check would report the real list as "changed
 * outside pinbot", with a Restore that proposes the sandbox's models. Found here, the sandbox's
 * rows and those scopes' drift baselines are dropped, once, in one transaction, so the first check
 * only records what it sees. Returns whether there was anything to drop. Its history rows are
 * kept: they cannot be told from a real account's.
 */
export async function forgetEarlierSandbox(db: Kysely<Database>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const accounts = await trx.deleteFrom('sandbox_accounts').executeTakeFirst();
    const endpoints = await trx.deleteFrom('sandbox_endpoints').executeTakeFirst();
    if (Number(accounts.numDeletedRows) + Number(endpoints.numDeletedRows) === 0) return false;
    await trx.deleteFrom('scope_snapshots').where('scope', 'in', SANDBOX_SCOPES).execute();
    return true;
  });
}
