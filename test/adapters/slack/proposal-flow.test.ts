import { describe, expect, it } from 'vitest';
import { ALICE, BOB, blocksOf, BOUND_CHANNEL, buttonsOf, mrkdwnOf, readableText, useSlackHarness } from './slack-harness.ts';

describe('Slack proposal cards: propose, approve, cancel', () => {
  const start = useSlackHarness();

  it('posts an in-channel card with the diff, the slots, the warning and two buttons carrying the proposal id', async () => {
    const h = await start({ allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });

    const card = await h.propose('add bigscience/bloom gpu');

    expect(card.channel).toBe(BOUND_CHANNEL);
    const shown = mrkdwnOf(card.blocks);
    expect(shown).toContain('Proposed change to the pinned models');
    expect(shown).toContain(`<@${ALICE.id}>`);
    expect(shown).toContain('+ `bigscience/bloom (gpu)`');
    expect(shown).toContain('1 → 2 of 5');
    expect(shown).toContain('replaces the entire pinned list');
    expect(shown).toContain('Expires');
    const buttons = buttonsOf(card.blocks);
    expect(buttons.map((b) => [b.action_id, b.value, b.style])).toEqual([
      ['pinbot_approve', card.proposalId, 'primary'],
      ['pinbot_cancel', card.proposalId, undefined],
    ]);
    expect(buttons[0]?.confirm?.title?.text).toBe('Replace the whole list?');
    expect(buttons[0]?.confirm?.confirm?.text).toBe('Confirm');
    expect(card.text).toContain('bigscience/bloom');
    expect((await h.pinbot.service.getProposal(card.proposalId)).messageRef).toBe(`${BOUND_CHANNEL}:${card.ts}`);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('shows removals with − and compute changes with ~', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 't5-small', compute_type: 'cpu' }] });

    const removal = await h.propose('remove t5-small');
    const compute = await h.propose('compute gpt2 gpu');

    expect(mrkdwnOf(removal.blocks)).toContain('− `t5-small (cpu)`');
    expect(mrkdwnOf(removal.blocks)).toContain('2 → 1 of 5');
    expect(mrkdwnOf(compute.blocks)).toContain('~ `gpt2 (cpu → gpu)`');
  });

  it('applies on approve: one write of the full list, the card loses its buttons and names the approver, the channel is told once', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    const card = await h.propose('add bigscience/bloom gpu');

    const click = await h.click('approve', card, BOB);

    expect(click.status).toBe(200);
    expect(click.body).toBe('');
    const [update] = await h.waitForCalls('chat.update', 1);
    await h.waitForCalls('chat.postMessage', 2);
    expect(h.pinbot.writes()).toHaveLength(1);
    expect(h.pinbot.writes()[0]?.body).toEqual({
      pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }],
    });
    expect(update?.params.channel).toBe(BOUND_CHANNEL);
    expect(update?.params.ts).toBe(card.ts);
    const updated = blocksOf(update!);
    expect(buttonsOf(updated)).toEqual([]);
    expect(mrkdwnOf(updated)).toContain('Applied');
    expect(mrkdwnOf(updated)).toContain(`Approved by <@${BOB.id}>`);
    expect(mrkdwnOf(updated)).toContain('`gpt2` (cpu), `bigscience/bloom` (gpu)');
    const outcomes = h.slackApi.callsTo('chat.postMessage').slice(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.params.channel).toBe(BOUND_CHANNEL);
    expect(readableText(outcomes[0]!)).toContain(`approved by <@${BOB.id}>`);
    expect(h.slackApi.responsesTo(click.responseUrl)).toEqual([]);
    expect((await h.pinbot.service.getProposal(card.proposalId)).state).toBe('applied');
  });

  it('cancels without writing: the card says cancelled and by whom', async () => {
    const h = await start();
    const card = await h.propose('add bigscience/bloom');

    await h.click('cancel', card, ALICE);

    const [update] = await h.waitForCalls('chat.update', 1);
    await h.waitForCalls('chat.postMessage', 2);
    expect(h.pinbot.writes()).toHaveLength(0);
    expect(buttonsOf(blocksOf(update!))).toEqual([]);
    expect(mrkdwnOf(blocksOf(update!))).toContain('Cancelled');
    expect(mrkdwnOf(blocksOf(update!))).toContain(`Cancelled by <@${ALICE.id}>`);
    expect(mrkdwnOf(blocksOf(update!))).toContain('Nothing was written.');
    expect(readableText(h.slackApi.callsTo('chat.postMessage')[1]!)).toContain('cancelled');
  });

  it('refuses over quota to the asker only, with the numbers and the current list; no card, no write', async () => {
    const h = await start({ allowed: 2, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 't5-small', compute_type: 'gpu' }] });

    const reply = await h.response((await h.command('add bigscience/bloom')).responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    const shown = mrkdwnOf(blocksOf(reply));
    expect(shown).toContain("Can't pin 3 models: your plan allows 2.");
    expect(shown).toContain('Pinned now: `gpt2` (cpu), `t5-small` (gpu)');
    expect(shown).not.toMatch(/at .*\.ts:\d+/);
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('refuses a change that changes nothing, and an invalid model id, ephemerally', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });

    const same = await h.response((await h.command('add gpt2')).responseUrl);
    const invalid = await h.response((await h.command('add not--valid..id')).responseUrl);

    expect(same.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(same))).toContain('Nothing to change');
    expect(invalid.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(invalid))).toContain('not--valid..id');
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('passes Hugging Face refusals on to the asker without a card', async () => {
    const h = await start();
    h.pinbot.simulator.failNext(5, 503, { error: 'Service Unavailable' });

    const reply = await h.response((await h.command('add bigscience/bloom')).responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(reply))).toContain('Nothing was written.');
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(0);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('posts the card through response_url, in channel, where the bot may not post', async () => {
    const h = await start();
    h.slackApi.failNext('chat.postMessage', 'not_in_channel');

    const answer = await h.command('add bigscience/bloom');
    const reply = await h.response(answer.responseUrl);

    expect(reply.body.response_type).toBe('in_channel');
    expect(buttonsOf(blocksOf(reply)).map((b) => b.action_id)).toEqual(['pinbot_approve', 'pinbot_cancel']);
    expect(h.pinbot.writes()).toHaveLength(0);
  });
});
