import { Kysely, Migrator } from 'kysely';
import { describe, expect } from 'vitest';
import { replicasOf, seenScalings } from '../../src/backends/endpoints/plan.ts';
import { migrationProvider } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { StoreKind } from '../../src/store/schema.ts';
import { upgradesOnBothStores } from './upgrade-from-previous.ts';

/**
 * A store written by the version before 0007 (an endpoints proposal's view of the namespace after
 * `endpoints:` in its `base_version`, warm entries as "N replicas" labels only) opened by this one:
 * the proposal names its backend and keeps its view in `seen`, and every stored warm entry is typed.
 */
const LEGACY_SEEN = { seen: { embedder: { min: 0, max: 3, timeout: 30, updatedAt: '2026-11-01T00:00:00Z' } }, warmCost: 1.2 };
const warm = (name: string, replicas: number) => ({ modelId: name, computeType: `${replicas} ${replicas === 1 ? 'replica' : 'replicas'}` });
const principal = JSON.stringify({ platform: 'slack', userId: 'UALICE' });
const channel = JSON.stringify({ platform: 'slack', channelId: 'C1' });

function proposalRow(id: string, baseVersion: string, base: unknown[], proposed: unknown[]) {
  return {
    id, scope: 'default', state: 'pending', command: JSON.stringify({ verb: 'add', pins: [{ modelId: 'embedder', computeType: 'cpu' }], replicas: 2 }),
    requester: principal, channel, base: JSON.stringify(base), base_version: baseVersion, proposed: JSON.stringify(proposed), diff: '[]',
    allowed: 3, created_at: 1, expires_at: 4_000_000_000_000, approvals: '[]', approvals_required: 1,
  };
}

/** Brings an empty database to 0006 and writes what that version wrote. */
async function writeLegacyStore(db: Kysely<unknown>, kind: StoreKind, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(kind), ...(schema !== undefined ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateTo('0006_sandbox_endpoints');
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  const legacy = db as Kysely<Record<string, Record<string, unknown>>>;
  await legacy.insertInto('proposals').values([
    proposalRow('pe', `endpoints:${JSON.stringify(LEGACY_SEEN)}`, [warm('llama-chat', 1)], [warm('llama-chat', 1), warm('embedder', 2)]),
    proposalRow('pc', 'abc123', [{ modelId: 'gpt2', computeType: 'cpu' }], [{ modelId: 'gpt2', computeType: 'gpu' }]),
  ]).execute();
  await legacy.insertInto('changes').values({
    id: 'c1', scope: 'default', proposal_id: 'pe', before: JSON.stringify([warm('llama-chat', 1)]),
    after: JSON.stringify([warm('llama-chat', 1), warm('embedder', 2)]), requester: principal, approver: principal,
    platform: 'slack', channel_id: 'C1', proposed_at: 1, applied_at: 2,
  }).execute();
  const snapshot = { pins: [warm('llama-chat', 3)], allowed: 3, at: 2 };
  await legacy.insertInto('drift_alerts').values({ id: 'a1', scope: 'default', previous: JSON.stringify(snapshot), current: JSON.stringify({ ...snapshot, pins: [] }), detected_at: 3 }).execute();
  await legacy.insertInto('scope_snapshots').values({ scope: 'default', pins: JSON.stringify(snapshot.pins), allowed: 3, seen_at: 2 }).execute();
  await db.destroy();
}

async function expectUpgraded(url: string): Promise<void> {
  const store = await openStore(url);
  try {
    const endpoints = await store.proposals.get('pe');
    expect(endpoints?.backend).toBe('endpoints');
    expect(seenScalings({ seen: endpoints?.seen })).toEqual(LEGACY_SEEN.seen);
    expect(endpoints?.proposed.map(replicasOf)).toEqual([1, 2]);

    const classic = await store.proposals.get('pc');
    expect(classic?.backend).toBe('classic');
    expect(classic?.seen).toBeUndefined();
    expect(classic?.baseVersion).toBe('abc123');
    // A compute type is not a replica count: classic entries stay as they were.
    expect(classic?.proposed).toEqual([{ modelId: 'gpt2', computeType: 'gpu' }]);

    const change = await store.audit.get('default', 'c1');
    expect(change?.before.map(replicasOf)).toEqual([1]);
    expect(change?.after.map(replicasOf)).toEqual([1, 2]);
    expect((await store.snapshots.getAlert('a1'))?.previous.pins.map(replicasOf)).toEqual([3]);
    expect((await store.snapshots.lastSeen('default'))?.pins.map(replicasOf)).toEqual([3]);
  } finally {
    await store.close();
  }
}

describe('migration 0007: proposals name their backend and keep what they saw in a column of its own', () => {
  upgradesOnBothStores('migration-0007', writeLegacyStore, expectUpgraded);
});
