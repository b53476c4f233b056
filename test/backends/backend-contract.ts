import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { isPinbotError } from '../../src/core/domain/errors.ts';
import { Notifier } from '../../src/core/follow-ups/notifications.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import { silentLogger } from '../../src/core/ports.ts';
import type { DiffLine, Proposal } from '../../src/core/domain/proposal.ts';
import { renderOutcome } from '../../src/core/words/replies.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { createDriftWatcher } from '../../src/follow-ups.ts';
import { buildPinbot, type Pinbot } from '../../src/pinbot.ts';
import { rejection, TOKEN } from '../helpers/hf-harness.ts';
import { manualClock } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';
import { testTempDir } from '../helpers/temp-dir.ts';
import { CHAT_STYLE } from '../helpers/reply-style.ts';

/** The live state a case starts from: entries named from the fixture's `names`, and the cap. */
export interface WorldSetup {
  readonly live: readonly string[];
  readonly cap: number;
}

/** One backend's simulator, started for one case, and the test controls the cases need. */
export interface BackendWorld {
  /** The scope's backend settings, as lines of PINBOT_CONFIG under the scope (4-space indent). */
  readonly scopeYaml: string;
  /** The environment that points pinbot at this simulator. */
  readonly env: Readonly<Record<string, string>>;
  /** The live entries, as the simulator holds them now. */
  live(): readonly string[];
  /** How many of pinbot's writes reached the simulator and were applied. */
  writes(): number;
  /** How many write requests pinbot sent, applied or refused. */
  writeRequests(): number;
  /** Someone changes `name` outside pinbot: a live entry stops being live, another becomes live. */
  outsideChange(name: string): void;
  /**
   * The approval of `proposal` (a change of two entries) stops after its first write: the second
   * write fails. A backend with one write per change has no midway: its only write fails.
   */
  failWriteMidway(proposal: Proposal): void;
  /** What a process stopped mid-apply left: the first `count` writes of `proposal` landed, no more. */
  landWrites(proposal: Proposal, count: number): void;
  close(): Promise<void>;
}

/** Everything a contract case needs to know about one backend, so that each case is written once. */
export interface BackendFixture {
  readonly name: string;
  /** Four entry names the cases use; which are live is given to `start`. */
  readonly names: readonly [string, string, string, string];
  /** The codes a proposal over the cap is refused with. */
  readonly overCapCodes: ReadonlySet<string>;
  /** How many writes the approval of a change of two entries makes. */
  readonly writesForTwoEntries: number;
  /**
   * Which pending proposals an apply settles stale at once: `every-pending`, every one made on the
   * state it replaced; `touching`, those that touch an entry it changed.
   */
  readonly supersedes: 'every-pending' | 'touching';
  /** The command words that add or remove entries. */
  add(names: readonly string[]): string;
  remove(names: readonly string[]): string;
  start(setup: WorldSetup): Promise<BackendWorld>;
}

/** The cases, by name, so a matrix can mark one that today's code fails. */
export const CONTRACT_CASES = ['list', 'over-cap', 'concurrent', 'stale', 'crash', 'partial', 'revert', 'drift', 'supersede', 'supersede-scope'] as const;
export type ContractCase = (typeof CONTRACT_CASES)[number];

export interface ContractOptions {
  /** The store's URL: a SQLite file or a PostgreSQL schema of this run, shared by the cases (each has a scope of its own). */
  readonly databaseUrl: () => string;
  /** Cases that today's code is known to fail on this backend: run with `it.fails`, so a fix shows up. */
  readonly knownFailures?: ReadonlySet<ContractCase>;
}

const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };
const ALERTS = { platform: 'slack' as const, channelId: 'C0ALERTS' };
const DRIFT_INTERVAL_MS = 60_000;

const sorted = (names: Iterable<string>) => [...names].sort();
const lines = (diff: readonly DiffLine[]) => diff.map((line) => `${line.kind} ${line.modelId}`);

/** The change that undoes `diff`. */
function inverse(diff: readonly DiffLine[]): string[] {
  return diff.map((line) => (line.kind === 'added' ? `removed ${line.modelId}` : line.kind === 'removed' ? `added ${line.modelId}` : `compute ${line.modelId}`));
}

let scopes = 0;

