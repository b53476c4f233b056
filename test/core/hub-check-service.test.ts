import { describe, expect, it } from 'vitest';
import type { ChangeCommand } from '../../src/core/domain/command.ts';
import { hasCode } from '../../src/core/domain/errors.ts';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import { renderProposalCard } from '../../src/core/words/replies.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { usePinbotHarness } from '../helpers/pinbot-harness.ts';
import { CONSOLE_STYLE } from '../helpers/reply-style.ts';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';

const context: RequestContext = {
  scope: 'default',
  principal: { platform: 'console', userId: 'alice' },
  channel: { platform: 'console', channelId: 'terminal' },
};
const change = (text: string) => parseCommand(text, PINNED_COMMAND_WORDS) as ChangeCommand;
const pinnedListGets = (paths: readonly { method: string; path: string }[]) => paths.filter((r) => r.method === 'GET' && r.path === '/usage/pinned_models');

describe('the Hub check in propose: what it costs and what it records', () => {
  const start = usePinbotHarness();

  it('costs one pinned-list GET and one Hub GET per new model id, and no Hub GET for an id asked about a moment ago', async () => {
    const h = await start({ hub: {} });

    await h.service.propose(change('add bigscience/bloom openai/whisper-small gpu'), context);
    expect(pinnedListGets(h.clientRequests())).toHaveLength(1);
    expect(h.hubRequests().map((r) => r.path).sort()).toEqual(['/api/models/bigscience/bloom', '/api/models/openai/whisper-small']);

    h.simulator.clearLog();
    await h.service.propose(change('add bigscience/bloom gpu'), context);
    expect(pinnedListGets(h.clientRequests())).toHaveLength(1);
    expect(h.hubRequests()).toHaveLength(0);
  });

  it('asks the Hub nothing for a change refused anyway, or one that only removes', async () => {
    const h = await start({ hub: {}, allowed: 1 });

    const refused = await h.service.propose(change('add bigscience/bloom'), context).catch((error: unknown) => error);
    expect(hasCode(refused, 'QUOTA_EXCEEDED')).toBe(true);
    await h.service.propose(change('remove gpt2'), context);

    expect(h.hubRequests()).toHaveLength(0);
  });

  it('checks a model whose compute type the change moves', async () => {
    const h = await start({ hub: {} });
    const proposal = await h.service.propose(change('compute gpt2 gpu'), context);
    expect(proposal.hubChecks?.map((check) => check.modelId)).toEqual(['gpt2']);
    expect(h.hubRequests().map((r) => r.path)).toEqual(['/api/models/gpt2']);
  });

  it('records the checks with the proposal, so the card shows them whenever it is drawn again', async () => {
    const h = await start({ hub: {} });
    const proposal = await h.service.propose(change('add sandbox-org/private-classifier'), context);

    const stored = await h.service.getProposal(proposal.id);
    const lines = renderProposalCard(stored, CONSOLE_STYLE).notes.map(plainText);
    expect(lines).toContain('Hub: sandbox-org/private-classifier — text-classification · transformers · not gated · private · updated 2026-10-02');
  });

  it('refuses every missing or gated model at once, with nothing stored', async () => {
    const h = await start({ hub: {} });
    const error = await h.service.propose(change('add bigscence/bloom meta-llama/Llama-2-7b-hf gpt3'), context).catch((e: unknown) => e);

    expect(hasCode(error, 'MODEL_NOT_AVAILABLE') && error.details.problems.map((p) => [p.modelId, p.kind])).toEqual([
      ['bigscence/bloom', 'not-found'],
      ['meta-llama/Llama-2-7b-hf', 'gated-denied'],
      ['gpt3', 'not-found'],
    ]);
    expect(hasCode(error, 'MODEL_NOT_AVAILABLE') && error.details.problems[2]).toMatchObject({ suggestions: expect.arrayContaining(['gpt2']) as unknown });
    expect(await h.store.listByState('default', 'pending')).toEqual([]);
  });
});
