import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/backends/classic/simulator.ts';
import { TOKEN } from './hf-harness.ts';
import { startSlackApiServer, type SlackApiServer } from './slack-api-server.ts';
import { cardUpdates, listWrites, startSlackProcess, threadReplies } from './slack-process.ts';
import { waitFor } from './wait-for.ts';
import { retainForProcess } from '../../src/store/retained-sqlite.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from '../store/postgres-test-db.ts';

interface StoreUnderTest {
  readonly url: string;
  /**
   * Ends a dead holder's lock the way time would. PostgreSQL's advisory lock dies with the session;
   * SQLite's lease of a dead process on this machine is taken over at once anyway (the crash tests
   * rely on that), one on another machine runs out in 5 s.
   */
  lapseDeadLocks(): void;
}

export const RESTART_STORES = [
  {
    kind: 'sqlite',
    open: (cleanups: (() => Promise<void>)[]): StoreUnderTest => {
      const dir = mkdtempSync(join(tmpdir(), 'pinbot-restart-e2e-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'pinbot.sqlite');
      return {
        url: file,
        lapseDeadLocks: () => {
          const db = retainForProcess(new BetterSqlite3(file));
          try {
            retainForProcess(db.prepare('update scope_locks set expires_at = 0')).run();
          } finally {
            db.close();
          }
        },
      };
    },
  },
  {
    kind: 'postgres',
    open: (cleanups: (() => Promise<void>)[]): StoreUnderTest => {
      const schema = freshSchemaName();
      cleanups.push(() => dropSchema(schema));
      return { url: urlWithSchema(schema), lapseDeadLocks: () => undefined };
    },
  },
] as const;

/**
 * Drift checks off: one reads the list at 2.5 min past every fifth minute, and one in flight then
 * would pass for the apply's re-read that a case waits for before it kills the process.
 */
const NO_DRIFT_READS = { PINBOT_DRIFT_INTERVAL: 'off' };

/** The restart and crash cases on one store kind; each kind has its own test file, so they run in parallel. */
export function describeRestarts({ kind, open }: (typeof RESTART_STORES)[number]): void {
  describe(`pinbot restarted on the same ${kind} store`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
    });

    async function world(): Promise<{ sim: Simulator; slack: SlackApiServer; store: StoreUnderTest }> {
      const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
      cleanups.push(() => sim.close());
      const slack = await startSlackApiServer();
      cleanups.push(() => slack.close());
      return { sim, slack, store: open(cleanups) };
    }

    it('applies a card clicked after a SIGTERM restart, with exactly one POST', async () => {
      const { sim, slack, store } = await world();
      const first = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      const card = await first.propose('add bigscience/bloom gpu');
      expect(await first.stop()).toBe(0);

      const second = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      await second.approve(card);
      await waitFor(() => threadReplies(slack, card.ts).length === 1, 15_000, 'the outcome in the card’s thread');

      expect(listWrites(sim)).toHaveLength(1);
      expect(sim.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'bigscience/bloom']);
      expect(cardUpdates(slack, card.ts).map((u) => u.params['text'])).toEqual([expect.stringContaining('Applied')]);
      expect(threadReplies(slack, card.ts)[0]?.params['text']).toContain('Pinned models updated');
    }, 40_000);

    it('settles an apply killed while re-reading the list as not written, and tells the channel once across restarts', async () => {
      const { sim, slack, store } = await world();
      const first = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      const card = await first.propose('add bigscience/bloom gpu');
      sim.setLatency(5_000);
      const seen = sim.requestLog.length;
      await first.approve(card);
      await waitFor(() => sim.requestLog.slice(seen).some((e) => e.method === 'GET' && e.status === 0), 10_000, 'the re-read to be in flight');
      await first.kill();
      sim.setLatency(0);
      store.lapseDeadLocks();

      const second = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      expect(second.pinbot.stdout()).toContain('interrupted apply not found on Hugging Face; marked failed');
      expect(cardUpdates(slack, card.ts).map((u) => u.params['text'])).toEqual([expect.stringContaining('Not applied')]);
      expect(threadReplies(slack, card.ts)).toHaveLength(1);
      expect(threadReplies(slack, card.ts)[0]?.params['text']).toContain('was not applied');
      expect(listWrites(sim)).toHaveLength(0);

      expect(await second.stop()).toBe(0);
      const third = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      expect(await third.stop()).toBe(0);
      expect(threadReplies(slack, card.ts)).toHaveLength(1);
      expect(listWrites(sim)).toHaveLength(0);
    }, 40_000);

    it('settles an apply killed while its write was in flight as applied, written once', async () => {
      const { sim, slack, store } = await world();
      const first = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      const card = await first.propose('add bigscience/bloom gpu');
      sim.setLatency(700);
      await first.approve(card);
      await waitFor(() => listWrites(sim).length === 1, 10_000, 'the write to be in flight');
      await first.kill();
      // The simulator finishes the write the dead process sent.
      await waitFor(() => listWrites(sim)[0]?.status === 200, 10_000, 'the write to land');
      sim.setLatency(0);
      store.lapseDeadLocks();

      const second = await startSlackProcess(sim, slack, store.url, cleanups, NO_DRIFT_READS);
      expect(second.pinbot.stdout()).toContain('interrupted apply found written; recorded as applied');
      expect(cardUpdates(slack, card.ts).map((u) => u.params['text'])).toEqual([expect.stringContaining('Applied')]);
      expect(threadReplies(slack, card.ts)).toHaveLength(1);
      expect(threadReplies(slack, card.ts)[0]?.params['text']).toContain('Pinned models updated');
      expect(listWrites(sim)).toHaveLength(1);
      expect(sim.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'bigscience/bloom']);
    }, 40_000);
  });
}
