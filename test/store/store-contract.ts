import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditLog, ChangeRecord, OnceLedger, ProposalStore, ReadyTimeStore, ScheduleStore, ScopeLock, SnapshotStore, UsageStore } from '../../src/core/ports.ts';
import type { Principal } from '../../src/core/domain/principal.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import type { Schedule } from '../../src/core/domain/schedule.ts';

/** The ports one store implementation provides, and how to let it go. */
export interface StoreUnderTest {
  readonly proposals: ProposalStore;
  readonly audit: AuditLog;
  readonly lock: ScopeLock;
  readonly once: OnceLedger;
  readonly snapshots: SnapshotStore;
  readonly usage: UsageStore;
  readonly schedules: ScheduleStore;
  readonly readyTimes: ReadyTimeStore;
  close(): Promise<void>;
}

const alice: Principal = { platform: 'slack', userId: 'UALICE', displayName: 'alice', groups: ['S0PLATFORM'] };
const bob: Principal = { platform: 'discord', userId: '1100000000000000001', displayName: 'bob' };
const T0 = Date.UTC(2026, 10, 27, 12, 0, 0);

function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A pending proposal with every required field; read entries carry extra wire fields. */
export function aProposal(overrides: Partial<Proposal> = {}): Proposal {
  return {
    id: unique('p'),
    scope: unique('scope'),
    state: 'pending',
    command: { verb: 'add', pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }] },
    requester: alice,
    channel: { platform: 'slack', channelId: 'C0123RSRCH' },
    backend: 'classic',
    base: [
      { modelId: 'gpt2', computeType: 'cpu', wire: { model_id: 'gpt2', compute_type: 'cpu' } },
      {
        modelId: 'org/keep',
        computeType: 'tpu',
        wire: { model_id: 'org/keep', compute_type: 'tpu', note: 'x', nested: { gpu: { count: 8 } }, tags: ['a', 1, null] },
      },
    ],
    baseVersion: 'v1:abc123',
    proposed: [
      { modelId: 'gpt2', computeType: 'cpu', wire: { model_id: 'gpt2', compute_type: 'cpu' } },
      {
        modelId: 'org/keep',
        computeType: 'tpu',
        wire: { model_id: 'org/keep', compute_type: 'tpu', note: 'x', nested: { gpu: { count: 8 } }, tags: ['a', 1, null] },
      },
      { modelId: 'bigscience/bloom', computeType: 'gpu' },
    ],
    diff: [{ kind: 'added', modelId: 'bigscience/bloom', computeType: 'gpu' }],
    allowed: 5,
    createdAt: T0,
    expiresAt: T0 + 86_400_000,
    approvals: [],
    approvalsRequired: 2,
    ...overrides,
  };
}

function aChange(overrides: Partial<ChangeRecord> = {}): ChangeRecord {
  return {
    id: unique('c'),
    scope: unique('scope'),
    proposalId: unique('p'),
    before: [{ modelId: 'gpt2', computeType: 'cpu', wire: { model_id: 'gpt2', compute_type: 'cpu', extra: { a: 1 } } }],
    after: [{ modelId: 'gpt2', computeType: 'gpu' }],
    requester: alice,
    approver: bob,
    channel: { platform: 'discord', channelId: '1100000000000000009' },
    proposedAt: T0,
    appliedAt: T0 + 1000,
    ...overrides,
  };
}

/** An approved schedule with every field; optional ones are left to the caller. */
function aSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    id: unique('s'),
    scope: unique('scope'),
    backend: 'endpoints',
    spec: { entry: 'llama-chat', days: [1, 2, 3, 4, 5], start: { hour: 8, minute: 30 }, end: { hour: 18, minute: 0 }, zone: 'Europe/Paris' },
    proposalId: unique('p'),
    requester: alice,
    approver: bob,
    channel: { platform: 'discord', channelId: '1100000000000000009', guildId: '1100000000000000001' },
    createdAt: T0,
    handledBoundary: 0,
    doneBoundary: 0,
    left: { at: T0 },
    ...overrides,
  };
}

/** Runs `work` on the lock and records when it entered and left. */
function recorder() {
  const events: string[] = [];
  let inside = 0;
  let maxInside = 0;
  return {
    events,
    get maxInside() {
      return maxInside;
    },
    async run(lock: ScopeLock, scope: string, name: string, holdMs: number): Promise<string> {
      return lock.withLock(scope, async () => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        events.push(`enter ${name}`);
        await sleep(holdMs);
        events.push(`exit ${name}`);
        inside -= 1;
        return name;
      });
    },
  };
}

