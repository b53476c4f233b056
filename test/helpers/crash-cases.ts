import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/backends/classic/simulator.ts';
import { openStore } from '../../src/store/open-store.ts';
import { startSimulator } from '../../src/backends/classic/simulator.ts';
import { TOKEN } from './hf-harness.ts';
import { RESTART_STORES } from './restart-cases.ts';
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.ts';
import { approveValue, cardUpdates, startSlackProcess, threadReplies } from './slack-process.ts';
import { waitFor } from './wait-for.ts';

const BEFORE = [{ model_id: 'gpt2', compute_type: 'cpu' }];
const APPROVED = [...BEFORE, { model_id: 'bigscience/bloom', compute_type: 'gpu' }];

/** A request a test peer holds, so the test can kill pinbot at that exact step. */
interface HeldStep {
  readonly arrived: Promise<unknown>;
  release(): void;
}

interface KillPoint {
  readonly name: string;
  hold(sim: Simulator, slack: SlackApiServer): HeldStep;
  /** Whether the list was written when the process died. */
  readonly written: boolean;
  /** Whether the proposal was already settled (and its load follow recorded) when it died. */
  readonly settled?: boolean;
}

/** Each step of an approval at which the process can die, and the test peer request that marks it. */
const KILL_POINTS: readonly KillPoint[] = [
  { name: 'after the CAS (apply-time re-read held)', hold: (sim) => sim.holdNext('GET', 'before'), written: false },
  { name: 'before the POST (POST held unapplied)', hold: (sim) => sim.holdNext('POST', 'before'), written: false },
  { name: 'after the POST, before the audit row (answer held)', hold: (sim) => sim.holdNext('POST', 'after'), written: true },
  { name: 'before the card edit (chat.update held)', hold: (_sim, slack) => slack.holdNext('chat.update'), written: true, settled: true },
];

/** What the world looks like after the restart, for the printed table and the invariant. */
interface Ending {
  readonly live: string[];
  readonly appliedWrites: number;
  readonly state: string;
  readonly outcome: string;
  readonly auditRows: number;
  readonly auditAfter: string[] | undefined;
  readonly card: string;
  readonly settledReplies: number;
  readonly loadedReplies: number;
}

const SETTLED_REPLY = /Pinned models updated|was not applied/;
const LOADED_REPLY = /is loaded/;

/** kill -9 at each step of an approval, restart, and check the live list, the store and the card agree. */
export function describeApprovalCrashes({ kind, open }: (typeof RESTART_STORES)[number]): void {
  describe(`an approval killed at each step, restarted on the same ${kind} store`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
    });

    it.each(KILL_POINTS)('killed $name: the list is unchanged or written once, and the store and the card say which', async (point) => {
      // Slow enough that a model pinned just before the kill is still loading when it restarts.
      const sim = await startSimulator({ loadDelayMs: 1500, accounts: { [TOKEN]: { allowed: 5, pins: BEFORE } } });
      cleanups.push(() => sim.close());
      const slack = await startSlackApiServer();
      cleanups.push(() => slack.close());
      const store = open(cleanups);

      const first = await startSlackProcess(sim, slack, store.url, cleanups);
      const card = await first.propose('add bigscience/bloom gpu');
      const held = point.hold(sim, slack);
      await first.approve(card);
      await held.arrived;
      if (point.settled === true) await waitForRecordedFollow(store.url, card.proposalId, point.name);
      await first.kill();
      // What the dead process asked for goes nowhere now; a POST not yet handled is lost with it.
      held.release();

      const second = await startSlackProcess(sim, slack, store.url, cleanups);
      await waitFor(() => threadReplies(slack, card.ts).some((r) => SETTLED_REPLY.test(r.params['text'] ?? '')), 15_000, 'the outcome under the card');
      if (point.written) {
        await waitFor(() => threadReplies(slack, card.ts).some((r) => LOADED_REPLY.test(r.params['text'] ?? '')), 15_000, 'the load follow-up, resumed');
      }
      expect(await second.stop()).toBe(0);
      // A third start finds nothing left to do: nothing is written or told twice.
      const third = await startSlackProcess(sim, slack, store.url, cleanups);
      expect(await third.stop()).toBe(0);

      const ending = await endingOf(sim, slack, store.url, card.proposalId, card.ts);
      process.stdout.write(`[crash ${kind}] killed ${point.name}: ${describeEnding(ending)}\n`);

      expect(ending.appliedWrites).toBe(point.written ? 1 : 0);
      expect(ending.settledReplies).toBe(1);
      if (point.written) {
        expect(ending.live).toEqual(APPROVED.map((p) => p.model_id));
        expect(ending.state).toBe('applied');
        expect(ending.auditRows).toBe(1);
        expect(ending.auditAfter).toEqual(APPROVED.map((p) => p.model_id));
        expect(ending.card).toContain('Applied');
        expect(ending.loadedReplies).toBe(1);
      } else {
        expect(ending.live).toEqual(BEFORE.map((p) => p.model_id));
        expect(ending.state).toBe('failed');
        expect(ending.outcome).toBe('INTERRUPTED');
        expect(ending.auditRows).toBe(0);
        expect(ending.card).toContain('Not applied');
        expect(ending.loadedReplies).toBe(0);
      }
      expect(ending.card).not.toContain('Approve');
    }, 60_000);
  });
}

