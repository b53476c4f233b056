import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { PinbotError } from '../../src/core/domain/errors.ts';
import { retainForProcess } from '../../src/store/retained-sqlite.ts';
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

describe('sqlite scope lock', () => {
  it('tells the holder, when it asks before writing, that another process took its lease over', async () => {
    const file = join(dir, 'lost-lease.sqlite');
    const store = await openStore(file, { lock: { leaseMs: 60_000 } });
    try {
      const outcome = await store.lock.withLock('default', async (held) => {
        await held.confirm();
        // What a takeover after a stalled holder's lease ran out leaves in the row.
        const other = retainForProcess(new BetterSqlite3(file));
        retainForProcess(other.prepare("update scope_locks set owner = 'elsewhere:1:x'")).run();
        other.close();
        return held.confirm().then(() => 'still held', (error: unknown) => (error as PinbotError).code);
      });
      expect(outcome).toBe('LOCK_LOST');
    } finally {
      await store.close();
    }
  });
});
