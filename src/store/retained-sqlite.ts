import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * better-sqlite3 12 on Node 24 can abort the process when the garbage collector finalizes one of
 * its objects (a prepared statement, a database) outside a JavaScript context: `~ObjectWrap` then
 * calls `node::RemoveEnvironmentCleanupHook` with no environment ("Assertion failed: (env) !=
 * nullptr", SIGABRT). An object that is never collected never gets there, so each database and its
 * prepared statements stay reachable for the life of the process. Kysely prepares a statement per
 * query; reusing one per distinct SQL text keeps the set small (a few dozen) and saves the prepare.
 */
const retained: (Database | Statement)[] = [];

export function retainedDatabase(database: Database): SqliteDatabase {
  retained.push(database);
  const statements = new Map<string, Statement>();
  return {
    close: () => {
      database.close();
    },
    prepare: (sql: string): SqliteStatement => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        statements.set(sql, statement);
        retained.push(statement);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}

/** Keeps any other better-sqlite3 object (a database opened for a one-off query) from being collected. */
export function retainForProcess<T extends Database | Statement>(object: T): T {
  retained.push(object);
  return object;
}
