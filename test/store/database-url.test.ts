import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SQLITE_PATH, describeTarget, parseDatabaseUrl, sandboxTarget } from '../../src/store/database-url.ts';
import { openStore } from '../../src/store/open-store.ts';

describe('DATABASE_URL', () => {
  it('defaults to the SQLite file ./data/pinbot.sqlite when unset or empty', () => {
    expect(DEFAULT_SQLITE_PATH).toBe('./data/pinbot.sqlite');
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: 'sqlite', filename: './data/pinbot.sqlite' });
    expect(parseDatabaseUrl('  ')).toEqual({ kind: 'sqlite', filename: './data/pinbot.sqlite' });
  });

  it('reads a file path, a sqlite: URL or :memory: as SQLite', () => {
    expect(parseDatabaseUrl('/var/lib/pinbot/db.sqlite')).toEqual({ kind: 'sqlite', filename: '/var/lib/pinbot/db.sqlite' });
    expect(parseDatabaseUrl('data/x.sqlite')).toEqual({ kind: 'sqlite', filename: 'data/x.sqlite' });
    expect(parseDatabaseUrl('sqlite:./data/x.sqlite')).toEqual({ kind: 'sqlite', filename: './data/x.sqlite' });
    expect(parseDatabaseUrl('sqlite:///var/lib/x.sqlite')).toEqual({ kind: 'sqlite', filename: '/var/lib/x.sqlite' });
    expect(parseDatabaseUrl('file:x.sqlite')).toEqual({ kind: 'sqlite', filename: 'x.sqlite' });
    expect(parseDatabaseUrl(':memory:')).toEqual({ kind: 'sqlite', filename: ':memory:' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', filename: ':memory:' });
  });

  it('reads postgres:// URLs, with the schema from ?schema= or the option', () => {
    expect(parseDatabaseUrl('postgres://u:pw@db:5432/pinbot')).toEqual({ kind: 'postgres', connectionString: 'postgres://u:pw@db:5432/pinbot', schema: 'public' });
    expect(parseDatabaseUrl('postgresql://db/pinbot?schema=team_a&sslmode=require')).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://db/pinbot?sslmode=require',
      schema: 'team_a',
    });
    expect(parseDatabaseUrl('postgres://db/pinbot?schema=team_a', 'team_b')).toMatchObject({ schema: 'team_b' });
  });

  it('refuses other schemes and unsafe schema names', () => {
    expect(() => parseDatabaseUrl('mysql://db/pinbot')).toThrow(/postgres:\/\/ URL, a sqlite: URL or a file path/);
    expect(() => parseDatabaseUrl('postgres://db/pinbot?schema=a;drop')).toThrow(/schema/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/no file/);
  });

  it('puts the sandbox beside the configured store: a file of its own, or a schema of its own', () => {
    expect(sandboxTarget(parseDatabaseUrl(undefined))).toEqual({ kind: 'sqlite', filename: './data/pinbot.sandbox.sqlite' });
    expect(sandboxTarget(parseDatabaseUrl('sqlite:/var/lib/pinbot/state.db'))).toEqual({ kind: 'sqlite', filename: '/var/lib/pinbot/state.db.sandbox.sqlite' });
    expect(sandboxTarget(parseDatabaseUrl(':memory:'))).toEqual({ kind: 'sqlite', filename: ':memory:' });
    expect(sandboxTarget(parseDatabaseUrl('postgres://db/pinbot'))).toMatchObject({ kind: 'postgres', schema: 'public_sandbox' });
    expect(sandboxTarget(parseDatabaseUrl('postgres://db/pinbot?schema=team_a'))).toMatchObject({ schema: 'team_a_sandbox' });
    const long = 'a'.repeat(63);
    expect(sandboxTarget(parseDatabaseUrl(`postgres://db/pinbot?schema=${long}`))).toMatchObject({ schema: `${'a'.repeat(55)}_sandbox` });
  });

  it('never puts the password in what it logs', () => {
    const fields = describeTarget(parseDatabaseUrl('postgres://u:secret-pw@db:5432/pinbot'));
    expect(JSON.stringify(fields)).not.toContain('secret-pw');
    expect(fields).toEqual({ kind: 'postgres', host: 'db:5432', database: 'pinbot', schema: 'public' });
  });

  it('creates the SQLite file’s directory on first start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinbot-url-'));
    try {
      const file = join(dir, 'data', 'deeper', 'pinbot.sqlite');
      const store = await openStore(file);
      await store.ping();
      await store.close();
      expect(existsSync(file)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
