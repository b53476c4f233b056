import { type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { StoreKind } from './schema.ts';

/**
 * The schema's versions, in code so that nothing is read from disk at run time. Append new
 * versions; never edit one that has shipped.
 */
function migrations(kind: StoreKind): Record<string, Migration> {
  const seqColumn = kind === 'postgres' ? 'bigserial' : 'integer';
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('proposals')
          .addColumn('seq', seqColumn, (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('command', 'text', (c) => c.notNull())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('base', 'text', (c) => c.notNull())
          .addColumn('base_version', 'text', (c) => c.notNull())
          .addColumn('proposed', 'text', (c) => c.notNull())
          .addColumn('diff', 'text', (c) => c.notNull())
          .addColumn('allowed', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addColumn('approvals', 'text', (c) => c.notNull())
          .addColumn('approvals_required', 'integer', (c) => c.notNull())
          .addColumn('decided_by', 'text')
          .addColumn('decided_at', 'bigint')
          .addColumn('outcome', 'text')
          .addColumn('message_ref', 'text')
          .execute();
        await db.schema.createIndex('proposals_scope_state').on('proposals').columns(['scope', 'state', 'created_at']).execute();
        await db.schema.createIndex('proposals_state_expiry').on('proposals').columns(['state', 'expires_at']).execute();

        await db.schema
          .createTable('changes')
          .addColumn('seq', seqColumn, (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('proposal_id', 'text', (c) => c.notNull())
          .addColumn('before', 'text', (c) => c.notNull())
          .addColumn('after', 'text', (c) => c.notNull())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('approver', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('channel_id', 'text', (c) => c.notNull())
          .addColumn('proposed_at', 'bigint', (c) => c.notNull())
          .addColumn('applied_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('changes_scope_applied').on('changes').columns(['scope', 'applied_at']).execute();

        await db.schema
          .createTable('once_keys')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('claimed_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('once_keys_claimed').on('once_keys').column('claimed_at').execute();

        if (kind === 'sqlite') {
          await db.schema
            .createTable('scope_locks')
            .addColumn('scope', 'text', (c) => c.primaryKey())
            .addColumn('owner', 'text', (c) => c.notNull())
            .addColumn('expires_at', 'bigint', (c) => c.notNull())
            .execute();
        }
      },
    },
    '0002_snapshots_and_drift_alerts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('scope_snapshots')
          .addColumn('scope', 'text', (c) => c.primaryKey())
          .addColumn('pins', 'text', (c) => c.notNull())
          .addColumn('allowed', 'integer', (c) => c.notNull())
          .addColumn('seen_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('drift_alerts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('previous', 'text', (c) => c.notNull())
          .addColumn('current', 'text', (c) => c.notNull())
          .addColumn('detected_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0003_sandbox_accounts': {
      async up(db: Kysely<unknown>) {
        // The sandbox's simulated account, kept with the history that speaks of it.
        await db.schema
          .createTable('sandbox_accounts')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('allowed', 'integer', (c) => c.notNull())
          .addColumn('pins', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
    '0004_load_follows': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('load_follows')
          .addColumn('proposal_id', 'text', (c) => c.notNull())
          .addColumn('model_id', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('reply_to', 'text')
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint')
          .addPrimaryKeyConstraint('load_follows_pk', ['proposal_id', 'model_id'])
          .execute();
        await db.schema.createIndex('load_follows_unfinished').on('load_follows').columns(['finished_at', 'started_at']).execute();
      },
    },
    '0005_proposal_hub_checks': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('proposals').addColumn('hub_checks', 'text').execute();
      },
    },
    '0006_sandbox_endpoints': {
      async up(db: Kysely<unknown>) {
        // The sandbox's simulated Inference Endpoints: each endpoint's scaling, kept with the history.
        await db.schema
          .createTable('sandbox_endpoints')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('endpoints', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
      },
    },
  };
}

export function migrationProvider(kind: StoreKind): MigrationProvider {
  return { getMigrations: async () => migrations(kind) };
}
