/** Where the durable state lives, read from `DATABASE_URL`. */
export type StoreTarget =
  | { readonly kind: 'sqlite'; readonly filename: string }
  | { readonly kind: 'postgres'; readonly connectionString: string; readonly schema: string };

/** Used when `DATABASE_URL` is unset: a file next to where pinbot runs. */
export const DEFAULT_SQLITE_PATH = './data/pinbot.sqlite';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads `DATABASE_URL`:
 * - unset or empty: SQLite at `./data/pinbot.sqlite`;
 * - `postgres://…` or `postgresql://…`: PostgreSQL; `?schema=name` picks the schema (default `public`);
 * - `sqlite:path`, `sqlite://path`, `file:path` or a bare path: SQLite at that path (`sqlite:///abs` is `/abs`);
 * - `:memory:` or `sqlite::memory:`: SQLite in memory, gone at close (tests).
 * `schema` overrides the URL's `?schema=`.
 */
export function parseDatabaseUrl(databaseUrl: string | undefined, schema?: string): StoreTarget {
  const url = databaseUrl?.trim() ?? '';
  if (url === '') return { kind: 'sqlite', filename: DEFAULT_SQLITE_PATH };
  if (/^postgres(ql)?:\/\//i.test(url)) return postgresTarget(url, schema);
  const scheme = /^(sqlite|file):/i.exec(url);
  if (scheme) {
    const rest = url.slice(scheme[0].length);
    const filename = rest.startsWith('//') ? rest.slice(2) : rest;
    if (filename === '') throw new Error('DATABASE_URL names SQLite but no file: use e.g. sqlite:./data/pinbot.sqlite.');
    return { kind: 'sqlite', filename };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new Error('DATABASE_URL must be a postgres:// URL, a sqlite: URL or a file path.');
  }
  return { kind: 'sqlite', filename: url };
}

function postgresTarget(url: string, schemaOverride: string | undefined): StoreTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('DATABASE_URL is not a valid postgres:// URL.');
  }
  const schema = schemaOverride ?? parsed.searchParams.get('schema') ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`The PostgreSQL schema must be lower-case letters, digits and underscores; got "${schema}".`);
  }
  parsed.searchParams.delete('schema');
  return { kind: 'postgres', connectionString: parsed.toString(), schema };
}

/** Where the store is, for logs: never the password. */
export function describeTarget(target: StoreTarget): Record<string, string> {
  if (target.kind === 'sqlite') return { kind: 'sqlite', file: target.filename };
  const url = new URL(target.connectionString);
  return { kind: 'postgres', host: url.host, database: url.pathname.replace(/^\//, ''), schema: target.schema };
}