export function describeBackendContract(fixture: BackendFixture, storeKind: string, options: ContractOptions): void {
  const [A, B, C] = fixture.names;
  const test = (name: ContractCase) => (options.knownFailures?.has(name) === true ? it.fails : it);

  describe(`the ${fixture.name} backend on the ${storeKind} store`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
    });

    /** The backend's simulator in `setup`, and pinbot on it in a scope of its own, built as `npm start` builds it. */
    async function world(setup: WorldSetup) {
      const backend = await fixture.start(setup);
      cleanups.push(() => backend.close());
      const scope = `contract-${++scopes}`;
      const dir = testTempDir('pinbot-contract-');
      const configFile = join(dir, 'pinbot.yml');
      writeFileSync(configFile, `scopes:\n  - name: ${scope}\n    token_env: HF_TOKEN\n    slack_channels: [C1]\n${backend.scopeYaml}`);
      const env = { HF_TOKEN: TOKEN, HF_HUB_URL: 'off', DATABASE_URL: options.databaseUrl(), PINBOT_CONFIG: configFile, ...backend.env };
      const config: Config = { ...loadConfig(env), driftIntervalMs: DRIFT_INTERVAL_MS };
      /** A pinbot process on the store; a second one on the same store is a restart. */
      const boot = async (): Promise<Pinbot & { stop(): Promise<void> }> => {
        const pinbot = await buildPinbot(config, { env, logger: silentLogger });
        let stopped = false;
        const stop = async () => {
          if (stopped) return;
          stopped = true;
          await pinbot.close();
        };
        cleanups.push(stop);
        return Object.assign(pinbot, { stop });
      };
      const pinbot = await boot();
      const context: RequestContext = { scope, principal: { platform: 'slack', userId: 'UALICE', displayName: 'alice' }, channel: { platform: 'slack', channelId: 'C1' } };
      /** Proposes what a person typed in the scope's channel. */
      const propose = async (text: string): Promise<Proposal> => {
        const result = await pinbot.service.execute(pinbot.service.parse(text, scope), context);
        if (result.kind !== 'proposal') throw new Error(`expected a proposal from "${text}", got ${result.kind}`);
        return result.proposal;
      };
      const audit = (on: Pinbot = pinbot) => on.store.audit.recent(scope, 50);
      const stored = async (proposal: Proposal, on: Pinbot = pinbot): Promise<Proposal> => {
        const found = await on.store.proposals.get(proposal.id);
        if (!found) throw new Error(`proposal ${proposal.id} is not in the store`);
        return found;
      };
      return { backend, pinbot, boot, scope, context, config, propose, audit, stored };
    }

    test('list')('list shows the live entries and the cap', async () => {
      const w = await world({ live: [A, B], cap: 3 });
      const result = await w.pinbot.service.execute({ verb: 'list' }, w.context);
      if (result.kind !== 'list') throw new Error('expected a list');
      expect(sorted(result.list.pins.map((pin) => pin.modelId))).toEqual(sorted([A, B]));
      expect(result.list.allowed).toBe(3);
      expect(sorted(w.backend.live())).toEqual(sorted([A, B]));
      expect(w.backend.writes()).toBe(0);
    });

    test('over-cap')('a proposal over the cap is refused with a coded sentence; nothing is written or left pending', async () => {
      const w = await world({ live: [A, B], cap: 2 });
      const refused = await rejection(w.propose(fixture.add([C])));
      expect([...fixture.overCapCodes]).toContain(refused.code);
      expect(refused.message).toMatch(/2/);
      expect(refused.message).toMatch(/\.$|\.\s/);
      expect(w.backend.writes()).toBe(0);
      expect(sorted(w.backend.live())).toEqual(sorted([A, B]));
      expect(await w.pinbot.store.proposals.listByState(w.scope, 'pending')).toEqual([]);
      expect(await w.audit()).toEqual([]);
    });

    const orders = ['the first, then the second', 'the second, then the first', 'both at once'] as const;
    for (const order of orders) {
      test('concurrent')(`two proposals that together exceed the cap, approved ${order}: exactly one is written and the cap holds`, async () => {
        const w = await world({ live: [A], cap: 2 });
        const first = await w.propose(fixture.add([B]));
        const second = await w.propose(fixture.add([C]));
        expect([(await w.stored(first)).state, (await w.stored(second)).state]).toEqual(['pending', 'pending']);

        const approve = (proposal: Proposal) => w.pinbot.service.approve(proposal.id, bob);
        const approvals = order === 'both at once'
          ? await Promise.allSettled([approve(first), approve(second)])
          : order === 'the first, then the second'
            ? [...await Promise.allSettled([approve(first)]), ...await Promise.allSettled([approve(second)])]
            : [...await Promise.allSettled([approve(second)]), ...await Promise.allSettled([approve(first)])].reverse();

        const finals = [await w.stored(first), await w.stored(second)];
        const applied = finals.filter((p) => p.state === 'applied');
        expect(applied).toHaveLength(1);
        const winner = applied[0] === finals[0] ? first : second;
        const loser = winner === first ? finals[1] : finals[0];
        expect(['stale', 'failed']).toContain(loser?.state);
        if (loser?.outcome?.kind === 'failed') expect(loser.outcome.message).toMatch(/^[A-Z].*\.$/);
        if (loser?.outcome?.kind === 'stale') expect(loser.outcome.changedUnderneath.length).toBeGreaterThan(0);
        // What the channel is told of it: an error, in sentences.
        const told = loser ? renderOutcome(loser, CHAT_STYLE) : undefined;
        expect(told?.isError).toBe(true);
        expect(told?.lines.map(plainText).join(' ')).toMatch(/\.$/);
        // The loser's click is told in a sentence, whether it settled the proposal or found it settled.
        const loserApproval = approvals[winner === first ? 1 : 0];
        if (loserApproval?.status === 'rejected') {
          expect(isPinbotError(loserApproval.reason)).toBe(true);
          expect((loserApproval.reason as Error).message).toMatch(/^[A-Z].*\.$/);
        } else {
          expect(['stale', 'failed']).toContain(loserApproval?.value.proposal.state);
        }

        // One write was sent, so the live state went from [A] to [A + the winner's entry] and no further.
        expect(w.backend.writeRequests()).toBe(1);
        expect(w.backend.writes()).toBe(1);
        expect(sorted(w.backend.live())).toEqual(sorted([A, winner === first ? B : C]));
        expect((await w.audit()).map((change) => change.proposalId)).toEqual([winner.id]);
      });
    }

    test('stale')('an approval after an outside change to an entry the proposal touches writes nothing and settles stale', async () => {
      const w = await world({ live: [A], cap: 3 });
      const proposal = await w.propose(fixture.add([B]));
      w.backend.outsideChange(B);
      const outside = sorted(w.backend.live());

      const result = await w.pinbot.service.approve(proposal.id, bob);

      expect(result.proposal.state).toBe('stale');
      if (result.proposal.outcome?.kind !== 'stale') throw new Error('expected a stale outcome');
      expect(result.proposal.outcome.changedUnderneath.map((line) => line.modelId)).toContain(B);
      expect(w.backend.writes()).toBe(0);
      expect(sorted(w.backend.live())).toEqual(outside);
      expect(await w.audit()).toEqual([]);
    });

    for (let landed = 0; landed <= fixture.writesForTwoEntries; landed++) {
      const what = landed === 0 ? 'none of its writes' : landed === fixture.writesForTwoEntries ? 'all of its writes' : `${landed} of its ${fixture.writesForTwoEntries} writes`;
      test('crash')(`an apply stopped after ${what} is settled at restart so that the live state and the store agree`, async () => {
        const w = await world({ live: [A], cap: 3 });
        const proposal = await w.propose(fixture.add([B, C]));
        // The stopped process: the approval and the move to `applying` recorded, then only `landed` writes out.
        await w.pinbot.store.proposals.addApproval(proposal.id, bob);
        await w.pinbot.store.proposals.transition(proposal.id, 'pending', 'applying', { decidedBy: bob, decidedAt: Date.now() });
        w.backend.landWrites(proposal, landed);
        await w.pinbot.stop();

        const restarted = await w.boot();
        const recovered = await restarted.service.recoverInterrupted();

        expect(recovered.map((p) => p.id)).toEqual([proposal.id]);
        const settled = await w.stored(proposal, restarted);
        const changes = (await w.audit(restarted)).filter((change) => change.proposalId === proposal.id);
        const live = sorted(w.backend.live());
        // The recovery itself writes nothing.
        expect(w.backend.writes()).toBe(0);
        if (landed === 0) {
          expect(settled.state).toBe('failed');
          expect(settled.outcome).toMatchObject({ kind: 'failed', code: 'INTERRUPTED' });
          expect(changes).toEqual([]);
          expect(live).toEqual([A]);
        } else if (landed === fixture.writesForTwoEntries) {
          expect(settled.state).toBe('applied');
          expect(changes).toHaveLength(1);
          expect(settled.outcome).toMatchObject({ kind: 'applied', changeId: changes[0]?.id });
          expect(live).toEqual(sorted([A, B, C]));
          expect(sorted(changes[0]?.after.map((pin) => pin.modelId) ?? [])).toEqual(live);
        } else {
          // Partly applied: recorded with exactly what was written, and offered for restore.
          expect(settled.state).toBe('failed');
          if (settled.outcome?.kind !== 'failed') throw new Error('expected a failed outcome');
          expect(settled.outcome.code).toBe('PARTIAL_WRITE');
          expect(lines(settled.outcome.partial?.changed ?? [])).toEqual(lines(proposal.diff.slice(0, landed)));
          expect(lines(settled.outcome.partial?.unchanged ?? [])).toEqual(lines(proposal.diff.slice(landed)));
          expect(settled.outcome.restoreAlertId).toBeDefined();
          expect(changes).toHaveLength(1);
          expect(settled.outcome.partial?.changeId).toBe(changes[0]?.id);
          expect(sorted(changes[0]?.before.map((pin) => pin.modelId) ?? [])).toEqual([A]);
          expect(sorted(changes[0]?.after.map((pin) => pin.modelId) ?? [])).toEqual(live);
        }
      });
    }

    const partialTitle = fixture.writesForTwoEntries > 1
      ? 'a write that fails after the first of two is recorded as partly applied, and its restore puts back exactly the changed entries'
      : 'a failing write of a change is all or nothing: its single write fails, so nothing is written and nothing recorded';
    test('partial')(partialTitle, async () => {
      const w = await world({ live: [A], cap: 3 });
      const proposal = await w.propose(fixture.add([B, C]));
      w.backend.failWriteMidway(proposal);

      const result = await w.pinbot.service.approve(proposal.id, bob);

      expect(result.proposal.state).toBe('failed');
      const outcome = result.proposal.outcome;
      if (outcome?.kind !== 'failed') throw new Error('expected a failed outcome');
      expect(outcome.message).toMatch(/^[A-Z].*\.$/);
      const changes = await w.audit();
      if (fixture.writesForTwoEntries === 1) {
        // One write per change: it either replaced the whole state or did nothing. Here it did nothing.
        expect(outcome.partial).toBeUndefined();
        expect(outcome.restoreAlertId).toBeUndefined();
        expect(changes).toEqual([]);
        expect(w.backend.writes()).toBe(0);
        expect(sorted(w.backend.live())).toEqual([A]);
        return;
      }
      const [written, ...notWritten] = proposal.diff;
      expect(outcome.code).toBe('PARTIAL_WRITE');
      expect(lines(outcome.partial?.changed ?? [])).toEqual(lines(written ? [written] : []));
      expect(lines(outcome.partial?.unchanged ?? [])).toEqual(lines(notWritten));
      expect(w.backend.writes()).toBe(1);
      expect(sorted(w.backend.live())).toEqual(sorted([A, written?.modelId ?? '']));
      expect(changes).toHaveLength(1);
      expect(outcome.partial?.changeId).toBe(changes[0]?.id);
      expect(sorted(changes[0]?.before.map((pin) => pin.modelId) ?? [])).toEqual([A]);
      expect(sorted(changes[0]?.after.map((pin) => pin.modelId) ?? [])).toEqual(sorted(w.backend.live()));

      const restoreId = outcome.restoreAlertId;
      if (restoreId === undefined) throw new Error('expected the outcome to offer a restore');
      const restoring = await w.pinbot.service.restoreDrift(restoreId, { principal: w.context.principal, channel: w.context.channel });
      expect(lines(restoring.diff)).toEqual(inverse(written ? [written] : []));
      expect((await w.pinbot.service.approve(restoring.id, bob)).proposal.state).toBe('applied');
      expect(sorted(w.backend.live())).toEqual([A]);
    });

    const reverts = [
      { what: 'an add', live: [A, B], change: () => fixture.add([C]), changed: [A, B, C] },
      { what: 'a remove', live: [A, B], change: () => fixture.remove([B]), changed: [A] },
    ];
    for (const { what, live, change: changeText, changed } of reverts) {
      test('revert')(`revert of ${what} proposes exactly its inverse, and approving it restores the previous live state`, async () => {
        const w = await world({ live, cap: 3 });
        const change = await w.propose(changeText());
        const applied = await w.pinbot.service.approve(change.id, bob);
        if (applied.proposal.outcome?.kind !== 'applied') throw new Error(`expected the change applied, got ${applied.proposal.state}`);
        expect(sorted(w.backend.live())).toEqual(sorted(changed));

        const revert = await w.propose(`revert ${applied.proposal.outcome.changeId}`);
        expect(lines(revert.diff)).toEqual(inverse(change.diff));
        expect((await w.pinbot.service.approve(revert.id, bob)).proposal.state).toBe('applied');
        expect(sorted(w.backend.live())).toEqual(sorted(live));
        expect(await w.audit()).toHaveLength(2);
      });
    }

    test('drift')('a drift check after pinbot applies a change raises nothing; after an outside change, exactly one alert', async () => {
      const w = await world({ live: [A], cap: 3 });
      const channel = recordingChannel();
      const notifier = new Notifier(w.pinbot.store.once, silentLogger);
      notifier.addChannel(channel);
      const clock = manualClock(Date.now());
      const watcher = createDriftWatcher(w.pinbot, w.config, [{ name: w.scope, notify: [ALERTS] }], { notifier, clock, logger: silentLogger });
      if (!watcher) throw new Error('expected a drift watcher');
      const check = async () => {
        clock.advance(DRIFT_INTERVAL_MS);
        return watcher.check({ name: w.scope, notify: [ALERTS] });
      };
      expect(await check()).toBeUndefined();

      const change = await w.propose(fixture.add([B]));
      expect((await w.pinbot.service.approve(change.id, bob)).proposal.state).toBe('applied');
      expect(await check()).toBeUndefined();

      w.backend.outsideChange(C);
      const alert = await check();
      expect(sorted(alert?.previous.pins.map((pin) => pin.modelId) ?? [])).toEqual(sorted([A, B]));
      expect(sorted(alert?.current.pins.map((pin) => pin.modelId) ?? [])).toEqual(sorted([A, B, C]));
      expect(await check()).toBeUndefined();
      const alerts = channel.delivered.filter((notice) => notice.channel.channelId === ALERTS.channelId);
      expect(alerts).toHaveLength(1);
    });

    test('supersede')('applying a change settles stale at once a pending proposal on the same entry, which could no longer apply', async () => {
      const w = await world({ live: [A], cap: 3 });
      const applied = await w.propose(fixture.add([B]));
      const sameEntry = await w.propose(fixture.add([B]));

      expect((await w.pinbot.service.approve(applied.id, bob)).proposal.state).toBe('applied');

      // No click needed: its card loses its Approve button as the other change applies.
      const same = await w.stored(sameEntry);
      expect(same.state).toBe('stale');
      expect(same.outcome).toMatchObject({ kind: 'stale', supersededBy: applied.id });
      expect(w.backend.writes()).toBe(1);
    });

    const supersedeScope = fixture.supersedes === 'every-pending'
      ? 'applying a change settles stale at once every pending proposal made on the state it replaced, whatever entries it touches'
      : 'applying a change leaves pending a proposal on entries it did not change, and that proposal still applies';
    test('supersede-scope')(supersedeScope, async () => {
      const w = await world({ live: [A], cap: 3 });
      const applied = await w.propose(fixture.add([B]));
      const otherEntry = await w.propose(fixture.add([C]));

      expect((await w.pinbot.service.approve(applied.id, bob)).proposal.state).toBe('applied');

      const other = await w.stored(otherEntry);
      if (fixture.supersedes === 'every-pending') {
        expect(other.state).toBe('stale');
        expect(other.outcome).toMatchObject({ kind: 'stale', supersededBy: applied.id });
        expect(sorted(w.backend.live())).toEqual(sorted([A, B]));
      } else {
        expect(other.state).toBe('pending');
        expect((await w.pinbot.service.approve(otherEntry.id, bob)).proposal.state).toBe('applied');
        expect(sorted(w.backend.live())).toEqual(sorted([A, B, C]));
      }
    });
  });
}
