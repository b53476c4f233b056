import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../../src/backends/classic/simulator.ts';
import { blocksOf, mrkdwnOf, useSlackHarness } from './slack-harness.ts';

/** The URL of a Hub that was there and is gone: connections are refused. */
async function stoppedHubUrl(): Promise<string> {
  const gone = await startSimulator();
  await gone.close();
  return gone.url;
}

describe('Slack: every model a change adds is checked on the Hub before the card', () => {
  const start = useSlackHarness();

  it('answers a typo with suggestions, to the asker only, and proposes nothing', async () => {
    const h = await start({ hub: {} });

    const reply = await h.response((await h.command('add bigscence/bloom gpu')).responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    const shown = mrkdwnOf(blocksOf(reply));
    expect(shown).toContain('`bigscence/bloom` is not on the Hugging Face Hub');
    expect(shown).toContain('Did you mean `bigscience/bloom`');
    expect(shown).toContain('Nothing was proposed.');
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
    expect(await h.pinbot.store.listByState('default', 'pending')).toEqual([]);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('tells the asker a gated model is closed to this scope, and proposes nothing', async () => {
    const h = await start({ hub: {} });

    const reply = await h.response((await h.command('add meta-llama/Llama-2-7b-hf')).responseUrl);

    const shown = mrkdwnOf(blocksOf(reply));
    expect(shown).toContain("`meta-llama/Llama-2-7b-hf` is gated on the Hugging Face Hub and this scope's token has not been granted access");
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it("shows each added model's task, library, gating and last change on the card, one line each", async () => {
    const h = await start({ hub: {} });

    const card = await h.propose('add bigscience/bloom google/gemma-2b sandbox-org/raw-checkpoints gpu');

    const shown = mrkdwnOf(card.blocks);
    expect(shown).toContain('Hub: `bigscience/bloom` — text-generation · transformers · not gated · updated 2023-07-28');
    expect(shown).toContain('Hub: `google/gemma-2b` — text-generation · transformers · gated (manual approval)');
    expect(shown).toContain('Hub: `sandbox-org/raw-checkpoints` — no inference task (no pipeline_tag) · pytorch');
    expect(h.pinbot.hubRequests().map((r) => r.path)).toEqual(
      expect.arrayContaining(['/api/models/bigscience/bloom', '/api/models/google/gemma-2b', '/api/models/sandbox-org/raw-checkpoints']),
    );
    expect(h.pinbot.hubRequests()).toHaveLength(3);
  });

  it.each([
    ['stopped', async () => ({ url: await stoppedHubUrl() }), () => undefined],
    ['answering 500', async () => ({}), (sim: { setHubFault(f: { status: number }): void }) => sim.setHubFault({ status: 500 })],
  ] as const)('still posts the card when the Hub is %s, marking the model not checked', async (_name, hubOptions, breakHub) => {
    const h = await start({ hub: await hubOptions() });
    breakHub(h.pinbot.simulator);

    const card = await h.propose('add bigscience/bloom gpu');

    expect(mrkdwnOf(card.blocks)).toContain('Hub: `bigscience/bloom` — not checked on the Hub');
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('acks at once while the Hub hangs, then posts the card marked not checked once the lookup gives up', async () => {
    // The bound is wide so a busy machine cannot make the ack look slow; a Slack ack takes milliseconds.
    const h = await start({ hub: { timeoutMs: 1500 } });
    h.pinbot.simulator.setHubFault('hang');

    const started = Date.now();
    const answer = await h.command('add bigscience/bloom gpu');
    const ackMs = Date.now() - started;
    const [posted] = await h.waitForCalls('chat.postMessage', 1);

    expect(answer.status).toBe(200);
    expect(ackMs).toBeLessThan(1500);
    expect(mrkdwnOf(blocksOf(posted!))).toContain('Hub: `bigscience/bloom` — not checked on the Hub');
  });
});