/** The behaviour every ProposalStore, AuditLog, OnceLedger and ScopeLock must have. */
export function describeStoreContract(name: string, open: () => Promise<StoreUnderTest>): void {
  describe(`${name} store contract`, () => {
    let store: StoreUnderTest;
    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    describe('proposals', () => {
      it('returns a created proposal with every field as it was stored', async () => {
        const full = aProposal({
          state: 'stale',
          approvals: [alice, bob],
          decidedBy: bob,
          decidedAt: T0 + 5,
          outcome: {
            kind: 'stale',
            changedUnderneath: [{ kind: 'compute', modelId: 'gpt2', from: 'cpu', to: 'gpu' }, { kind: 'removed', modelId: 'x/y', computeType: 'cpu' }],
            allowedBefore: 5,
            allowedNow: 4,
          },
          messageRef: 'C0123RSRCH:1700000000.000100',
          command: { verb: 'set', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] },
          hubChecks: [
            { modelId: 'gpt2', kind: 'found', facts: { task: 'text-generation', library: 'transformers', gated: 'manual', private: true, lastModified: '2024-02-19T10:57:45.000Z' } },
            { modelId: 'sandbox-org/raw-checkpoints', kind: 'found', facts: { gated: false, private: false } },
            { modelId: 'x/y', kind: 'unchecked' },
          ],
        });
        const minimal = aProposal();
        await store.proposals.create(full);
        await store.proposals.create(minimal);

        expect(await store.proposals.get(full.id)).toStrictEqual(full);
        expect(await store.proposals.get(minimal.id)).toStrictEqual(minimal);
        expect(await store.proposals.get('no-such-proposal')).toBeUndefined();
      });

      it('refuses a second proposal with the same id', async () => {
        const proposal = aProposal();
        await store.proposals.create(proposal);
        await expect(store.proposals.create({ ...proposal, scope: 'other' })).rejects.toThrow();
        expect((await store.proposals.get(proposal.id))?.scope).toBe(proposal.scope);
      });

      it('lets exactly one of 20 simultaneous transitions out of pending win', async () => {
        const proposal = aProposal();
        await store.proposals.create(proposal);

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.proposals.transition(proposal.id, 'pending', 'applying', { decidedBy: { platform: 'slack', userId: `U${i}` }, decidedAt: T0 + i }),
          ),
        );

        const winners = results.filter((r) => r !== undefined);
        expect(winners).toHaveLength(1);
        const winner = winners[0];
        expect(winner?.state).toBe('applying');
        expect(await store.proposals.get(proposal.id)).toStrictEqual(winner);
      });

      it('applies the patch with the state change and keeps every other field', async () => {
        const proposal = aProposal({ messageRef: 'm1' });
        await store.proposals.create(proposal);

        const applying = await store.proposals.transition(proposal.id, 'pending', 'applying', { approvals: [bob], decidedBy: bob, decidedAt: T0 + 7 });
        const applied = await store.proposals.transition(proposal.id, 'applying', 'applied', {
          outcome: { kind: 'applied', message: 'Pinned 3 models', changeId: 'c1' },
        });

        expect(applying).toStrictEqual({ ...proposal, state: 'applying', approvals: [bob], decidedBy: bob, decidedAt: T0 + 7 });
        expect(applied).toStrictEqual({ ...applying, state: 'applied', outcome: { kind: 'applied', message: 'Pinned 3 models', changeId: 'c1' } });
      });

      it('clears the fields a patch sets to undefined', async () => {
        const proposal = aProposal();
        await store.proposals.create(proposal);
        await store.proposals.transition(proposal.id, 'pending', 'applying', { decidedBy: bob, decidedAt: T0 + 1 });

        const back = await store.proposals.transition(proposal.id, 'applying', 'pending', { decidedBy: undefined, decidedAt: undefined });

        expect(back?.state).toBe('pending');
        expect(back?.decidedBy).toBeUndefined();
        expect(back?.decidedAt).toBeUndefined();
        expect((await store.proposals.get(proposal.id))?.decidedBy).toBeUndefined();
      });

      it('returns undefined and changes nothing when the proposal is not in the expected state', async () => {
        const proposal = aProposal();
        await store.proposals.create(proposal);

        expect(await store.proposals.transition(proposal.id, 'applying', 'applied')).toBeUndefined();
        expect(await store.proposals.transition('no-such-proposal', 'pending', 'cancelled')).toBeUndefined();
        expect(await store.proposals.get(proposal.id)).toStrictEqual(proposal);
      });

      it('counts each approver once, and only while the proposal is pending', async () => {
        const proposal = aProposal({ approvalsRequired: 3 });
        await store.proposals.create(proposal);

        await store.proposals.addApproval(proposal.id, alice);
        const again = await store.proposals.addApproval(proposal.id, { ...alice, displayName: 'Alice renamed' });
        const second = await store.proposals.addApproval(proposal.id, bob);
        expect(again?.approvals).toStrictEqual([alice]);
        expect(second?.approvals).toStrictEqual([alice, bob]);

        await store.proposals.transition(proposal.id, 'pending', 'cancelled');
        expect(await store.proposals.addApproval(proposal.id, { platform: 'slack', userId: 'ULATE' })).toBeUndefined();
        expect(await store.proposals.addApproval('no-such-proposal', alice)).toBeUndefined();
        expect((await store.proposals.get(proposal.id))?.approvals).toStrictEqual([alice, bob]);
      });

      it('loses no approval when many approvers click at once', async () => {
        const proposal = aProposal({ approvalsRequired: 20 });
        await store.proposals.create(proposal);
        const approvers: Principal[] = Array.from({ length: 10 }, (_, i) => ({ platform: 'slack', userId: `U${i}` }));

        await Promise.all([...approvers, ...approvers].map((a) => store.proposals.addApproval(proposal.id, a)));

        const approvals = (await store.proposals.get(proposal.id))?.approvals ?? [];
        expect(approvals.map((a) => a.userId).sort()).toEqual(approvers.map((a) => a.userId).sort());
      });

      it('remembers where the card was posted', async () => {
        const proposal = aProposal();
        await store.proposals.create(proposal);

        await store.proposals.setMessageRef(proposal.id, 'C1:123.456');
        await store.proposals.setMessageRef('no-such-proposal', 'C1:999');

        expect(await store.proposals.get(proposal.id)).toStrictEqual({ ...proposal, messageRef: 'C1:123.456' });
      });

      it('lists proposals in a state, oldest first, in one scope or in all', async () => {
        const scope = unique('scope');
        const other = unique('scope');
        const newer = aProposal({ scope, createdAt: T0 + 2000 });
        const older = aProposal({ scope, createdAt: T0 + 1000 });
        const sameMsFirst = aProposal({ scope, createdAt: T0 + 3000 });
        const sameMsSecond = aProposal({ scope, createdAt: T0 + 3000 });
        const elsewhere = aProposal({ scope: other, createdAt: T0 + 1500 });
        const cancelled = aProposal({ scope, createdAt: T0 + 500 });
        for (const p of [newer, older, sameMsFirst, sameMsSecond, elsewhere, cancelled]) await store.proposals.create(p);
        await store.proposals.transition(cancelled.id, 'pending', 'cancelled');

        const inScope = await store.proposals.listByState(scope, 'pending');
        const everywhere = await store.proposals.listByState(undefined, 'pending');
        const ours = new Set([newer.id, older.id, sameMsFirst.id, sameMsSecond.id, elsewhere.id]);

        expect(inScope.map((p) => p.id)).toEqual([older.id, newer.id, sameMsFirst.id, sameMsSecond.id]);
        expect(everywhere.filter((p) => ours.has(p.id)).map((p) => p.id)).toEqual([older.id, elsewhere.id, newer.id, sameMsFirst.id, sameMsSecond.id]);
        expect((await store.proposals.listByState(scope, 'cancelled')).map((p) => p.id)).toEqual([cancelled.id]);
        expect(inScope[0]).toStrictEqual(older);
      });

      it('lists pending proposals whose expiry is at or before now', async () => {
        const now = T0 + 10_000_000;
        const due = aProposal({ expiresAt: now - 1 });
        const exactlyNow = aProposal({ expiresAt: now });
        const later = aProposal({ expiresAt: now + 1 });
        const decided = aProposal({ expiresAt: now - 1 });
        for (const p of [due, exactlyNow, later, decided]) await store.proposals.create(p);
        await store.proposals.transition(decided.id, 'pending', 'cancelled');

        const expired = await store.proposals.listExpired(now);
        const ours = new Set([due.id, exactlyNow.id, later.id, decided.id]);

        expect(expired.filter((p) => ours.has(p.id)).map((p) => p.id).sort()).toEqual([due.id, exactlyNow.id].sort());
        expect(expired.find((p) => p.id === due.id)).toStrictEqual(due);
      });
    });

    describe('settled proposals', () => {
      it('lists proposals in a final state decided at or after a time, oldest first, and no others', async () => {
        const since = T0 + 20_000_000;
        const before = aProposal();
        const atSince = aProposal();
        const after = aProposal();
        const stillPending = aProposal();
        const applying = aProposal();
        for (const p of [before, atSince, after, stillPending, applying]) await store.proposals.create(p);
        await store.proposals.transition(before.id, 'pending', 'cancelled', { decidedAt: since - 1 });
        await store.proposals.transition(after.id, 'pending', 'applying', { decidedAt: since + 5 });
        await store.proposals.transition(after.id, 'applying', 'applied', { outcome: { kind: 'applied', message: 'ok', changeId: 'c1' } });
        await store.proposals.transition(atSince.id, 'pending', 'expired', { decidedAt: since });
        await store.proposals.transition(applying.id, 'pending', 'applying', { decidedAt: since + 1 });

        const settled = await store.proposals.listSettledSince(since);
        const ours = new Set([before.id, atSince.id, after.id, stillPending.id, applying.id]);

        expect(settled.filter((p) => ours.has(p.id)).map((p) => p.id)).toEqual([atSince.id, after.id]);
      });
    });

    describe('audit log', () => {
      it('returns a scope’s changes newest first, up to the limit, and no other scope’s', async () => {
        const scope = unique('scope');
        const first = aChange({ scope, appliedAt: T0 + 1000 });
        const second = aChange({ scope, appliedAt: T0 + 2000 });
        const third = aChange({ scope, appliedAt: T0 + 3000 });
        const elsewhere = aChange({ appliedAt: T0 + 2500 });
        for (const c of [first, second, elsewhere, third]) await store.audit.record(c);

        expect((await store.audit.recent(scope, 10)).map((c) => c.id)).toEqual([third.id, second.id, first.id]);
        expect((await store.audit.recent(scope, 2)).map((c) => c.id)).toEqual([third.id, second.id]);
        expect(await store.audit.recent(unique('scope'), 10)).toEqual([]);
      });

      it('finds a change by id within its scope only, with every field', async () => {
        const change = aChange();

        await store.audit.record(change);

        expect(await store.audit.get(change.scope, change.id)).toStrictEqual(change);
        expect(await store.audit.get('another-scope', change.id)).toBeUndefined();
        expect(await store.audit.get(change.scope, 'no-such-change')).toBeUndefined();
      });
    });

    describe('once ledger', () => {
      it('gives exactly one of 20 simultaneous claims of a key, and none after', async () => {
        const key = unique('slack:interaction');

        const claims = await Promise.all(Array.from({ length: 20 }, () => store.once.claim(key)));

        expect(claims.filter(Boolean)).toHaveLength(1);
        expect(await store.once.claim(key)).toBe(false);
        expect(await store.once.claim(unique('slack:interaction'))).toBe(true);
      });
    });

    describe('scope lock', () => {
      it('never runs two pieces of work on one scope at the same time', async () => {
        const scope = unique('scope');
        const r = recorder();

        const names = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((n) => r.run(store.lock, scope, n, 15)));

        expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(r.maxInside).toBe(1);
        for (let i = 0; i < r.events.length; i += 2) {
          expect(r.events[i]?.replace('enter', '')).toBe(r.events[i + 1]?.replace('exit', ''));
        }
      });

      it('runs work on different scopes in parallel', async () => {
        const r = recorder();

        await Promise.all([r.run(store.lock, unique('scope'), 'a', 150), r.run(store.lock, unique('scope'), 'b', 150)]);

        expect(r.maxInside).toBe(2);
      });

      it('releases the lock when the work throws, and passes the error on', async () => {
        const scope = unique('scope');
        const failure = new Error('write failed');

        await expect(store.lock.withLock(scope, async () => { throw failure; })).rejects.toBe(failure);
        const started = Date.now();
        const value = await store.lock.withLock(scope, async () => 42);

        expect(value).toBe(42);
        expect(Date.now() - started).toBeLessThan(1000);
      });
    });

    describe('snapshots and drift alerts', () => {
      it('keeps the last list seen per scope, with entries exactly as read, replacing the previous one', async () => {
        const scope = unique('scope');
        expect(await store.snapshots.lastSeen(scope)).toBeUndefined();
        const first = { pins: aProposal().base, allowed: 5, at: T0 };
        await store.snapshots.recordSeen(scope, first);
        expect(await store.snapshots.lastSeen(scope)).toEqual(first);
        const second = { pins: [], allowed: 3, at: T0 + 1000 };
        await store.snapshots.recordSeen(scope, second);
        expect(await store.snapshots.lastSeen(scope)).toEqual(second);
        expect(await store.snapshots.lastSeen(unique('other'))).toBeUndefined();
      });

      it('keeps drift alerts by id; saving the same id twice keeps the first', async () => {
        const alert = {
          id: unique('a'), scope: unique('scope'), detectedAt: T0,
          previous: { pins: aProposal().base, allowed: 5, at: T0 - 1000 },
          current: { pins: aProposal().proposed, allowed: 5, at: T0 },
        };
        await store.snapshots.saveAlert(alert);
        await store.snapshots.saveAlert({ ...alert, detectedAt: T0 + 5 });
        expect(await store.snapshots.getAlert(alert.id)).toEqual(alert);
        expect(await store.snapshots.getAlert(unique('missing'))).toBeUndefined();
      });
    });

    describe('schedules', () => {
      it('returns a created schedule with every field as it was stored', async () => {
        const full = aSchedule({
          spec: { entry: 'embedder', computeType: 'gpu', scale: 2, days: [6, 7], start: { hour: 22, minute: 0 }, end: { hour: 24, minute: 0 }, zone: 'UTC' },
          removedAt: T0 + 10,
          handledBoundary: T0 + 5,
          claimedAt: T0 + 4,
          doneBoundary: T0 + 5,
          left: { pin: { modelId: 'embedder', computeType: '2 replicas', wire: { minReplica: 2 } }, at: T0 + 5 },
          overriddenUntil: T0 + 86_400_000,
        });
        const minimal = aSchedule();
        await store.schedules.create(full);
        await store.schedules.create(minimal);

        expect(await store.schedules.get(full.id)).toStrictEqual(full);
        expect(await store.schedules.get(minimal.id)).toStrictEqual(minimal);
        expect(await store.schedules.get('no-such-schedule')).toBeUndefined();
      });

      it('refuses a second schedule with the same id', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        await expect(store.schedules.create({ ...schedule, scope: 'other' })).rejects.toThrow();
        expect((await store.schedules.get(schedule.id))?.scope).toBe(schedule.scope);
      });

      it('lists schedules not removed, oldest first, in one scope or in all', async () => {
        const scope = unique('scope');
        const other = unique('scope');
        const later = aSchedule({ scope, createdAt: T0 + 2000 });
        const earlier = aSchedule({ scope, createdAt: T0 + 1000 });
        const elsewhere = aSchedule({ scope: other, createdAt: T0 + 1500 });
        const removed = aSchedule({ scope, createdAt: T0 + 500 });
        for (const schedule of [later, earlier, elsewhere, removed]) await store.schedules.create(schedule);
        await store.schedules.remove(removed.id, T0 + 3000);

        expect(await store.schedules.active(scope)).toStrictEqual([earlier, later]);
        expect(await store.schedules.active(other)).toStrictEqual([elsewhere]);
        expect(await store.schedules.active(unique('empty'))).toEqual([]);
        const ours = new Set([later.id, earlier.id, elsewhere.id, removed.id]);
        expect((await store.schedules.active()).filter((s) => ours.has(s.id)).map((s) => s.id)).toEqual([earlier.id, elsewhere.id, later.id]);
      });

      it('claims a boundary only forward', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);

        expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0)).toBe(true);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0)).toBe(false);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 500, T0)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(T0 + 1000);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 2000, T0)).toBe(true);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(T0 + 2000);
        expect(await store.schedules.claimBoundary('no-such-schedule', T0 + 3000, T0)).toBe(false);
      });

      it('gives a boundary to exactly one of 20 simultaneous claims', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);

        const claims = await Promise.all(Array.from({ length: 20 }, () => store.schedules.claimBoundary(schedule.id, T0 + 60_000, T0)));

        expect(claims.filter(Boolean)).toHaveLength(1);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(T0 + 60_000);
      });

      it('gives back a claimed boundary only while it is still the one handled, so it can be claimed again', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0)).toBe(true);

        expect(await store.schedules.releaseBoundary(schedule.id, T0 + 500, 0, T0)).toBe(false);
        expect(await store.schedules.releaseBoundary(schedule.id, T0 + 1000, 0, T0)).toBe(true);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(0);
        expect(await store.schedules.releaseBoundary(schedule.id, T0 + 1000, 0, T0)).toBe(false);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0)).toBe(true);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 2000, T0)).toBe(true);
        expect(await store.schedules.releaseBoundary(schedule.id, T0 + 1000, 0, T0)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(T0 + 2000);
        expect(await store.schedules.releaseBoundary('no-such-schedule', T0 + 1000, 0, T0)).toBe(false);
      });

      it('records when a boundary was claimed; a release names that claim, so a slow first claimer cannot give back a later claim', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0 + 1100)).toBe(true);
        expect(await store.schedules.get(schedule.id)).toStrictEqual({ ...schedule, handledBoundary: T0 + 1000, claimedAt: T0 + 1100 });

        expect(await store.schedules.reclaimBoundary(schedule.id, T0 + 1000, T0 + 1100, T0 + 9000)).toBe(true);
        expect(await store.schedules.releaseBoundary(schedule.id, T0 + 1000, 0, T0 + 1100)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(T0 + 1000);
        expect(await store.schedules.releaseBoundary(schedule.id, T0 + 1000, 0, T0 + 9000)).toBe(true);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(0);
      });

      it('claims again an unfinished boundary only once its claim is at or before the stale mark, and never a done one', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 1000, T0 + 1000)).toBe(true);

        // The claim is newer than the stale mark: its switch may still be running.
        expect(await store.schedules.reclaimBoundary(schedule.id, T0 + 1000, T0 + 999, T0 + 2000)).toBe(false);
        // Not the boundary handled.
        expect(await store.schedules.reclaimBoundary(schedule.id, T0 + 500, T0 + 1000, T0 + 2000)).toBe(false);
        expect(await store.schedules.reclaimBoundary('no-such-schedule', T0 + 1000, T0 + 1000, T0 + 2000)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.claimedAt).toBe(T0 + 1000);

        expect(await store.schedules.reclaimBoundary(schedule.id, T0 + 1000, T0 + 1000, T0 + 2000)).toBe(true);
        expect(await store.schedules.get(schedule.id)).toStrictEqual({ ...schedule, handledBoundary: T0 + 1000, claimedAt: T0 + 2000, doneBoundary: 0 });

        await store.schedules.markDone(schedule.id, T0 + 1000);
        expect((await store.schedules.get(schedule.id))?.doneBoundary).toBe(T0 + 1000);
        expect(await store.schedules.reclaimBoundary(schedule.id, T0 + 1000, T0 + 5000, T0 + 6000)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.claimedAt).toBe(T0 + 2000);
      });

      it('claims again a boundary claimed without a date (before claims were dated), unless removed', async () => {
        const undated = aSchedule({ handledBoundary: T0 + 1000 });
        const removed = aSchedule({ handledBoundary: T0 + 1000 });
        await store.schedules.create(undated);
        await store.schedules.create(removed);
        await store.schedules.remove(removed.id, T0 + 1500);

        expect(await store.schedules.reclaimBoundary(removed.id, T0 + 1000, T0, T0 + 2000)).toBe(false);
        expect(await store.schedules.reclaimBoundary(undated.id, T0 + 1000, T0, T0 + 2000)).toBe(true);
        expect((await store.schedules.get(undated.id))?.claimedAt).toBe(T0 + 2000);
      });

      it('gives an unfinished boundary to exactly one of 20 simultaneous claims again', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 60_000, T0 + 60_000)).toBe(true);

        // Twenty passes past the lease, each at its own instant, each with its own stale mark.
        const lease = 600_000;
        const reclaims = await Promise.all(Array.from({ length: 20 }, (_, i) => {
          const at = T0 + 60_000 + lease + i;
          return store.schedules.reclaimBoundary(schedule.id, T0 + 60_000, at - lease, at);
        }));

        expect(reclaims.filter(Boolean)).toHaveLength(1);
        expect((await store.schedules.get(schedule.id))?.claimedAt).toBe(T0 + 60_000 + lease + reclaims.indexOf(true));
      });

      it('marks a boundary done only forward', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 2000, T0)).toBe(true);

        await store.schedules.markDone(schedule.id, T0 + 2000);
        await store.schedules.markDone(schedule.id, T0 + 1000);
        await store.schedules.markDone('no-such-schedule', T0 + 1000);

        expect(await store.schedules.get(schedule.id)).toStrictEqual({ ...schedule, handledBoundary: T0 + 2000, claimedAt: T0, doneBoundary: T0 + 2000 });
      });

      it('removes a schedule once, and refuses claims on it after', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);

        const removals = await Promise.all(Array.from({ length: 5 }, (_, i) => store.schedules.remove(schedule.id, T0 + 100 + i)));

        expect(removals.filter(Boolean)).toHaveLength(1);
        const removedAt = (await store.schedules.get(schedule.id))?.removedAt;
        expect(removedAt).toBe(T0 + 100 + removals.indexOf(true));
        expect(await store.schedules.remove(schedule.id, T0 + 999)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.removedAt).toBe(removedAt);
        expect(await store.schedules.claimBoundary(schedule.id, T0 + 60_000, T0)).toBe(false);
        expect((await store.schedules.get(schedule.id))?.handledBoundary).toBe(0);
        expect(await store.schedules.remove('no-such-schedule', T0)).toBe(false);
      });

      it('records what a switch left and the override, and clears the override', async () => {
        const schedule = aSchedule();
        await store.schedules.create(schedule);
        const kept = { pin: { modelId: 'llama-chat', computeType: '1 replica', wire: { minReplica: 1 } }, at: T0 + 1000 };

        await store.schedules.setLeft(schedule.id, kept);
        await store.schedules.setOverride(schedule.id, T0 + 86_400_000);
        expect(await store.schedules.get(schedule.id)).toStrictEqual({ ...schedule, left: kept, overriddenUntil: T0 + 86_400_000 });

        await store.schedules.setLeft(schedule.id, { at: T0 + 2000 });
        await store.schedules.setOverride(schedule.id, undefined);
        expect(await store.schedules.get(schedule.id)).toStrictEqual({ ...schedule, left: { at: T0 + 2000 } });
      });
    });

    describe('ready times', () => {
      it('returns an entry’s latest durations newest first, up to the limit, and no other entry’s', async () => {
        const scope = unique('scope');
        await store.readyTimes.record(scope, 'chat', 300_000, T0 + 1000);
        await store.readyTimes.record(scope, 'chat', 100_000, T0 + 3000);
        await store.readyTimes.record(scope, 'chat', 200_000, T0 + 2000);
        await store.readyTimes.record(scope, 'embed', 50_000, T0 + 4000);
        await store.readyTimes.record(unique('other'), 'chat', 1, T0 + 5000);

        expect(await store.readyTimes.recent(scope, 'chat', 10)).toEqual([100_000, 200_000, 300_000]);
        expect(await store.readyTimes.recent(scope, 'chat', 2)).toEqual([100_000, 200_000]);
        expect(await store.readyTimes.recent(scope, 'embed', 10)).toEqual([50_000]);
        expect(await store.readyTimes.recent(scope, 'none', 10)).toEqual([]);
      });

      it('keeps only the latest 20 per entry', async () => {
        const scope = unique('scope');
        for (let i = 0; i < 25; i++) await store.readyTimes.record(scope, 'chat', 1000 + i, T0 + i);
        await store.readyTimes.record(scope, 'embed', 7, T0);

        const kept = await store.readyTimes.recent(scope, 'chat', 100);
        expect(kept).toEqual(Array.from({ length: 20 }, (_, i) => 1024 - i));
        // An older record than all kept is dropped at once.
        await store.readyTimes.record(scope, 'chat', 5, T0 - 1);
        expect(await store.readyTimes.recent(scope, 'chat', 100)).toEqual(kept);
        expect(await store.readyTimes.recent(scope, 'embed', 100)).toEqual([7]);
      });
    });

    describe('usage', () => {
      const HOUR = 3_600_000;
      const requests = (ok: number, serverErrors = 0) => ({ '2xx': ok, '3xx': 0, '4xx': 0, '5xx': serverErrors });
      const baseline = (at: number) => ({ at, counters: [{ instance: 'r1', status: '2xx' as const, value: at % 1000 }], gap: false });

      it('adds each sample to its hour, keeps the last latency given, and lists hours in [from, to) oldest first', async () => {
        const scope = unique('scope');
        await store.usage.record(scope, 'chat', baseline(T0), { hour: T0, requests: requests(10, 1), latency: { p50: 0.1, p90: 0.2, p99: 0.3 } });
        await store.usage.record(scope, 'chat', baseline(T0 + 1), { hour: T0, requests: requests(5, 2) });
        await store.usage.record(scope, 'chat', baseline(T0 + 2), { hour: T0 + HOUR, requests: requests(7), latency: { p50: 0.5 } });
        await store.usage.record(scope, 'embed', baseline(T0 + 3), { hour: T0, requests: requests(1) });
        await store.usage.record(unique('other'), 'chat', baseline(T0), { hour: T0, requests: requests(99) });

        expect(await store.usage.hours(scope, T0, T0 + 2 * HOUR)).toEqual([
          { entry: 'chat', hour: T0, requests: requests(15, 3), latency: { p50: 0.1, p90: 0.2, p99: 0.3 } },
          { entry: 'embed', hour: T0, requests: requests(1) },
          { entry: 'chat', hour: T0 + HOUR, requests: requests(7), latency: { p50: 0.5 } },
        ]);
        expect(await store.usage.hours(scope, T0 + HOUR, T0 + HOUR)).toEqual([]);
        expect(await store.usage.hours(scope, T0, T0 + 2 * HOUR, 'chat')).toEqual([
          { entry: 'chat', hour: T0, requests: requests(15, 3), latency: { p50: 0.1, p90: 0.2, p99: 0.3 } },
          { entry: 'chat', hour: T0 + HOUR, requests: requests(7), latency: { p50: 0.5 } },
        ]);
        expect(await store.usage.hours(scope, T0, T0 + 2 * HOUR, 'nobody')).toEqual([]);
      });

      it('loses no request when many samples add to one hour at once', async () => {
        const scope = unique('scope');
        await Promise.all(Array.from({ length: 20 }, (_, index) => store.usage.record(scope, 'chat', baseline(T0 + index), { hour: T0, requests: requests(1, 1) })));
        expect((await store.usage.hours(scope, T0, T0 + 1)).map((hour) => hour.requests)).toEqual([requests(20, 20)]);
      });

      it('keeps the baseline per entry, replaced by each sample, and marks a gap on it', async () => {
        const scope = unique('scope');
        expect(await store.usage.baseline(scope, 'chat')).toBeUndefined();
        await store.usage.markGap(scope, 'chat');
        expect(await store.usage.baseline(scope, 'chat')).toBeUndefined();
        const first = { at: T0, counters: [{ instance: 'r1', status: '2xx' as const, value: 1152 }, { instance: 'r2', status: '5xx' as const, value: 3 }], gap: false };
        await store.usage.record(scope, 'chat', first);
        expect(await store.usage.baseline(scope, 'chat')).toEqual(first);
        expect(await store.usage.hours(scope, 0, T0 + HOUR)).toEqual([]);
        await store.usage.markGap(scope, 'chat');
        expect(await store.usage.baseline(scope, 'chat')).toEqual({ ...first, gap: true });
        await store.usage.record(scope, 'chat', baseline(T0 + 5));
        expect(await store.usage.baseline(scope, 'chat')).toEqual(baseline(T0 + 5));
        expect(await store.usage.baseline(scope, 'embed')).toBeUndefined();
      });

      it('keeps a count only from the baseline it was counted from: of two counts from one baseline, one is kept', async () => {
        const scope = unique('scope');
        // No baseline yet: of two first samples at once, one becomes it.
        const firsts = await Promise.all([T0, T0 + 1].map((at) => store.usage.record(scope, 'chat', baseline(at), undefined, null)));
        expect(firsts.filter(Boolean)).toHaveLength(1);
        const first = await store.usage.baseline(scope, 'chat');
        if (first === undefined) throw new Error('expected a baseline');
        // Two processes counted from it at once (a late sample of one interval and the next one's): one count is kept.
        const kept = await Promise.all([T0 + 10, T0 + 11].map((at) => store.usage.record(scope, 'chat', baseline(at), { hour: T0, requests: requests(40) }, { at: first.at, gap: first.gap })));
        expect(kept.filter(Boolean)).toHaveLength(1);
        expect((await store.usage.hours(scope, T0, T0 + 1)).map((hour) => hour.requests)).toEqual([requests(40)]);
        // A count from a baseline a failed sample has broken since is not kept either.
        const now = await store.usage.baseline(scope, 'chat');
        if (now === undefined) throw new Error('expected a baseline');
        await store.usage.markGap(scope, 'chat');
        expect(await store.usage.record(scope, 'chat', baseline(T0 + 20), { hour: T0, requests: requests(5) }, { at: now.at, gap: false })).toBe(false);
        expect(await store.usage.record(scope, 'chat', baseline(T0 + 21), undefined, { at: now.at, gap: true })).toBe(true);
        expect(await store.usage.baseline(scope, 'chat')).toEqual(baseline(T0 + 21));
        expect((await store.usage.hours(scope, T0, T0 + 1)).map((hour) => hour.requests)).toEqual([requests(40)]);
      });

      it('sums each entry over the hours from any hour on, whole days and the hours before the first alike', async () => {
        const scope = unique('scope');
        const DAY = 24 * HOUR;
        const day0 = T0 - (T0 % DAY);
        // Three days of hours for two entries, a few hours skipped, a sample added twice to one hour.
        let at = T0;
        for (let hour = day0 - 5 * HOUR; hour < day0 + 2 * DAY + 7 * HOUR; hour += HOUR) {
          if ((hour / HOUR) % 5 === 2) continue;
          await store.usage.record(scope, 'chat', baseline(at++), { hour, requests: requests((hour / HOUR) % 7, (hour / HOUR) % 2) });
          if ((hour / HOUR) % 3 === 0) await store.usage.record(scope, 'embed', baseline(at++), { hour, requests: requests(1) });
        }
        await store.usage.record(scope, 'chat', baseline(at++), { hour: day0 + DAY, requests: requests(100) });
        await store.usage.record(unique('other'), 'chat', baseline(at++), { hour: day0 + DAY, requests: requests(1000) });

        const froms = [day0 - 5 * HOUR, day0 - 2 * HOUR, day0, day0 + 3 * HOUR, day0 + DAY, day0 + DAY + HOUR, day0 + 2 * DAY + 6 * HOUR, day0 + 3 * DAY];
        for (const from of froms) {
          const expected = new Map<string, Record<string, number>>();
          for (const row of await store.usage.hours(scope, from, Number.MAX_SAFE_INTEGER)) {
            const sum = expected.get(row.entry) ?? requests(0);
            expected.set(row.entry, Object.fromEntries(Object.entries(sum).map(([status, value]) => [status, value + row.requests[status as keyof typeof sum]])));
          }
          const totals = await store.usage.totals(scope, from);
          expect(new Map(totals.map((total) => [total.entry, total.requests])), `from ${(from - day0) / HOUR} h`).toEqual(expected);
          expect(totals.some((total) => total.entry === 'chat')).toBe(from < day0 + 3 * DAY);
        }
      });

      it('reads the requests of the entries asked for, hour by hour, all classes together', async () => {
        const scope = unique('scope');
        await store.usage.record(scope, 'chat', baseline(T0), { hour: T0, requests: requests(3, 1), latency: { p50: 0.1 } });
        await store.usage.record(scope, 'chat', baseline(T0 + 1), { hour: T0 + HOUR, requests: requests(4) });
        await store.usage.record(scope, 'embed', baseline(T0 + 2), { hour: T0, requests: requests(5) });
        await store.usage.record(scope, 'rerank', baseline(T0 + 3), { hour: T0, requests: requests(6) });

        expect(await store.usage.requestsByHour(scope, ['embed', 'chat'], T0, T0 + 2 * HOUR)).toEqual([
          { entry: 'chat', hour: T0, requests: 4 },
          { entry: 'chat', hour: T0 + HOUR, requests: 4 },
          { entry: 'embed', hour: T0, requests: 5 },
        ]);
        expect(await store.usage.requestsByHour(scope, ['chat'], T0 + HOUR, T0 + 2 * HOUR)).toEqual([{ entry: 'chat', hour: T0 + HOUR, requests: 4 }]);
        expect(await store.usage.requestsByHour(scope, [], T0, T0 + 2 * HOUR)).toEqual([]);
      });

      it('remembers a scope whose account may not read usage until told it may again', async () => {
        const scope = unique('scope');
        expect(await store.usage.denied(scope)).toBeUndefined();
        await store.usage.setDenied(scope, { reason: 'No metrics plan.', at: T0 });
        await store.usage.setDenied(scope, { reason: 'Still no metrics plan.', at: T0 + 1 });
        expect(await store.usage.denied(scope)).toEqual({ reason: 'Still no metrics plan.', at: T0 + 1 });
        expect(await store.usage.denied(unique('other'))).toBeUndefined();
        await store.usage.setDenied(scope, undefined);
        expect(await store.usage.denied(scope)).toBeUndefined();
      });

      it('prunes hours before the retention and keeps the rest', async () => {
        const scope = unique('scope');
        const old = T0 - 200 * 24 * HOUR;
        await store.usage.record(scope, 'chat', baseline(old), { hour: old, requests: requests(1) });
        await store.usage.record(scope, 'chat', baseline(old + HOUR), { hour: old + HOUR, requests: requests(2) });
        await store.usage.record(scope, 'chat', baseline(T0), { hour: T0, requests: requests(3) });

        expect(await store.usage.prune(old + HOUR)).toBe(1);
        expect((await store.usage.hours(scope, 0, T0 + HOUR)).map((hour) => hour.requests['2xx'])).toEqual([2, 3]);
        // A day that ended before the retention goes with its hours.
        expect(await store.usage.prune(old + 2 * 24 * HOUR)).toBe(1);
        expect(await store.usage.totals(scope, 0)).toEqual([{ entry: 'chat', requests: requests(3) }]);
      });
    });
  });
}
