import { afterEach, describe, expect, it } from 'vitest';
import type { Pin } from '../src/core/domain/pin.ts';
import { isFinal, type Proposal } from '../src/core/domain/proposal.ts';
import { startSimulator, type WireEntry } from '../src/backends/classic/simulator.ts';
import { openStore } from '../src/store/open-store.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { startSlackApiServer } from './helpers/slack-api-server.ts';
import { ALICE, BOB, listWrites, startSlackProcess, type Card, type SlackProcess } from './helpers/slack-process.ts';
import { waitFor } from './helpers/wait-for.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './store/postgres-test-db.ts';

const key = (modelId: string, computeType: string) => `${modelId}:${computeType}`;
const pinsKey = (pins: readonly Pin[]) => pins.map((p) => key(p.modelId, p.computeType)).join(',');
const wireKey = (entries: readonly WireEntry[]) => entries.map((e) => key(e.model_id, String(e.compute_type))).join(',');

describe('two pinbot processes on one PostgreSQL store and one Hugging Face account', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  it('writes each proposal at most once, one per base version, each write built on the list left by the one before', async () => {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 20, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const url = urlWithSchema(schema);
    const store = await openStore(url);
    cleanups.push(() => store.close());
    const [a, b] = await Promise.all([startSlackProcess(sim, slack, url, cleanups), startSlackProcess(sim, slack, url, cleanups)]);
    const processes: readonly SlackProcess[] = [a, b];
    const initial = wireKey(sim.pins(TOKEN));

    /** Proposes `models` (alternating processes), then clicks Approve `clicks` times, interleaved over proposals and processes, all at once. */
    const round = async (models: readonly string[], clicks: number) => {
      const cards: Card[] = [];
      for (const [index, model] of models.entries()) cards.push(await (processes[index % 2] ?? a).propose(`add ${model}`));
      await Promise.all(Array.from({ length: clicks }, (_, i) => {
        const card = cards[i % cards.length] ?? cards[0];
        const process = processes[(i + Math.floor(i / cards.length)) % 2] ?? a;
        return card ? process.approve(card, i % 3 === 0 ? BOB : ALICE) : Promise.resolve('');
      }));
      const settled = async () => Promise.all(cards.map(async (card) => store.proposals.get(card.proposalId)));
      await waitFor(async () => (await settled()).every((p) => p !== undefined && isFinal(p.state)), 20_000, 'every proposal to settle');
      return (await settled()).filter((p): p is Proposal => p !== undefined);
    };

    const first = await round(['org/model-a', 'org/model-b', 'org/model-c', 'org/model-d'], 50);
    const second = await round(['org/model-e', 'org/model-f', 'org/model-g'], 30);
    const proposals = [...first, ...second];
    // Every click has been answered (a refusal to the clicker, or the card edited by the one that
    // settled it); a card an apply superseded is redrawn once more, by the applier's process.
    const superseded = proposals.filter((p) => p.outcome?.kind === 'stale' && p.outcome.supersededBy !== undefined).length;
    await waitFor(() => slack.responses.length + slack.callsTo('chat.update').length >= 80 + superseded, 15_000, 'every click to be answered');
    expect(slack.responses.length + slack.callsTo('chat.update').length).toBe(80 + superseded);

    const writes = listWrites(sim);
    const writesOf = (proposal: Proposal) => writes.filter((w) => wireKey((w.body as { pinned_models: WireEntry[] }).pinned_models) === pinsKey(proposal.proposed));
    for (const proposal of proposals) expect(writesOf(proposal).length, proposal.id).toBeLessThanOrEqual(1);
    for (const batch of [first, second]) {
      expect(batch.filter((p) => p.state === 'applied')).toHaveLength(1);
      expect(batch.filter((p) => p.state === 'stale')).toHaveLength(batch.length - 1);
      expect(new Set(batch.map((p) => p.baseVersion)).size).toBe(1);
    }
    expect(writes).toHaveLength(2);
    expect(writes.every((w) => w.status === 200)).toBe(true);

    // No lost update: each write is its proposal's change on exactly the list the previous write left.
    let live = initial;
    for (const write of writes) {
      const written = wireKey((write.body as { pinned_models: WireEntry[] }).pinned_models);
      const proposal = proposals.find((p) => pinsKey(p.proposed) === written);
      expect(proposal, `the proposal behind write #${write.seq}`).toBeDefined();
      expect(pinsKey(proposal?.base ?? [])).toBe(live);
      live = written;
    }
    expect(wireKey(sim.pins(TOKEN))).toBe(live);

    // The channel is told how each proposal ended once, in the card's thread, whichever process settled it.
    for (const proposal of proposals) {
      const ts = proposal.messageRef?.split(':')[1];
      expect(slack.callsTo('chat.postMessage').filter((call) => call.params['thread_ts'] === ts), proposal.id).toHaveLength(1);
    }

    const logged = (message: string) => [a, b].map((p) => p.pinbot.stdout().split(`"msg":"${message}"`).length - 1);
    const figures = {
      proposals: proposals.length,
      clicks: 80,
      applied: proposals.filter((p) => p.state === 'applied').length,
      stale: proposals.filter((p) => p.state === 'stale').length,
      superseded,
      posts: writes.length,
      postsPerProposal: Object.fromEntries(proposals.map((p) => [p.id, writesOf(p).length])),
      refusalsToClickers: slack.responses.length,
      cardEdits: slack.callsTo('chat.update').length,
      perProcess: { writes: logged('pinned list written'), stale: logged('live list changed since the proposal; nothing written'), refused: logged('click refused') },
      hfRequests: sim.requestLog.filter((e) => e.source === 'client').length,
    };
    process.stdout.write(`replicas figures: ${JSON.stringify(figures)}\n`);
  }, 60_000);
});
