import { describe, expect, it } from 'vitest';
import { openPolicy } from '../../../src/core/workflow/policy.ts';
import { manualClock, TOKEN } from '../../helpers/pinbot-harness.ts';
import { ALICE, BOB, blocksOf, BOUND_CHANNEL, buttonsOf, mrkdwnOf, readableText, useSlackHarness } from './slack-harness.ts';

describe('Slack cards in their other states', () => {
  const start = useSlackHarness();

  it('counts an approval when two are required, shows who approved so far, and applies on the second', async () => {
    const h = await start({ policy: { ...openPolicy, approvalsRequired: () => 2 } });
    const card = await h.propose('add bigscience/bloom');
    expect(mrkdwnOf(card.blocks)).toContain('0 of 2');

    await h.click('approve', card, ALICE);
    const [counted] = await h.waitForCalls('chat.update', 1);

    expect(h.pinbot.writes()).toHaveLength(0);
    expect(mrkdwnOf(blocksOf(counted!))).toContain(`1 of 2: <@${ALICE.id}>`);
    expect(buttonsOf(blocksOf(counted!)).map((b) => b.action_id)).toEqual(['pinbot_approve', 'pinbot_cancel']);
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(1);

    // The same approver again: told privately how many approvals are still missing; nothing counted or redrawn.
    const repeat = await h.click('approve', card, ALICE);
    const told = await h.response(repeat.responseUrl);
    expect(told.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(readableText(told)).toContain('You have already approved this change; 1 more approval is needed from another approver.');
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(1);
    expect(h.pinbot.writes()).toHaveLength(0);

    await h.click('approve', card, BOB);
    const updates = await h.waitForCalls('chat.update', 2);
    await h.waitForCalls('chat.postMessage', 2);

    expect(h.pinbot.writes()).toHaveLength(1);
    expect(mrkdwnOf(blocksOf(updates[1]!))).toContain(`Approved by <@${BOB.id}>`);
  });

  it('shows why nothing was written when the plan no longer fits the change at approval', async () => {
    const h = await start({ allowed: 2, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    const card = await h.propose('add bigscience/bloom');
    h.pinbot.simulator.setAllowed(TOKEN, 1);

    await h.click('approve', card, ALICE);
    const [update] = await h.waitForCalls('chat.update', 1);
    const posted = await h.waitForCalls('chat.postMessage', 2);

    expect(h.pinbot.writes()).toHaveLength(0);
    expect(buttonsOf(blocksOf(update!))).toEqual([]);
    expect(mrkdwnOf(blocksOf(update!))).toContain('Not applied');
    expect(mrkdwnOf(blocksOf(update!))).toContain('The plan now allows 1 pinned models; this change needs 2. Nothing was written.');
    expect(readableText(posted[1]!)).toContain('was not applied');
  });

  it('redraws a card whose proposal expired without a click, for the expiry sweep', async () => {
    const clock = manualClock();
    const h = await start({ clock, proposalTtlMs: 60_000 });
    const card = await h.propose('add bigscience/bloom');
    clock.advance(60_001);

    const expired = await h.pinbot.service.expireDue();
    for (const proposal of expired) await h.slack.refreshCard(proposal);

    const [update] = h.slackApi.callsTo('chat.update');
    expect(update?.params).toMatchObject({ channel: BOUND_CHANNEL, ts: card.ts });
    expect(mrkdwnOf(blocksOf(update!))).toContain('Expired');
    expect(buttonsOf(blocksOf(update!))).toEqual([]);
    expect(h.pinbot.writes()).toHaveLength(0);
  });
});
