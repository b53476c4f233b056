import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { describeDurableStore } from './durable-store.ts';
import { describeStoreContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'pinbot-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreContract('sqlite', () => openStore(join(dir, 'contract.sqlite')));

describeStoreContract('sqlite in memory', () => openStore(':memory:'));

describeDurableStore(() => ({
  kind: 'sqlite',
  // A sqlite: URL, and a directory that does not exist yet.
  url: `sqlite:${join(dir, 'nested', 'durable.sqlite')}`,
  leaseMs: 400,
  takeoverWithinMs: 2000,
}));
