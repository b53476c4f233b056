import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChangeCommand } from '../../src/core/domain/command.ts';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import { renderProposalCard } from '../../src/core/words/replies.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import type { SimulatedEndpoint } from '../../src/backends/endpoints/simulator.ts';
import { openStore, type PinbotStore } from '../../src/store/open-store.ts';
import { TOKEN, usePinbotHarness, type PinbotHarness } from '../helpers/pinbot-harness.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './postgres-test-db.ts';
import { CHAT_STYLE } from '../helpers/reply-style.ts';
import { ENDPOINT_COMMAND_WORDS } from '../../src/backends/endpoints/words.ts';

const alice: RequestContext = {
  scope: 'default',
  principal: { platform: 'slack', userId: 'UALICE', displayName: 'alice' },
  channel: { platform: 'slack', channelId: 'C1' },
};
const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };
const STYLE = CHAT_STYLE;

const ENDPOINTS: SimulatedEndpoint[] = [
  { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
  { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
  { name: 'sentiment', repository: 'distilbert/sst2', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
];

const dir = mkdtempSync(join(tmpdir(), 'pinbot-endpoints-recovery-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas) await dropSchema(schema);
});

let files = 0;
const targets = [
  { kind: 'sqlite', url: () => join(dir, `pinbot-${++files}.sqlite`) },
  {
    kind: 'postgres',
    url: () => {
      const schema = freshSchemaName();
      schemas.push(schema);
      return urlWithSchema(schema);
    },
  },
] as const;

describe.each(targets)('an endpoints apply stopped after some of its PUTs, recovered at start-up on the $kind store', ({ url: newUrl }) => {
  const start = usePinbotHarness();
  const open: PinbotStore[] = [];
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  /**
   * Proposes `add embedder sentiment`, then does what a process killed mid-apply did: the approval
   * and the move to `applying`, then the PUTs of `written` only. Returns the restarted service's side.
   */
  async function stoppedAfter(written: readonly string[]): Promise<{ h: PinbotHarness; store: PinbotStore; proposalId: string }> {
    const url = newUrl();
    const before = await openStore(url);
    const h = await start({ storage: before, endpoints: { maxWarm: 3, endpoints: ENDPOINTS.map((e) => ({ ...e })) } });
    const proposal = await h.service.propose(parseCommand('add embedder sentiment', ENDPOINT_COMMAND_WORDS) as ChangeCommand, alice);
    expect(proposal.diff.map((line) => line.modelId)).toEqual(['embedder', 'sentiment']);
    await before.proposals.addApproval(proposal.id, bob);
    await before.proposals.transition(proposal.id, 'pending', 'applying', { decidedBy: bob, decidedAt: Date.now() });
    const api = h.endpointsClient?.endpoints;
    if (!api) throw new Error('an endpoints scope has an endpoints client');
    if (!api) throw new Error('expected an endpoints client');
    for (const name of written) await api.writeMinReplica(name, 1, await api.readEndpoint(name));
    await before.close();

    const after = await openStore(url);
    open.push(after);
    return { h, store: after, proposalId: proposal.id };
  }

  it('settles one whose first of two PUTs went out as partly applied: the changed endpoint recorded, the card saying which, with Restore', async () => {
    const { h, store, proposalId } = await stoppedAfter(['embedder']);
    const recovered = await h.serviceWith(store).recoverInterrupted();

    expect(recovered.map((p) => p.id)).toEqual([proposalId]);
    const settled = await store.proposals.get(proposalId);
    expect(settled?.state).toBe('failed');
    const outcome = settled?.outcome;
    if (outcome?.kind !== 'failed') throw new Error('expected a failed outcome');
    expect(outcome.code).toBe('PARTIAL_WRITE');
    expect(outcome.partial?.changed.map((line) => line.modelId)).toEqual(['embedder']);
    expect(outcome.partial?.unchanged.map((line) => line.modelId)).toEqual(['sentiment']);

    const changes = await store.audit.recent('default', 10);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.proposalId).toBe(proposalId);
    expect(changes[0]?.before.map((p) => p.modelId)).toEqual(['llama-chat']);
    expect(changes[0]?.after.map((p) => p.modelId)).toEqual(['llama-chat', 'embedder']);
    expect((await store.snapshots.lastSeen('default'))?.pins.map((p) => p.modelId)).toEqual(['llama-chat', 'embedder']);

    if (!settled) throw new Error('expected the proposal');
    const card = renderProposalCard(settled, STYLE);
    const notes = card.notes.map(plainText).join('\n');
    expect(plainText(card.title)).toContain('Partly applied');
    expect(notes).toContain('Changed: embedder cold → warm (1 replica).');
    expect(notes).toContain('Not changed: sentiment still cold (was to go warm, 1 replica).');
    expect(notes).toContain('It stopped because pinbot stopped during the apply.');
    expect(notes).toContain(`Recorded as change ${changes[0]?.id}.`);
    const restore = card.actions.find((action) => action.kind === 'restore');
    expect(restore?.label).toBe('Restore the changed endpoints');

    const restoring = await h.serviceWith(store).restoreDrift(restore?.proposalId ?? '', { principal: alice.principal, channel: alice.channel });
    expect(restoring.diff).toEqual([{ kind: 'removed', modelId: 'embedder', computeType: '1 replica' }]);
    // Nothing more was written by the recovery itself.
    expect(h.endpointsSimulator?.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT').map((r) => r.path.split('/').at(-1))).toEqual(['embedder']);
    expect(h.endpointsSimulator?.endpoint(TOKEN, 'sentiment')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
  });

  it('settles one whose PUTs all went out as applied, recorded once', async () => {
    const { h, store, proposalId } = await stoppedAfter(['embedder', 'sentiment']);
    await h.serviceWith(store).recoverInterrupted();
    const settled = await store.proposals.get(proposalId);
    expect(settled?.state).toBe('applied');
    const changes = await store.audit.recent('default', 10);
    expect(changes.map((c) => [c.before.map((p) => p.modelId), c.after.map((p) => p.modelId)])).toEqual([
      [['llama-chat'], ['llama-chat', 'embedder', 'sentiment']],
    ]);
    expect(settled?.outcome).toMatchObject({ kind: 'applied', changeId: changes[0]?.id });
  });

  it('settles one none of whose PUTs went out as not applied, with no audit row', async () => {
    const { h, store, proposalId } = await stoppedAfter([]);
    await h.serviceWith(store).recoverInterrupted();
    const settled = await store.proposals.get(proposalId);
    expect(settled?.state).toBe('failed');
    expect(settled?.outcome).toMatchObject({ kind: 'failed', code: 'INTERRUPTED' });
    expect(await store.audit.recent('default', 10)).toEqual([]);
  });
});
