import { describe, expect, it } from 'vitest';
import { plainText } from '../../../src/core/domain/ui.ts';
import { renderProposalCard } from '../../../src/core/words/replies.ts';
import { usePinbotHarness } from '../../helpers/pinbot-harness.ts';
import { alice, context, listLines, pricedEndpoints, typed } from '../../helpers/priced-endpoints.ts';
import { CHAT_STYLE } from '../../helpers/reply-style.ts';

const costField = (proposal: Parameters<typeof renderProposalCard>[0]) => renderProposalCard(proposal, CHAT_STYLE).fields
  .filter((field) => field.label === 'Warm cost').map((field) => plainText(field.value));

describe('what warm endpoints cost, on the card and in list', () => {
  const start = usePinbotHarness();
  const setUp = (options: { maxWarm?: number; maxCostPerHour?: number } = {}) => start({
    endpoints: {
      maxWarm: options.maxWarm ?? 3, endpoints: pricedEndpoints(),
      ...(options.maxCostPerHour !== undefined ? { maxCostPerHour: options.maxCostPerHour } : {}),
    },
  });

  it('shows the warm cost before → after per hour and per 30-day month, at minimum replicas and at maximum', async () => {
    const h = await setUp();
    const warmer = await h.service.propose(typed('add embedder'), context);
    // Before: llama-chat 1–2 × $1.00. After: and embedder 1 × $0.80.
    expect(costField(warmer)).toEqual([
      'per hour $1.00 → $1.80 at minimum replicas, up to $2.00 → $2.80 at maximum; per 30-day month $720.00 → $1,296.00, up to $1,440.00 → $2,016.00',
    ]);

    const cheaper = await h.service.propose(typed('set sentiment replicas=2'), context);
    // llama-chat goes cold; sentiment keeps 2–3 replicas at $0.033.
    expect(costField(cheaper)).toEqual([
      'per hour $1.00 → $0.07 at minimum replicas, up to $2.00 → $0.10 at maximum; per 30-day month $720.00 → $47.52, up to $1,440.00 → $71.28',
    ]);
  });

  it('draws the card from what the proposal stored, so it reads the same once stored and after the prices change', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('add embedder'), context);
    h.endpointsSimulator?.unpriceCompute('aws-us-east-1-nvidia-l4-x1', 'aws-us-east-1-nvidia-a10g-x1');
    const stored = await h.store.get(proposal.id);
    if (stored === undefined) throw new Error('expected the stored proposal');
    expect(costField(stored)).toEqual(costField(proposal));
    expect(costField(stored)[0]).toContain('$1.00 → $1.80');
  });

  it('lists each endpoint\'s cost and the total of the warm ones', async () => {
    const h = await setUp();
    const lines = await listLines(h);
    expect(lines).toContain('• llama-chat — warm, min 1, max 2; running; gpu nvidia-a10g x1; serves meta-llama/Llama-3.1-8B-Instruct; '
      + 'warm cost $1.00 per hour, up to $2.00 at max replicas ($1.00 per replica-hour)');
    expect(lines).toContain('• sentiment — cold, min 0, scales to zero after 15 min, max 3; scaledToZero; cpu intel-spr x1; serves distilbert/sst2; $0.033 per replica-hour');
    expect(lines).toContain('• sentiment-eu — cold, min 0, scales to zero after 15 min, max 1; scaledToZero; cpu intel-spr x1; serves distilbert/sst2-eu; price unknown');
    expect(lines.at(-1)).toBe('Warm cost: $1.00 per hour at minimum replicas, up to $2.00 at maximum; $720.00 to $1,440.00 per 30-day month.');
  });

  it('says "price unknown" where a price cannot be found, and gives no total rather than a wrong one', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('add sentiment-eu'), context);
    expect(costField(proposal)).toEqual([
      'per hour $1.00 → price unknown at minimum replicas, up to $2.00 → price unknown at maximum; '
      + 'per 30-day month $720.00 → price unknown, up to $1,440.00 → price unknown; no price for sentiment-eu',
    ]);
    expect((await h.service.approve(proposal.id, alice)).proposal.state).toBe('applied');
    expect((await listLines(h)).at(-1)).toBe('Warm cost: unknown, as no price is known for sentiment-eu; no total is given.');
  });

  it('lists and proposes when the hardware catalogue cannot be read, every price then unknown', async () => {
    const h = await setUp();
    h.endpointsSimulator?.failCatalogue(403);
    const lines = await listLines(h);
    expect(lines).toContain('• llama-chat — warm, min 1, max 2; running; gpu nvidia-a10g x1; serves meta-llama/Llama-3.1-8B-Instruct; price unknown');
    expect(lines.at(-1)).toBe('Warm cost: unknown, as the hardware catalogue, which holds the prices, could not be read; no total is given.');
    const proposal = await h.service.propose(typed('add embedder'), context);
    expect(costField(proposal)[0]).toMatch(/^per hour price unknown → price unknown at minimum replicas.*; no price for llama-chat, embedder$/);
  });

  it('shows no cost on a proposal stored before prices were read, and still applies it', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('add embedder'), context);
    const earlier = { ...proposal, id: 'earlier1', seen: { seen: { embedder: { min: 0, max: 1, timeout: 30, updatedAt: '2026-11-01T00:00:00Z' } }, warmCost: 1.2 } };
    await h.store.create(earlier);
    expect(costField(earlier)).toEqual([]);
    // The stale check compares only the scaling: the stored updatedAt is not one of it.
    expect((await h.service.approve(earlier.id, alice)).proposal.state).toBe('applied');
  });
});
