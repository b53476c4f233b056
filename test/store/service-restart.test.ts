import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PinbotError } from '../../src/core/domain/errors.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import { openStore, type PinbotStore } from '../../src/store/open-store.ts';
import { TOKEN, usePinbotHarness } from '../helpers/pinbot-harness.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './postgres-test-db.ts';

const alice: RequestContext = {
  scope: 'default',
  principal: { platform: 'slack', userId: 'UALICE', displayName: 'alice' },
  channel: { platform: 'slack', channelId: 'C1' },
};
const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };

const dir = mkdtempSync(join(tmpdir(), 'pinbot-restart-'));
const schema = freshSchemaName();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

const targets = [
  { kind: 'sqlite', url: join(dir, 'pinbot.sqlite') },
  { kind: 'postgres', url: urlWithSchema(schema) },
] as const;

describe.each(targets)('PinningService on the $kind store', ({ url }) => {
  const start = usePinbotHarness();
  const open: PinbotStore[] = [];
  afterAll(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  it('applies a card approved after a restart, writing the full list exactly once', async () => {
    const before = await openStore(url);
    const h = await start({ storage: before, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'org/keep', compute_type: 'tpu', note: 'x' }] });
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }] }, alice);
    await h.service.attachMessage(proposal.id, 'C1:1700000000.000100');
    await before.close();

    const after = await openStore(url);
    open.push(after);
    const restarted = h.serviceWith(after);
    const result = await restarted.approve(proposal.id, bob);

    expect(result.kind).toBe('settled');
    expect(result.proposal.state).toBe('applied');
    expect(result.proposal.messageRef).toBe('C1:1700000000.000100');
    expect(h.writes()).toHaveLength(1);
    expect(h.writes()[0]?.body).toEqual({
      pinned_models: [
        { model_id: 'gpt2', compute_type: 'cpu' },
        { model_id: 'org/keep', compute_type: 'tpu', note: 'x' },
        { model_id: 'bigscience/bloom', compute_type: 'gpu' },
      ],
    });
    expect(h.simulator.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'org/keep', 'bigscience/bloom']);
    const history = await after.audit.recent('default', 10);
    expect(history.map((c) => c.proposalId)).toEqual([proposal.id]);
    expect(result.proposal.outcome).toMatchObject({ kind: 'applied', changeId: history[0]?.id });

    const repeat = await restarted.approve(proposal.id, bob).catch((error: unknown) => error);
    expect(repeat).toBeInstanceOf(PinbotError);
    expect((repeat as PinbotError).code).toBe('ALREADY_DECIDED');
    expect(h.writes()).toHaveLength(1);
  });

  it('lets exactly one of two replicas on the same store write when both are clicked at once', async () => {
    const h = await start({ storage: await openStore(url).then((s) => (open.push(s), s)) });
    const other = await openStore(url);
    open.push(other);
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'bert-base-uncased', computeType: 'cpu' }] }, alice);

    const results = await Promise.allSettled([h.service.approve(proposal.id, bob), h.serviceWith(other).approve(proposal.id, bob)]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(h.writes()).toHaveLength(1);
  });
});
