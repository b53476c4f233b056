import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type OpenStoreOptions, type PinbotStore } from '../../src/store/open-store.ts';
import { aProposal } from './store-contract.ts';

const LOCK_HOLDER = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));

export interface DurableTarget {
  readonly kind: 'sqlite' | 'postgres';
  /** A DATABASE_URL naming a database (file or schema) that outlives one open store. */
  readonly url: string;
  /** Lease of the lock holder; a crashed holder's lock must be free soon after. */
  readonly leaseMs: number;
  /** How soon after the holder dies this process must get the lock. */
  readonly takeoverWithinMs: number;
}

/** Starts a process that takes `scope`'s lock and holds it; resolves once it holds it. */
async function startLockHolder(url: string, scope: string, leaseMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', LOCK_HOLDER, url, scope, String(leaseMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('locked\n')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`lock holder exited early (${code ?? signal})`)));
    child.once('error', reject);
  });
  return child;
}

/** What only a store on disk or on a server has: it outlives the process, and other processes share it. */
export function describeDurableStore(target: () => DurableTarget): void {
  const { kind } = target();
  describe(`${kind} store across opens and processes`, () => {
    const opened: PinbotStore[] = [];
    const children: ChildProcess[] = [];
    const open = async (options?: OpenStoreOptions) => {
      const store = await openStore(target().url, options);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      for (const store of opened.splice(0)) await store.close();
    });

    it('opens the same database twice, at once and again, without migrating it twice', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const c = await open();

      expect([a.kind, b.kind, c.kind]).toEqual([kind, kind, kind]);
      await Promise.all([a.ping(), b.ping(), c.ping()]);
      const proposal = aProposal();
      await a.proposals.create(proposal);
      expect(await c.proposals.get(proposal.id)).toStrictEqual(proposal);
    });

    it('keeps the sandbox account, extra wire fields included, for the next open', async () => {
      const token = `sandbox-${randomUUID()}`;
      const first = await open();
      expect(await first.sandboxAccounts.load(token)).toBeUndefined();
      await first.sandboxAccounts.save(token, { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] }, 1);
      await first.sandboxAccounts.save(token, { allowed: 4, pins: [{ model_id: 'org/keep', compute_type: 'tpu', note: 'x' }] }, 2);
      const second = await open();
      expect(await second.sandboxAccounts.load(token)).toEqual({ allowed: 4, pins: [{ model_id: 'org/keep', compute_type: 'tpu', note: 'x' }] });
    });

    it('keeps the sandbox endpoints\' scaling for the next open', async () => {
      const token = `sandbox-endpoints-${randomUUID()}`;
      const first = await open();
      expect(await first.sandboxEndpoints.load(token)).toBeUndefined();
      await first.sandboxEndpoints.save(token, [{ name: 'embedder', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 }], 1);
      await first.sandboxEndpoints.save(token, [{ name: 'embedder', minReplica: 1, maxReplica: 1, scaleToZeroTimeout: null }], 2);
      const second = await open();
      expect(await second.sandboxEndpoints.load(token)).toEqual([{ name: 'embedder', minReplica: 1, maxReplica: 1, scaleToZeroTimeout: null }]);
    });

    it('keeps proposals, history and claimed keys after close and reopen', async () => {
      const first = await open();
      const proposal = aProposal();
      const key = `once-${randomUUID()}`;
      await first.proposals.create(proposal);
      await first.proposals.setMessageRef(proposal.id, 'C1:1.2');
      await first.audit.record({
        id: `c-${randomUUID()}`,
        scope: proposal.scope,
        proposalId: proposal.id,
        before: proposal.base,
        after: proposal.proposed,
        requester: proposal.requester,
        approver: proposal.requester,
        channel: proposal.channel,
        proposedAt: proposal.createdAt,
        appliedAt: proposal.createdAt + 1,
      });
      expect(await first.once.claim(key)).toBe(true);
      await first.close();
      opened.splice(opened.indexOf(first), 1);

      const second = await open();

      expect(await second.proposals.get(proposal.id)).toStrictEqual({ ...proposal, messageRef: 'C1:1.2' });
      expect((await second.audit.recent(proposal.scope, 5)).map((c) => c.after)).toStrictEqual([proposal.proposed]);
      expect(await second.once.claim(key)).toBe(false);
    });

    it('forgets claimed keys older than the prune time, and only those', async () => {
      let now = Date.UTC(2020, 0, 1);
      const store = await open({ clock: { now: () => now } });
      const old = `once-${randomUUID()}`;
      const recent = `once-${randomUUID()}`;
      await store.once.claim(old);
      now += 10 * 86_400_000;
      await store.once.claim(recent);

      const pruned = await store.once.prune(now - 86_400_000);

      expect(pruned).toBe(1);
      expect(await store.once.claim(old)).toBe(true);
      expect(await store.once.claim(recent)).toBe(false);
    });

    it('lets only one of two stores sharing the database win a transition', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const proposal = aProposal();
      await a.proposals.create(proposal);

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).proposals.transition(proposal.id, 'pending', 'applying')),
      );

      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('excludes another store on the same database from a held scope', async () => {
      const [a, b] = await Promise.all([open(), open()]);
      const scope = `scope-${randomUUID()}`;
      let inside = 0;
      let maxInside = 0;
      const work = async () => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        await sleep(40);
        inside -= 1;
      };

      await Promise.all([a, b, a, b].map((s) => s.lock.withLock(scope, work)));

      expect(maxInside).toBe(1);
    });

    it('gives up waiting for a scope another store holds after the configured wait', async () => {
      const holder = await open();
      const waiter = await open({ lock: { waitMs: 300, pollMs: 25 } });
      const scope = `scope-${randomUUID()}`;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let entered!: () => void;
      const holding = new Promise<void>((resolve) => {
        entered = resolve;
      });
      const holderDone = holder.lock.withLock(scope, async () => {
        entered();
        await held;
      });
      await holding;

      const started = Date.now();
      await expect(waiter.lock.withLock(scope, async () => 'ran')).rejects.toThrow(/Timed out/);
      expect(Date.now() - started).toBeLessThan(3000);

      release();
      await holderDone;
      expect(await waiter.lock.withLock(scope, async () => 'ran')).toBe('ran');
    });

    it('frees the lock of a process killed while holding it', async () => {
      const { url, leaseMs, takeoverWithinMs } = target();
      const store = await open({ lock: { leaseMs, pollMs: 25, waitMs: 15_000 } });
      const scope = `scope-${randomUUID()}`;
      const holder = await startLockHolder(url, scope, leaseMs);
      children.push(holder);

      let enteredAt: number | undefined;
      const waiting = store.lock.withLock(scope, async () => {
        enteredAt = Date.now();
      });
      // Longer than a lease: the holder's heartbeat must keep the lock while it lives.
      await sleep(Math.max(500, leaseMs * 2));
      expect(enteredAt).toBeUndefined();

      const killedAt = Date.now();
      holder.kill('SIGKILL');
      await waiting;

      expect(enteredAt).toBeDefined();
      expect((enteredAt ?? Infinity) - killedAt).toBeLessThan(takeoverWithinMs);
    });

    it('takes over at once the lock of a process on this machine killed while holding it, long before its lease ends', async () => {
      const { url } = target();
      const store = await open({ lock: { leaseMs: 60_000, pollMs: 25, waitMs: 15_000 } });
      const scope = `scope-${randomUUID()}`;
      const holder = await startLockHolder(url, scope, 60_000);
      children.push(holder);
      let entered = false;
      const waiting = store.lock.withLock(scope, async () => {
        entered = true;
      });
      await sleep(300);
      expect(entered).toBe(false);

      const killedAt = Date.now();
      holder.kill('SIGKILL');
      await waiting;

      expect(entered).toBe(true);
      expect(Date.now() - killedAt).toBeLessThan(2000);
    });
  });
}
