import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';
import { startPricedAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { CHANNEL } from '../../helpers/slack-process.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { serveSlack, WAIT } from './served-slack.ts';

/**
 * `acme` on priced hardware: llama-chat warm (min 1, max 2) at $1.00 per replica-hour, embedder
 * $0.80, sentiment (max 3) $0.033, sentiment-eu on hardware the catalogue does not list.
 */
describe('Slack: what warm endpoints cost, and max_cost_per_hour, served in process against the Endpoints simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start(maxCostPerHour?: number) {
    const sim = await startPricedAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const cap = maxCostPerHour !== undefined ? `    max_cost_per_hour: ${maxCostPerHour}\n` : '';
    const world = await serveSlack({
      configYaml: `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 4\n${cap}    slack_channels: [${CHANNEL}]\n`,
      env: { HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, HF_HUB_URL: 'off' },
    }, cleanups);
    return { sim, ...world };
  }

  const writes = (sim: EndpointsSimulator) => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT').length;

  it('lists each endpoint\'s cost and the warm total, "price unknown" where the catalogue has no price, and shows the cost before → after on the card', async () => {
    const { command, answer, proposeCard, approveAndSettle, sim } = await start();

    const list = await answer(await command('list'));
    expect(list).toContain('`llama-chat` — warm, min 1, max 2; running; gpu nvidia-a10g x1; serves `meta-llama/Llama-3.1-8B-Instruct`; '
      + 'warm cost $1.00 per hour, up to $2.00 at max replicas ($1.00 per replica-hour)');
    expect(list).toContain('`embedder` — cold, min 0, scales to zero after 30 min, max 1; scaledToZero; gpu nvidia-l4 x1; serves `BAAI/bge-small-en-v1.5`; $0.80 per replica-hour');
    expect(list).toContain('serves `distilbert/sst2-eu`; price unknown');
    expect(list).toContain('Warm cost: $1.00 per hour at minimum replicas, up to $2.00 at maximum; $720.00 to $1,440.00 per 30-day month.');
    expect(list).not.toContain('max_cost_per_hour');

    // The floor (minimum replicas) and the ceiling (maximum) differ: llama-chat may scale to 2.
    const card = await proposeCard('add embedder');
    expect(card.params['blocks']).toContain('*Warm cost*\\nper hour $1.00 → $1.80 at minimum replicas, up to $2.00 → $2.80 at maximum; '
      + 'per 30-day month $720.00 → $1,296.00, up to $1,440.00 → $2,016.00');
    await approveAndSettle(card, 'Applied');
    expect(writes(sim)).toBe(1);
    const twoWarm = await answer(await command('list'));
    expect(twoWarm).toContain('warm cost $1.00 per hour, up to $2.00 at max replicas ($1.00 per replica-hour)');
    expect(twoWarm).toContain('`embedder` — warm, min 1, max 1; ');
    expect(twoWarm).toContain('warm cost $0.80 per hour, up to $0.80 at max replicas ($0.80 per replica-hour)');
    expect(twoWarm).toContain('Warm cost: $1.80 per hour at minimum replicas, up to $2.80 at maximum; $1,296.00 to $2,016.00 per 30-day month.');

    // A warm endpoint without a price: its cost and the total are unknown, never a partial sum.
    const unpriced = await proposeCard('add sentiment-eu');
    expect(unpriced.params['blocks']).toContain('per hour $1.80 → price unknown at minimum replicas, up to $2.80 → price unknown at maximum; '
      + 'per 30-day month $1,296.00 → price unknown, up to $2,016.00 → price unknown; no price for sentiment-eu');
    await approveAndSettle(unpriced, 'Applied');
    const after = await answer(await command('list'));
    expect(after).toContain('`sentiment-eu` — warm, min 1, max 1; ');
    expect(after).toContain('serves `distilbert/sst2-eu`; price unknown');
    expect(after).toContain('Warm cost: unknown, as no price is known for sentiment-eu; no total is given.');
  });

  it('refuses a change over max_cost_per_hour with the numbers before any card, and again at approval when the warm set grew meanwhile; nothing is written', async () => {
    const { command, answer, cards, proposeCard, approveAndSettle, sim, slack } = await start(1.85);

    expect(await answer(await command('list'))).toContain("This scope's max_cost_per_hour is $1.85.");
    const over = await answer(await command('set llama-chat replicas=2'));
    expect(over).toContain('"response_type":"ephemeral"');
    expect(over).toContain("With this change the warm endpoints (llama-chat) would cost $2.00 per hour at minimum replicas; this scope's max_cost_per_hour is $1.85. Nothing was proposed.");
    const unknown = await answer(await command('add sentiment-eu'));
    expect(unknown).toContain("The cost of this change cannot be checked against this scope's max_cost_per_hour of $1.85: "
      + 'no price is known for sentiment-eu (aws eu-west-1 cpu intel-spr x1). Nothing was proposed.');
    expect(cards()).toEqual([]);
    expect(writes(sim)).toBe(0);

    // $1.80 fits under $1.85 when proposed...
    const card = await proposeCard('add embedder');
    expect(card.params['blocks']).toContain('per hour $1.00 → $1.80 at minimum replicas');
    // ...then sentiment is made warm outside pinbot (3 × $0.033), which the proposal does not touch: not stale, but over the cap.
    sim.setScaling(TOKEN, 'sentiment', { minReplica: 3, scaleToZeroTimeout: null });
    const refused = await approveAndSettle(card, 'Not applied');
    const sentence = 'With the endpoints warm now (llama-chat, sentiment), this change would make the warm endpoints (llama-chat, sentiment, embedder) cost $1.90 per hour '
      + "at minimum replicas; this scope's max_cost_per_hour is $1.85. Nothing was written.";
    expect(refused.params['blocks']).toContain(sentence);
    expect(refused.params['blocks']).not.toContain('pinbot_approve');
    // The channel is told after the card is edited.
    const announced = () => slack.callsTo('chat.postMessage').some((call) => (call.params['text'] ?? '').includes(`was not applied: ${sentence}`));
    await waitFor(announced, WAIT, 'the channel message saying it was not applied');
    expect(writes(sim)).toBe(0);
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
  });
});
