import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, describe, it } from 'vitest';
import type { StoreKind } from '../../src/store/schema.ts';
import { testTempDir } from '../helpers/temp-dir.ts';
import { dropSchema, freshSchemaName, POSTGRES_TEST_URL, urlWithSchema } from './postgres-test-db.ts';

/**
 * The same upgrade on SQLite and on PostgreSQL: `writePrevious` writes a store as the version
 * before wrote it (and closes `db`), `expectUpgraded` opens it with this version and checks it.
 */
export function upgradesOnBothStores(
  name: string,
  writePrevious: (db: Kysely<unknown>, kind: StoreKind, schema?: string) => Promise<void>,
  expectUpgraded: (url: string) => Promise<void>,
): void {
  it('upgrades a SQLite store written by the version before', async () => {
    const file = join(testTempDir(name), 'pinbot.sqlite');
    await writePrevious(new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite(file) }) }), 'sqlite');
    await expectUpgraded(`sqlite:${file}`);
  });

  describe('on PostgreSQL', () => {
    const schema = freshSchemaName();
    afterAll(() => dropSchema(schema));

    it('upgrades a PostgreSQL store written by the version before', async () => {
      const pool = new pg.Pool({ connectionString: POSTGRES_TEST_URL, options: `-c search_path=${schema}` });
      const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
      await sql`create schema ${sql.id(schema)}`.execute(db);
      await writePrevious(db, 'postgres', schema);
      await expectUpgraded(urlWithSchema(schema));
    });
  });
}
