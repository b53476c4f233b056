import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchemaName, urlWithSchema } from '../store/postgres-test-db.ts';
import { describeBackendContract, type BackendFixture, type ContractCase } from './backend-contract.ts';
import { classicFixture } from './classic-fixture.ts';
import { endpointsFixture } from './endpoints-fixture.ts';

// One store of each kind for the run; every case works in a scope of its own inside it.
const dir = mkdtempSync(join(tmpdir(), 'pinbot-backend-contract-'));
const schema = freshSchemaName();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

const stores = [
  { kind: 'sqlite', databaseUrl: () => join(dir, 'contract.sqlite') },
  { kind: 'postgres', databaseUrl: () => urlWithSchema(schema) },
] as const;

const backends: readonly { fixture: BackendFixture; knownFailures?: ReadonlySet<ContractCase> }[] = [
  { fixture: classicFixture },
  { fixture: endpointsFixture },
];

for (const { fixture, knownFailures } of backends) {
  for (const store of stores) {
    describeBackendContract(fixture, store.kind, { databaseUrl: store.databaseUrl, ...(knownFailures ? { knownFailures } : {}) });
  }
}

describe('the backend contract', () => {
  it('speaks to the backends only through public surfaces: its cases import no backend and no HTTP client', () => {
    const source = readFileSync(join(import.meta.dirname, 'backend-contract.ts'), 'utf8');
    const imported = [...source.matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '');
    expect(imported.length).toBeGreaterThan(5);
    expect(imported.filter((path) => path.includes('/backends/') || path.includes('/hf/'))).toEqual([]);
  });
});
