import { describe, expect, it } from 'vitest';
import { rejection } from '../../helpers/hf-harness.ts';
import { usePinbotHarness, type PinbotHarness } from '../../helpers/pinbot-harness.ts';
import { alice, context, listLines, pricedEndpoints, puts, typed } from '../../helpers/priced-endpoints.ts';

const catalogueReads = (h: PinbotHarness) => (h.endpointsSimulator?.requestLog ?? []).filter((r) => r.path === '/provider/acme').length;

describe('max_cost_per_hour', () => {
  const start = usePinbotHarness();
  const setUp = (maxCostPerHour: number) => start({ endpoints: { maxWarm: 4, maxCostPerHour, endpoints: pricedEndpoints() } });

  it('refuses a change whose warm endpoints would cost more per hour at minimum replicas, with the numbers, and proposes nothing', async () => {
    const h = await setUp(1.5);
    const refused = await rejection(h.service.propose(typed('add embedder'), context));
    expect(refused.code).toBe('MAX_COST_EXCEEDED');
    expect(refused.message).toBe("With this change the warm endpoints (llama-chat, embedder) would cost $1.80 per hour at minimum replicas; this scope's max_cost_per_hour is $1.50. Nothing was proposed.");
    expect(await h.store.listByState('default', 'pending')).toEqual([]);
    // Under the cap, or lowering the cost, is proposed as usual.
    expect((await h.service.propose(typed('add sentiment replicas=3'), context)).state).toBe('pending');
    expect((await h.service.propose(typed('set embedder'), context)).state).toBe('pending');
    expect((await listLines(h)).at(-1)).toContain("This scope's max_cost_per_hour is $1.50.");
  });

  it('refuses with a sentence when a price it needs is unknown, but always lets endpoints go cold', async () => {
    const h = await setUp(5);
    const unknown = await rejection(h.service.propose(typed('add sentiment-eu'), context));
    expect(unknown.code).toBe('COST_UNKNOWN');
    expect(unknown.message).toBe("The cost of this change cannot be checked against this scope's max_cost_per_hour of $5.00: "
      + 'no price is known for sentiment-eu (aws eu-west-1 cpu intel-spr x1). Nothing was proposed.');

    const cold = await start({ endpoints: { maxWarm: 4, maxCostPerHour: 5, endpoints: pricedEndpoints() } });
    cold.endpointsSimulator?.failCatalogue(403);
    const unread = await rejection(cold.service.propose(typed('add embedder'), context));
    expect(unread.message).toBe("The cost of this change cannot be checked against this scope's max_cost_per_hour of $5.00: "
      + 'the hardware catalogue, which holds the prices, could not be read. Nothing was proposed.');
    const clear = await cold.service.propose(typed('clear'), context);
    expect((await cold.service.approve(clear.id, alice)).proposal.state).toBe('applied');
    expect(puts(cold)).toEqual(['llama-chat']);
  });

  it('checks again at approval: of two proposals that each fit, the second to apply is refused and writes nothing', async () => {
    // $1.00 warm now; embedder adds $0.80 (1.80), sentiment 3 × $0.033 (1.099): both fit alone, not together (1.899).
    const h = await setUp(1.85);
    const first = await h.service.propose(typed('add embedder'), context);
    const second = await h.service.propose(typed('add sentiment replicas=3'), context);
    expect((await h.service.approve(first.id, alice)).proposal.state).toBe('applied');

    const result = await h.service.approve(second.id, alice);
    expect(result.proposal.state).toBe('failed');
    expect(result.proposal.outcome).toMatchObject({
      kind: 'failed',
      code: 'MAX_COST_EXCEEDED',
      message: 'With the endpoints warm now (llama-chat, embedder), this change would make the warm endpoints (llama-chat, embedder, sentiment) cost $1.90 per hour '
        + "at minimum replicas; this scope's max_cost_per_hour is $1.85. Nothing was written.",
    });
    expect(puts(h)).toEqual(['embedder']);
    expect((await h.storage.audit.recent('default', 5)).map((change) => change.after.map((pin) => pin.modelId))).toEqual([['llama-chat', 'embedder']]);
    expect(catalogueReads(h)).toBe(1);
  });
});
