import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import { PinbotError } from '../../src/core/domain/errors.ts';
import { requesterOnlyPolicy } from '../../src/core/workflow/policy.ts';
import { renderProposalCard } from '../../src/core/words/replies.ts';
import { isChangeCommand, type ChangeCommand } from '../../src/core/domain/command.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import { manualClock, TOKEN, usePinbotHarness } from '../helpers/pinbot-harness.ts';
import { CHAT_STYLE } from '../helpers/reply-style.ts';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';

const alice: RequestContext = {
  scope: 'default',
  principal: { platform: 'slack', userId: 'UALICE', displayName: 'alice' },
  channel: { platform: 'slack', channelId: 'C1' },
};
const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };

function change(text: string): ChangeCommand {
  const command = parseCommand(text, PINNED_COMMAND_WORDS);
  if (!isChangeCommand(command)) throw new Error(`${text} is not a change`);
  return command;
}

async function rejected(promise: Promise<unknown>): Promise<PinbotError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PinbotError);
    return error as PinbotError;
  }
  throw new Error('expected a rejection');
}

describe('PinningService against the simulator', () => {
  const start = usePinbotHarness();

  it('proposes without writing, then writes the full list exactly once on approval', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'org/keep', compute_type: 'tpu', note: 'x' }] });
    const proposal = await h.service.propose(change('add bigscience/bloom gpu'), alice);
    expect(proposal.state).toBe('pending');
    expect(h.writes()).toHaveLength(0);

    const result = await h.service.approve(proposal.id, bob);

    expect(result.kind).toBe('settled');
    expect(result.proposal.state).toBe('applied');
    expect(h.writes()).toHaveLength(1);
    expect(h.writes()[0]?.body).toEqual({
      pinned_models: [
        { model_id: 'gpt2', compute_type: 'cpu' },
        { model_id: 'org/keep', compute_type: 'tpu', note: 'x' },
        { model_id: 'bigscience/bloom', compute_type: 'gpu' },
      ],
    });
    expect(h.simulator.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'org/keep', 'bigscience/bloom']);
  });

  it('writes nothing when the list changed between proposal and approval, and says what changed', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    h.simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'someone/else', compute_type: 'gpu' }]);

    const result = await h.service.approve(proposal.id, bob);

    expect(result.proposal.state).toBe('stale');
    expect(result.proposal.outcome).toMatchObject({ kind: 'stale', changedUnderneath: [{ kind: 'added', modelId: 'someone/else', computeType: 'gpu' }] });
    expect(h.writes()).toHaveLength(0);
    expect(h.simulator.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2', 'someone/else']);
  });

  it('lets exactly one of two simultaneous approvals write, and tells the other who acted', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);

    const outcomes = await Promise.allSettled([h.service.approve(proposal.id, bob), h.service.approve(proposal.id, alice.principal)]);

    expect(h.writes()).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const loser = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(loser?.reason).toBeInstanceOf(PinbotError);
    expect((loser?.reason as PinbotError).code).toBe('ALREADY_DECIDED');
  });

  it('answers a repeated click with who already approved, and writes nothing more', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('remove gpt2'), alice);
    await h.service.approve(proposal.id, bob);

    const error = await rejected(h.service.approve(proposal.id, bob));

    expect(error.code).toBe('ALREADY_DECIDED');
    expect(error.details).toMatchObject({ state: 'applied', by: { userId: 'UBOB' } });
    expect(h.writes()).toHaveLength(1);
  });

  it('refuses an approver the policy refuses and writes nothing', async () => {
    const h = await start({ policy: requesterOnlyPolicy });
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);

    const error = await rejected(h.service.approve(proposal.id, bob));

    expect(error.code).toBe('NOT_ALLOWED');
    expect(h.writes()).toHaveLength(0);
    expect((await h.service.getProposal(proposal.id)).state).toBe('pending');
  });

  it('expires proposals past their time: approval is refused and nothing is written', async () => {
    const clock = manualClock();
    const h = await start({ clock, proposalTtlMs: 1000 });
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    clock.advance(1001);

    const error = await rejected(h.service.approve(proposal.id, bob));

    expect(error.code).toBe('EXPIRED');
    expect((await h.service.getProposal(proposal.id)).state).toBe('expired');
    expect(h.settled.map((p: Proposal) => p.state)).toEqual(['expired']);
    expect(h.writes()).toHaveLength(0);
  });

  it('expireDue moves every overdue pending proposal once', async () => {
    const clock = manualClock();
    const h = await start({ clock, proposalTtlMs: 1000 });
    await h.service.propose(change('add bert-base-uncased'), alice);
    await h.service.propose(change('add roberta-base'), alice);
    clock.advance(5000);

    expect(await h.service.expireDue()).toHaveLength(2);
    expect(await h.service.expireDue()).toHaveLength(0);
  });

  it('refuses over quota before anything is proposed, with the numbers', async () => {
    const h = await start({ allowed: 2 });
    const error = await rejected(h.service.propose(change('add a b'), alice));
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(error.details).toMatchObject({ allowed: 2, requested: 3 });
    expect(await h.service.execute({ verb: 'pending' }, alice)).toMatchObject({ proposals: [] });
  });

  it('fails without writing when the quota shrank after the proposal', async () => {
    const h = await start({ allowed: 3 });
    const proposal = await h.service.propose(change('add a b'), alice);
    h.simulator.setAllowed(TOKEN, 2);

    const result = await h.service.approve(proposal.id, bob);

    expect(result.proposal.state).toBe('failed');
    expect(h.writes()).toHaveLength(0);
  });

  it('puts the proposal back to pending when the live list cannot be read at approval', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    h.simulator.failNext(3, 503);

    const error = await rejected(h.service.approve(proposal.id, bob));

    expect(error.code).toBe('HF_UNAVAILABLE');
    expect((await h.service.getProposal(proposal.id)).state).toBe('pending');
    expect(h.writes()).toHaveLength(0);
    const retry = await h.service.approve(proposal.id, bob);
    expect(retry.proposal.state).toBe('applied');
    expect(h.writes()).toHaveLength(1);
  });

  it('records a failed write with Hugging Face’s reason', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add unknown/model'), alice);

    const result = await h.service.approve(proposal.id, bob);

    expect(result.proposal.state).toBe('failed');
    expect(result.proposal.outcome).toMatchObject({ kind: 'failed', code: 'HF_UNKNOWN_MODEL' });
    expect(h.simulator.pins(TOKEN).map((p) => p.model_id)).toEqual(['gpt2']);
  });

  it('keeps history and proposes the list as it was before a change for revert', async () => {
    const h = await start();
    const first = await h.service.propose(change('add bert-base-uncased gpu'), alice);
    const applied = await h.service.approve(first.id, bob);
    const changeId = applied.proposal.outcome?.kind === 'applied' ? applied.proposal.outcome.changeId : '';

    const history = await h.service.execute({ verb: 'history' }, alice);
    expect(history).toMatchObject({ kind: 'history', changes: [{ id: changeId, approver: { userId: 'UBOB' } }] });

    const revert = await h.service.propose({ verb: 'revert', changeId }, alice);
    expect(revert.diff).toEqual([{ kind: 'removed', modelId: 'bert-base-uncased', computeType: 'gpu' }]);
    const reverted = await h.service.approve(revert.id, bob);
    expect(h.simulator.pins(TOKEN)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }]);
    const revertId = reverted.proposal.outcome?.kind === 'applied' ? reverted.proposal.outcome.changeId : '';

    // The newest first; only the revert names the change it undid.
    const after = await h.service.execute({ verb: 'history' }, alice);
    expect(after).toMatchObject({ kind: 'history', changes: [{ id: revertId, revertOf: changeId }, { id: changeId }] });
    expect(after.kind === 'history' && 'revertOf' in (after.changes[1] ?? {})).toBe(false);
  });

  it('refuses a revert of a change it does not know', async () => {
    const h = await start();
    expect((await rejected(h.service.propose({ verb: 'revert', changeId: 'nope' }, alice))).code).toBe('CHANGE_NOT_FOUND');
  });

  it('cancels a pending proposal once; approval afterwards is refused', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    expect((await h.service.cancel(proposal.id, alice.principal)).state).toBe('cancelled');
    expect((await rejected(h.service.approve(proposal.id, bob))).code).toBe('ALREADY_DECIDED');
    expect(h.writes()).toHaveLength(0);
  });

  it('reproposes a stale change on the current list', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    h.simulator.setPins(TOKEN, [{ model_id: 'other', compute_type: 'cpu' }]);
    await h.service.approve(proposal.id, bob);

    const again = await h.service.repropose(proposal.id, { principal: bob, channel: alice.channel });

    expect(again.base.map((p) => p.modelId)).toEqual(['other']);
    expect(again.proposed.map((p) => p.modelId)).toEqual(['other', 'bert-base-uncased']);
  });

  it('reproposes a stale change once: the stale card loses its button, and a later click is refused with the newer proposal', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    h.simulator.setPins(TOKEN, [{ model_id: 'other', compute_type: 'cpu' }]);
    await h.service.approve(proposal.id, bob);
    const again = await h.service.repropose(proposal.id, { principal: bob, channel: alice.channel });

    const stale = await h.service.getProposal(proposal.id);
    expect(stale.outcome).toMatchObject({ kind: 'stale', reproposed: { proposalId: again.id, by: bob } });
    expect(renderProposalCard(stale, CHAT_STYLE).actions).toEqual([]);
    const late = await h.service.repropose(proposal.id, { principal: alice.principal, channel: alice.channel }).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(PinbotError);
    expect((late as PinbotError).code).toBe('ALREADY_REPROPOSED');
    expect((late as PinbotError).message).toContain(again.id);
    expect(await h.service.execute({ verb: 'pending' }, alice)).toMatchObject({ kind: 'pending', proposals: [{ id: again.id }] });
  });

  it('reproposes a stale change once when two clicks arrive at once', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
    h.simulator.setPins(TOKEN, [{ model_id: 'other', compute_type: 'cpu' }]);
    await h.service.approve(proposal.id, bob);

    const clicks = await Promise.allSettled([
      h.service.repropose(proposal.id, { principal: bob, channel: alice.channel }),
      h.service.repropose(proposal.id, { principal: alice.principal, channel: alice.channel }),
    ]);

    const made = clicks.flatMap((click) => (click.status === 'fulfilled' ? [click.value] : []));
    const refused = clicks.flatMap((click) => (click.status === 'rejected' ? [click.reason as PinbotError] : []));
    expect(made).toHaveLength(1);
    expect(refused.map((error) => error.code)).toEqual(['ALREADY_REPROPOSED']);
    expect(refused[0]?.message).toContain(made[0]?.id);
    expect(await h.service.execute({ verb: 'pending' }, alice)).toMatchObject({ kind: 'pending', proposals: [{ id: made[0]?.id }] });
  });

  it('reads status of pinned models, with compute types as strings or objects', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    const result = await h.service.execute({ verb: 'status' }, alice);
    expect(result).toMatchObject({ kind: 'status', entries: [{ modelId: 'gpt2', status: { state: 'Loaded', loaded: true } }] });
  });

  it('says a model asked about by name is not pinned, and whether the Hub has it, instead of asking its load state', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }], hub: {} });
    expect(await h.service.execute({ verb: 'status', modelId: 'nope/none' }, alice))
      .toEqual({ kind: 'status', scope: 'default', entries: [{ modelId: 'nope/none', notPinned: true, onHub: false }] });
    expect(await h.service.execute({ verb: 'status', modelId: 'bigscience/bloom' }, alice))
      .toEqual({ kind: 'status', scope: 'default', entries: [{ modelId: 'bigscience/bloom', notPinned: true, onHub: true }] });
    expect(await h.service.execute({ verb: 'status', modelId: 'gpt2' }, alice))
      .toMatchObject({ kind: 'status', entries: [{ modelId: 'gpt2', status: { state: 'Loaded' } }] });
    expect(h.clientRequests().filter((entry) => entry.path.startsWith('/status/')).map((entry) => entry.path)).toEqual(['/status/gpt2']);
  });

  it('says a model is not pinned without a word about the Hub when there is no Hub to ask or it does not answer', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    expect(await h.service.execute({ verb: 'status', modelId: 'nope/none' }, alice))
      .toEqual({ kind: 'status', scope: 'default', entries: [{ modelId: 'nope/none', notPinned: true }] });
    const down = await start({ pins: [], hub: {} });
    down.simulator.setHubFault({ status: 503 });
    expect(await down.service.execute({ verb: 'status', modelId: 'nope/none' }, alice))
      .toEqual({ kind: 'status', scope: 'default', entries: [{ modelId: 'nope/none', notPinned: true }] });
  });

  it('never logs the token', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add unknown/model'), alice);
    await h.service.approve(proposal.id, bob);
    expect(h.logLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(h.logLines)).not.toContain(TOKEN);
  });

  describe('recovery of an apply interrupted by a stop', () => {
    it('marks it applied when the live list already matches, and records the change', async () => {
      const h = await start();
      const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
      await h.store.transition(proposal.id, 'pending', 'applying', { decidedBy: bob });
      h.simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bert-base-uncased', compute_type: 'cpu' }]);

      const recovered = await h.service.recoverInterrupted();

      expect(recovered.map((p) => p.state)).toEqual(['applied']);
      expect(h.writes()).toHaveLength(0);
      expect(await h.service.execute({ verb: 'history' }, alice)).toMatchObject({ changes: [{ proposalId: proposal.id }] });
    });

    it('marks it failed when the write never happened, and writes nothing', async () => {
      const h = await start();
      const proposal = await h.service.propose(change('add bert-base-uncased'), alice);
      await h.store.transition(proposal.id, 'pending', 'applying', { decidedBy: bob });

      const recovered = await h.service.recoverInterrupted();

      expect(recovered).toHaveLength(1);
      expect(recovered[0]?.outcome).toMatchObject({ kind: 'failed', code: 'INTERRUPTED' });
      expect(h.writes()).toHaveLength(0);
      expect(await h.service.recoverInterrupted()).toEqual([]);
    });
  });
});
