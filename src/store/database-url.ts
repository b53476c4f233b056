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

/**
 * Where the sandbox keeps its state, given where the real state lives: a SQLite file beside it
 * (`./data/pinbot.sqlite` → `./data/pinbot.sandbox.sqlite`, `x.db` → `x.db.sandbox.sqlite`), or
 * on PostgreSQL a schema of its own (`public` → `public_sandbox`). Proposals, history, snapshots,
 * notices, load follows and locks of the simulated account are never in the same tables as a real
 * account's, whatever their scope is named; deleting the data directory still starts it afresh.
 */
export function sandboxTarget(target: StoreTarget): StoreTarget {
  if (target.kind === 'postgres') return { ...target, schema: `${target.schema.slice(0, 63 - SANDBOX_SUFFIX.length)}${SANDBOX_SUFFIX}` };
  if (target.filename === ':memory:') return target;
  const filename = target.filename.endsWith('.sqlite') ? `${target.filename.slice(0, -'.sqlite'.length)}.sandbox.sqlite` : `${target.filename}.sandbox.sqlite`;
  return { kind: 'sqlite', filename };
}

const SANDBOX_SUFFIX = '_sandbox';

/** Where the store is, for logs: never the password. */
export function describeTarget(target: StoreTarget): Record<string, string> {
  if (target.kind === 'sqlite') return { kind: 'sqlite', file: target.filename };
  const url = new URL(target.connectionString);
  return { kind: 'postgres', host: url.host, database: url.pathname.replace(/^\//, ''), schema: target.schema };
}
