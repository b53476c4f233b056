import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The test database; trust auth on the local server unless the environment names another. */
export const POSTGRES_TEST_URL = process.env['PINBOT_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema of its own for this test run, so runs never see each other's rows or locks. */
export function freshSchemaName(): string {
  return `pinbot_test_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export function urlWithSchema(schema: string): string {
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