/** The applied change's load follow is in the store before the kill, as a click's apply records it. */
async function waitForRecordedFollow(url: string, proposalId: string, what: string): Promise<void> {
  const store = await openStore(url);
  try {
    await waitFor(async () => (await store.loads.unfinished()).some((f) => f.proposalId === proposalId), 10_000, `the load follow recorded (${what})`);
  } finally {
    await store.close();
  }
}

async function endingOf(sim: Simulator, slack: SlackApiServer, url: string, proposalId: string, ts: string): Promise<Ending> {
  const store = await openStore(url);
  try {
    const proposal = await store.proposals.get(proposalId);
    const changes = (await store.audit.recent('default', 10)).filter((c) => c.proposalId === proposalId);
    const updates = cardUpdates(slack, ts);
    const last = updates[updates.length - 1];
    const replies = threadReplies(slack, ts).map((r) => r.params['text'] ?? '');
    const outcome = proposal?.outcome;
    return {
      live: sim.pins(TOKEN).map((p) => p.model_id),
      appliedWrites: sim.requestLog.filter((e) => e.source === 'client' && e.method === 'POST' && e.applied === true).length,
      state: proposal?.state ?? 'missing',
      outcome: outcome?.kind === 'failed' ? outcome.code : outcome?.kind ?? 'none',
      auditRows: changes.length,
      auditAfter: changes[0]?.after.map((p) => p.modelId),
      // The card as the channel shows it now: its last edit, with the buttons it carries.
      card: last ? `${(last.params['text'] ?? '').split('\n')[0] ?? ''}${approveValue(last) !== undefined ? ' [Approve]' : ''}` : 'never edited [Approve]',
      settledReplies: replies.filter((text) => SETTLED_REPLY.test(text)).length,
      loadedReplies: replies.filter((text) => LOADED_REPLY.test(text)).length,
    };
  } finally {
    await store.close();
  }
}

function describeEnding(e: Ending): string {
  return [
    `live list [${e.live.join(', ')}]`,
    `${e.appliedWrites} write${e.appliedWrites === 1 ? '' : 's'} applied`,
    `proposal ${e.state} (${e.outcome})`,
    `${e.auditRows} audit row${e.auditRows === 1 ? '' : 's'}`,
    `card "${e.card}"`,
    `${e.settledReplies} outcome reply, ${e.loadedReplies} loaded reply`,
  ].join('; ');
}
