import { describe, expect, it } from 'vitest';
import { requesterOnlyPolicy } from '../../../src/core/workflow/policy.ts';
import { manualClock, TOKEN } from '../../helpers/pinbot-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { ALICE, BOB, blocksOf, BOUND_CHANNEL, buttonsOf, mrkdwnOf, useSlackHarness } from './slack-harness.ts';

describe('Slack clicks that must not write: stale, repeated, racing, refused, expired, unknown', () => {
  const start = useSlackHarness();

  it('writes nothing when the list changed after the card: the card says what changed and offers to propose again', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    const card = await h.propose('add bigscience/bloom gpu');
    h.pinbot.simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 't5-small', compute_type: 'cpu' }]);

    await h.click('approve', card, ALICE);

    const [update] = await h.waitForCalls('chat.update', 1);
    await h.waitForCalls('chat.postMessage', 2);
    expect(h.pinbot.writes()).toHaveLength(0);
    const shown = mrkdwnOf(blocksOf(update!));
    expect(shown).toContain('Not applied: the pinned list changed after this was proposed');
    expect(shown).toContain('+ `t5-small (cpu)`');
    const buttons = buttonsOf(blocksOf(update!));
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([['pinbot_repropose', card.proposalId]]);
    expect(mrkdwnOf(blocksOf(h.slackApi.callsTo('chat.postMessage')[1]!))).toContain('Nothing was written');

    // One click proposes the same change on the current list: a new card, a new approval.
    await h.click('repropose', { ...card }, ALICE);
    const posted = await h.waitForCalls('chat.postMessage', 3);
    const fresh = blocksOf(posted[2]!);
    expect(mrkdwnOf(fresh)).toContain('2 → 3 of 5');
    const freshId = buttonsOf(fresh)[0]?.value;
    expect(freshId).toBeDefined();
    expect(freshId).not.toBe(card.proposalId);
    expect(h.pinbot.writes()).toHaveLength(0);

    // The stale card's button has done its work: it is gone, and a click that still arrives is told why.
    const updates = await h.waitForCalls('chat.update', 2);
    expect(updates[1]?.params['ts']).toBe(card.ts);
    expect(buttonsOf(blocksOf(updates[1]!))).toEqual([]);
    expect(mrkdwnOf(blocksOf(updates[1]!))).toContain(`as \`${freshId}\` on the current list`);
    const late = await h.click('repropose', { ...card }, BOB);
    const told = await h.response(late.responseUrl);
    expect(String(told.body['text'])).toContain(`This change was already proposed again, as proposal ${freshId}`);
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(3);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('writes once on a double click; the second click is told who already acted', async () => {
    const h = await start();
    const card = await h.propose('add bigscience/bloom');

    await h.click('approve', card, ALICE);
    await h.waitForCalls('chat.update', 1);
    const second = await h.click('approve', card, BOB);
    const reply = await h.response(second.responseUrl);

    expect(h.pinbot.writes()).toHaveLength(1);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.replace_original).toBe(false);
    expect(mrkdwnOf(blocksOf(reply))).toContain(`already applied by <@${ALICE.id}>`);
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(1);
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('writes once when two people click Approve at the same moment; the loser is told clearly', async () => {
    const h = await start();
    const card = await h.propose('add bigscience/bloom');
    h.pinbot.simulator.setLatency(150);

    const [first, second] = await Promise.all([h.click('approve', card, ALICE), h.click('approve', card, BOB)]);

    await h.waitForCalls('chat.update', 1);
    await waitFor(() => h.slackApi.responsesTo(first.responseUrl).length + h.slackApi.responsesTo(second.responseUrl).length === 1, 5000, 'the losing click to be answered');
    await h.waitForCalls('chat.postMessage', 2);
    expect(h.pinbot.writes()).toHaveLength(1);
    const loser = [...h.slackApi.responsesTo(first.responseUrl), ...h.slackApi.responsesTo(second.responseUrl)][0]!;
    expect(loser.body.response_type).toBe('ephemeral');
    expect(loser.body.replace_original).toBe(false);
    expect(mrkdwnOf(blocksOf(loser))).toMatch(/This proposal was already (applying|applied) by <@U0(ALICE001|BOB00002)>\. Nothing more was written\./);
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(1);
    expect(h.slackApi.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('refuses a click from someone the policy does not allow, ephemerally, and writes nothing', async () => {
    const h = await start({ policy: requesterOnlyPolicy });
    const card = await h.propose('add bigscience/bloom', ALICE);

    const refused = await h.click('approve', card, BOB);
    const reply = await h.response(refused.responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.replace_original).toBe(false);
    expect(mrkdwnOf(blocksOf(reply))).toContain('Only the person who asked for this change may approve it.');
    expect(h.pinbot.writes()).toHaveLength(0);
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(0);
    expect((await h.pinbot.service.getProposal(card.proposalId)).state).toBe('pending');

    // The requester still can.
    await h.click('approve', card, ALICE);
    await h.waitForCalls('chat.update', 1);
    expect(h.pinbot.writes()).toHaveLength(1);
  });

  it('answers a click on an expired proposal with the expiry, updates the card, and writes nothing', async () => {
    const clock = manualClock();
    const h = await start({ clock, proposalTtlMs: 60_000 });
    const card = await h.propose('add bigscience/bloom');
    clock.advance(61_000);

    const late = await h.click('approve', card, ALICE);
    const reply = await h.response(late.responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    expect(mrkdwnOf(blocksOf(reply))).toContain('This proposal has expired; nothing was written.');
    const [update] = await h.waitForCalls('chat.update', 1);
    expect(update?.params.ts).toBe(card.ts);
    expect(mrkdwnOf(blocksOf(update!))).toContain('Expired');
    expect(buttonsOf(blocksOf(update!))).toEqual([]);
    expect(h.pinbot.writes()).toHaveLength(0);
  });

  it('answers a click on a card whose proposal is unknown (e.g. after a restart) and writes nothing', async () => {
    const h = await start();

    const click = await h.click('approve', { proposalId: 'pGone42', channel: BOUND_CHANNEL, ts: '1700000999.000100' }, ALICE);
    const reply = await h.response(click.responseUrl);

    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.body.replace_original).toBe(false);
    expect(mrkdwnOf(blocksOf(reply))).toContain('That proposal no longer exists; nothing was written.');
    expect(h.pinbot.writes()).toHaveLength(0);
    expect(h.pinbot.clientRequests()).toHaveLength(0);
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(0);
  });

  it('answers a cancel on an already applied proposal without touching the card', async () => {
    const h = await start();
    const card = await h.propose('add bigscience/bloom');
    await h.click('approve', card, ALICE);
    await h.waitForCalls('chat.update', 1);

    const reply = await h.response((await h.click('cancel', card, BOB)).responseUrl);

    expect(mrkdwnOf(blocksOf(reply))).toContain('already applied');
    expect(h.slackApi.callsTo('chat.update')).toHaveLength(1);
    expect(h.pinbot.writes()).toHaveLength(1);
  });
});
