// Takes a scope's lock in a process of its own and holds it until killed, for the crash tests.
import { openStore } from '../../src/store/open-store.ts';

const [databaseUrl, scope, leaseMs] = process.argv.slice(2);
if (databaseUrl === undefined || scope === undefined || leaseMs === undefined) {
  throw new Error('usage: lock-holder <database-url> <scope> <lease-ms>');
}
const store = await openStore(databaseUrl, { lock: { leaseMs: Number(leaseMs) } });
await store.lock.withLock(scope, async () => {
  process.stdout.write('locked\n');
  // Keep the process alive, holding the lock, until the test kills it.
  await new Promise<never>(() => {
    setInterval(() => undefined, 1000);
  });
});
