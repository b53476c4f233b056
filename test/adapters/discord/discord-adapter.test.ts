import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../../src/core/domain/actions.ts';
import { text } from '../../../src/core/domain/ui.ts';
import { openPolicy, type Policy } from '../../../src/core/workflow/policy.ts';
import { DEFAULT_SCOPE_POLICY } from '../../../src/core/workflow/access-policy.ts';
import { scopeResolver } from '../../../src/scopes.ts';
import { ALICE, autocomplete, BOB, buttonClick, customIds, slashCommand, type Member } from '../../helpers/discord-interactions.ts';
import { CHANNEL_ID, GUILD_ID, type PeerMessage } from '../../helpers/discord-peer.ts';
import { manualClock, TOKEN } from '../../helpers/pinbot-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import {
  body, callbackOf, cardMessage, channelPosts, expectCleanTraffic, forToken, useDiscord, waitForRequest, WAIT_MS, type DiscordWorld,
} from './use-discord.ts';

const APPROVER_ROLE = '777777777777777777';

/** Only members holding the approver role may approve: the decision stays in the core's Policy. */
const approverRolePolicy: Policy = {
  ...openPolicy,
  canApprove: (_proposal, who) =>
    who.groups?.includes(APPROVER_ROLE) ? { allowed: true } : { allowed: false, reason: 'Only members with the pin-approvers role may approve changes.' },
};

function tokenOf(payload: Record<string, unknown>): string {
  return String(payload['token']);
}

/** Runs `/pins <sub> …` and waits for its private answer (the edit of the deferred reply). */
async function command(world: DiscordWorld, sub: string, options: Record<string, string> = {}, member: Member = ALICE) {
  const payload = slashCommand(sub, options, member);
  world.peer.dispatch(payload);
  const token = tokenOf(payload);
  const reply = await waitForRequest(world.peer, `the reply to /pins ${sub}`, (r) => r.method === 'PATCH' && r.path.includes(token));
  return { token, reply: String(body(reply)['content'] ?? '') };
}

/** Proposes a change and returns the card message the bot posted in the channel. */
async function propose(world: DiscordWorld, sub: string, options: Record<string, string>): Promise<{ card: PeerMessage; proposalId: string; reply: string }> {
  const { reply } = await command(world, sub, options);
  const card = cardMessage(world.peer);
  const approve = customIds(card).map((id) => decodeAction(id)).find((action) => action?.kind === 'approve');
  if (!approve) throw new Error('the card has no approve button');
  return { card, proposalId: approve.proposalId, reply };
}

/** Clicks a button and waits for the interaction's first answer. */
async function click(world: DiscordWorld, card: PeerMessage, customId: string, member: Member = ALICE) {
  const payload = buttonClick(card, customId, member);
  world.peer.dispatch(payload);
  const token = tokenOf(payload);
  await waitFor(() => callbackOf(world.peer, token) !== undefined, WAIT_MS, `the answer to the click on ${customId}`);
  return { token, callback: body(callbackOf(world.peer, token)) };
}

/** The private "replace the whole list?" step an Approve click brought, as the peer holds it now. */
function confirmationOf(world: DiscordWorld, proposalId: string): PeerMessage {
  const found = [...world.peer.messages.values()].filter((m) => (m.flags & 64) !== 0 && customIds(m).includes(encodeAction('confirm', proposalId)));
  const last = found[found.length - 1];
  if (!last) throw new Error('no confirmation posted');
  return last;
}

/** Approve on the card, then Confirm on the private step it brings; returns the Confirm click's answer. */
async function approveAndConfirm(world: DiscordWorld, card: PeerMessage, proposalId: string, member: Member = ALICE) {
  const asked = await click(world, card, encodeAction('approve', proposalId), member);
  expect(asked.callback['type']).toBe(4);
  return click(world, confirmationOf(world, proposalId), encodeAction('confirm', proposalId), member);
}

/** The card as the peer holds it, once an edit through the channel has removed its buttons. */
async function settledCard(world: DiscordWorld, card: PeerMessage): Promise<PeerMessage> {
  await waitFor(() => world.peer.messages.get(card.id)?.components.length === 0, WAIT_MS, 'the card edited without buttons');
  return world.peer.messages.get(card.id) as PeerMessage;
}

function embedOf(message: Record<string, unknown>): Record<string, unknown> {
  const embeds = message['embeds'] as Record<string, unknown>[];
  return embeds[0] ?? {};
}

function fieldValue(embed: Record<string, unknown>, name: string): string {
  const fields = embed['fields'] as { name: string; value: string }[];
  return fields.find((field) => field.name === name)?.value ?? '';
}

function lastPostContent(world: DiscordWorld): string {
  const posts = channelPosts(world.peer);
  return String(posts[posts.length - 1]?.['content'] ?? '');
}

describe('Discord adapter: /pins on an unmodified discord.js client, a Discord peer and the HF simulator', () => {
  const start = useDiscord();

  it('answers /pins list privately with the live pins', async () => {
    const world = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }] });
    const { token, reply } = await command(world, 'list');

    expect(body(callbackOf(world.peer, token))).toEqual({ type: 5, data: { flags: 64 } });
    expect(reply).toContain('`gpt2`');
    expect(reply).toContain('`bigscience/bloom`');
    expect(reply).toContain('2 of 5 slots used');
    expect(forToken(world.peer, token)).toHaveLength(2);
    expect(channelPosts(world.peer)).toHaveLength(0);
    expect(world.pinbot.writes()).toHaveLength(0);
    expectCleanTraffic(world);
  });

  it('add posts a proposal card; approve writes the full list once, clears the buttons and tells the channel', async () => {
    const world = await start();
    const { card, proposalId, reply } = await propose(world, 'add', { models: 'bigscience/bloom', compute: 'gpu' });

    expect(reply).toContain('Proposal posted for approval');
    expect(customIds(card)).toEqual([encodeAction('approve', proposalId), encodeAction('cancel', proposalId)]);
    const buttons = (card.components[0] as { components: { style: number; label: string }[] }).components;
    expect(buttons.map((b) => [b.label, b.style])).toEqual([['Approve', 3], ['Cancel', 2]]);
    const embed = embedOf(card);
    expect(fieldValue(embed, 'Requested by')).toBe(`<@${ALICE.id}>`);
    expect(fieldValue(embed, 'Slots used')).toBe('1 → 2 of 5');
    expect(fieldValue(embed, 'Expires')).toMatch(/UTC$/);
    expect(fieldValue(embed, 'Changes')).toBe('\\+ `bigscience/bloom (gpu)`');
    expect(String(embed['description'])).toContain('replaces the entire pinned list');
    expect((await world.pinbot.service.getProposal(proposalId)).messageRef).toBe(`${CHANNEL_ID}:${card.id}`);
    expect(world.pinbot.writes()).toHaveLength(0);

    const asked = await click(world, card, encodeAction('approve', proposalId));
    expect(asked.callback['type']).toBe(4);
    const confirmation = confirmationOf(world, proposalId);
    expect(confirmation.flags & 64).toBe(64);
    expect(confirmation.content).toContain('**Replace the whole list?**');
    expect(confirmation.content).toContain('This writes the whole list of 2 models to Hugging Face');
    const confirmButtons = (confirmation.components[0] as { components: { label: string }[] }).components;
    expect(confirmButtons.map((b) => b.label)).toEqual(['Confirm', 'Back']);
    expect(world.pinbot.writes()).toHaveLength(0);

    const { callback } = await click(world, confirmation, encodeAction('confirm', proposalId));
    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');

    expect(callback['type']).toBe(7);
    expect((callback['data'] as Record<string, unknown>)['components']).toEqual([]);
    expect(String((callback['data'] as Record<string, unknown>)['content'])).toContain('Approved');
    const updated = await settledCard(world, card);
    expect(String(embedOf(updated)['title'])).toContain('Applied');
    const writes = world.pinbot.writes();
    expect(writes).toHaveLength(1);
    expect(writes[0]?.body).toEqual({
      pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }],
    });
    expect(lastPostContent(world)).toContain(`approved by <@${ALICE.id}>`);
    expectCleanTraffic(world);
  });

  it('Back on the confirmation writes nothing, removes its buttons and leaves the card open for approval', async () => {
    const world = await start();
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    await click(world, card, encodeAction('approve', proposalId));

    const { callback } = await click(world, confirmationOf(world, proposalId), encodeAction('back', proposalId));

    expect(callback['type']).toBe(7);
    const data = callback['data'] as Record<string, unknown>;
    expect(data['components']).toEqual([]);
    expect(String(data['content'])).toContain('Not approved; nothing was written');
    expect(world.pinbot.writes()).toHaveLength(0);
    expect((await world.pinbot.service.getProposal(proposalId)).state).toBe('pending');
    expect(customIds(world.peer.messages.get(card.id) as PeerMessage)).toEqual([encodeAction('approve', proposalId), encodeAction('cancel', proposalId)]);
    expectCleanTraffic(world);
  });

  it('cancel settles the card and writes nothing', async () => {
    const world = await start();
    const { card, proposalId } = await propose(world, 'remove', { models: 'gpt2' });
    const { callback } = await click(world, card, encodeAction('cancel', proposalId), BOB);
    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');

    expect(callback['type']).toBe(7);
    const updated = callback['data'] as Record<string, unknown>;
    expect(updated['components']).toEqual([]);
    expect(String(embedOf(updated)['title'])).toBe('Cancelled');
    expect(lastPostContent(world)).toContain(`cancelled by <@${BOB.id}>`);
    expect(world.pinbot.writes()).toHaveLength(0);
    expectCleanTraffic(world);
  });

  it('refuses a change over quota privately: no card, no write', async () => {
    const world = await start({ allowed: 1 });
    const { token, reply } = await command(world, 'add', { models: 'bigscience/bloom' });

    expect(body(callbackOf(world.peer, token))).toEqual({ type: 5, data: { flags: 64 } });
    expect(reply).toContain("Can't pin 2 models: your plan allows 1");
    expect(reply).toContain('`gpt2`');
    expect(channelPosts(world.peer)).toHaveLength(0);
    expect(world.pinbot.writes()).toHaveLength(0);
    expectCleanTraffic(world);
  });

  it('refuses a bad model id through the shared grammar, privately', async () => {
    const world = await start();
    const { reply } = await command(world, 'add', { models: 'not a/valid/id' });
    expect(reply).toContain('is not a valid model id');
    expect(channelPosts(world.peer)).toHaveLength(0);
    expect(world.pinbot.writes()).toHaveLength(0);
  });

  it('does not write when the list changed outside pinbot; the card says what changed and offers to propose again', async () => {
    const world = await start();
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    world.pinbot.simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'distilgpt2', compute_type: 'gpu' }]);

    await approveAndConfirm(world, card, proposalId);
    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');
    await waitFor(() => customIds(world.peer.messages.get(card.id) as PeerMessage).includes(encodeAction('repropose', proposalId)), WAIT_MS, 'the stale card');

    expect(world.pinbot.writes()).toHaveLength(0);
    const updated = world.peer.messages.get(card.id) as PeerMessage;
    const embed = embedOf(updated);
    expect(String(embed['title'])).toContain('the pinned list changed');
    expect(String(embed['description'])).toContain('`distilgpt2 (gpu)`');
    expect(customIds(updated as PeerMessage)).toEqual([encodeAction('repropose', proposalId)]);
    expect(lastPostContent(world)).toContain('Nothing was written');

    // One click proposes the same change again on the current list.
    const again = await click(world, world.peer.messages.get(card.id) as PeerMessage, encodeAction('repropose', proposalId));
    expect(again.callback).toEqual({ type: 5, data: { flags: 64 } });
    await waitFor(() => channelPosts(world.peer).length === 3, WAIT_MS, 'the new card');
    const fresh = channelPosts(world.peer)[2] ?? {};
    expect(fieldValue(embedOf(fresh), 'Slots used')).toBe('2 → 3 of 5');
    expect(world.pinbot.writes()).toHaveLength(0);

    // The stale card's button has done its work: it is gone, and a click that still arrives is told why.
    const used = await settledCard(world, card);
    expect(String(embedOf(used)['description'])).toContain('Proposed again by');
    const late = await click(world, card, encodeAction('repropose', proposalId), BOB);
    const told = await waitForRequest(world.peer, 'the answer to the late click', (r) => r.method === 'PATCH' && r.path.includes(late.token));
    expect(String(body(told)['content'])).toContain('This change was already proposed again, as proposal');
    expect(channelPosts(world.peer)).toHaveLength(3);
    expectCleanTraffic(world);
  });

  it('writes once when Approve is clicked twice at the same time', async () => {
    const world = await start();
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    await click(world, card, encodeAction('approve', proposalId), ALICE);
    const aliceConfirmation = confirmationOf(world, proposalId);
    await click(world, card, encodeAction('approve', proposalId), BOB);
    const bobConfirmation = confirmationOf(world, proposalId);
    const first = buttonClick(aliceConfirmation, encodeAction('confirm', proposalId), ALICE);
    const second = buttonClick(bobConfirmation, encodeAction('confirm', proposalId), BOB);
    world.peer.dispatch(first);
    world.peer.dispatch(second);
    await waitFor(() => callbackOf(world.peer, tokenOf(first)) !== undefined && callbackOf(world.peer, tokenOf(second)) !== undefined, WAIT_MS, 'both answers');
    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');

    expect(world.pinbot.writes()).toHaveLength(1);
    const answers = [body(callbackOf(world.peer, tokenOf(first))), body(callbackOf(world.peer, tokenOf(second)))];
    // Each confirmation is private and loses its buttons; one says approved, the other who was first.
    expect(answers.map((a) => a['type'])).toEqual([7, 7]);
    const contents = answers.map((a) => String((a['data'] as Record<string, unknown>)['content'])).sort();
    expect(contents[0]).toContain('Approved');
    expect(contents[1]).toMatch(/This proposal was already (applying|applied)/);
    for (const answer of answers) expect((answer['data'] as Record<string, unknown>)['components']).toEqual([]);
    expectCleanTraffic(world);
  });

  it('refuses, privately, a member without the approver role; a member with it approves', async () => {
    const world = await start({ policy: approverRolePolicy, roles: [{ id: APPROVER_ROLE, name: 'pin-approvers' }] });
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });

    const refused = await click(world, card, encodeAction('approve', proposalId), BOB);
    expect(refused.callback['type']).toBe(4);
    const data = refused.callback['data'] as Record<string, unknown>;
    expect(data['flags']).toBe(64);
    expect(String(data['content'])).toContain('Only members with the pin\\-approvers role may approve');
    expect(world.pinbot.writes()).toHaveLength(0);
    expect(world.peer.messages.get(card.id)?.components).toHaveLength(1);
    expect(channelPosts(world.peer)).toHaveLength(1);

    const approver: Member = { id: '666666666666666666', username: 'carol', roles: [APPROVER_ROLE] };
    const approved = await approveAndConfirm(world, card, proposalId, approver);
    expect(approved.callback['type']).toBe(7);
    expect(world.pinbot.writes()).toHaveLength(1);
    expectCleanTraffic(world);
  });

  it('handles a click on a card posted before the bot restarted', async () => {
    const world = await start();
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    await world.restart();
    expect(world.peer.identifiedSessions()).toBe(1);

    const { callback } = await approveAndConfirm(world, card, proposalId);
    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');
    expect(callback['type']).toBe(7);
    expect((await settledCard(world, card)).components).toEqual([]);
    expect(world.pinbot.writes()).toHaveLength(1);
    expectCleanTraffic(world);
  });

  it('answers an unknown or expired proposal privately and writes nothing', async () => {
    const world = await start();
    const { card } = await propose(world, 'add', { models: 'bigscience/bloom' });
    const unknown = await click(world, card, encodeAction('approve', 'nosuchproposal'));
    expect(unknown.callback['type']).toBe(4);
    expect(String((unknown.callback['data'] as Record<string, unknown>)['content'])).toContain('no longer exists');
    const foreign = await click(world, card, 'someone-elses:button');
    expect(String((foreign.callback['data'] as Record<string, unknown>)['content'])).toContain('not one pinbot understands');
    expect(world.pinbot.writes()).toHaveLength(0);
  });

  it('answers a click on an expired proposal privately, writes nothing and settles the card', async () => {
    const clock = manualClock();
    const world = await start({ clock, proposalTtlMs: 60_000 });
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    clock.advance(61_000);

    const { callback } = await click(world, card, encodeAction('approve', proposalId));
    expect(callback['type']).toBe(4);
    const data = callback['data'] as Record<string, unknown>;
    expect(data['flags']).toBe(64);
    expect(String(data['content'])).toContain('This proposal has expired; nothing was written');
    await waitFor(() => world.peer.messages.get(card.id)?.components.length === 0, WAIT_MS, 'the card settled as expired');
    expect(String(embedOf(world.peer.messages.get(card.id) ?? {})['title'])).toBe('Expired');
    expect(world.pinbot.writes()).toHaveLength(0);
    expectCleanTraffic(world);
  });

  it('redraws a card that expired without a click, through the channel', async () => {
    const clock = manualClock();
    const world = await start({ clock, proposalTtlMs: 60_000 });
    const { card } = await propose(world, 'add', { models: 'bigscience/bloom' });
    clock.advance(61_000);
    const [expired] = await world.pinbot.service.expireDue();
    if (!expired) throw new Error('nothing expired');

    await world.bot.refreshCard(expired);
    const edit = world.peer.requests.find((r) => r.method === 'PATCH' && r.path === `/channels/${CHANNEL_ID}/messages/${card.id}`);
    expect(body(edit)['components']).toEqual([]);
    expect(String(embedOf(body(edit))['title'])).toBe('Expired');
    expect(world.pinbot.writes()).toHaveLength(0);
    expectCleanTraffic(world);
  });

  it('tells the user privately when the channel is bound to no scope', async () => {
    const world = await start({ scopeFor: () => undefined });
    const { reply } = await command(world, 'add', { models: 'bigscience/bloom' });
    expect(reply).toContain('not bound to a pinbot scope');
    expect(channelPosts(world.peer)).toHaveLength(0);
    expect(world.pinbot.clientRequests()).toHaveLength(0);
  });

  it('resolves a scope bound by its guild alone (discord_guilds) for /pins, autocomplete and a click', async () => {
    const scopeFor = scopeResolver([{
      name: 'production', tokenEnv: 'HF_TOKEN', token: TOKEN, slackChannels: [], discordChannels: [], discordGuilds: [GUILD_ID], notify: {}, policy: DEFAULT_SCOPE_POLICY, backend: { kind: 'classic' },
    }]);
    const world = await start({ scopeFor, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });

    const { reply } = await command(world, 'list');
    expect(reply).not.toContain('not bound');
    expect(reply).toContain('`gpt2`');

    const typing = autocomplete('remove', 'models', 'g');
    world.peer.dispatch(typing);
    await waitFor(() => callbackOf(world.peer, tokenOf(typing)) !== undefined, WAIT_MS, 'autocomplete choices');
    expect(body(callbackOf(world.peer, tokenOf(typing)))).toEqual({ type: 8, data: { choices: [{ name: 'gpt2', value: 'gpt2' }] } });

    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    expect((await world.pinbot.service.getProposal(proposalId)).channel).toEqual({ platform: 'discord', channelId: CHANNEL_ID, guildId: GUILD_ID });
    await approveAndConfirm(world, card, proposalId);
    await waitFor(() => world.pinbot.writes().length === 1, WAIT_MS, 'the write');
  });

  it('tells an approver who clicks Approve again, privately, how many approvals are still needed', async () => {
    const world = await start({ policy: { ...openPolicy, approvalsRequired: () => 2 } });
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    await approveAndConfirm(world, card, proposalId);
    await waitFor(async () => (await world.pinbot.service.getProposal(proposalId)).approvals.length === 1, WAIT_MS, 'the first approval');

    const again = await click(world, card, encodeAction('approve', proposalId));

    expect(again.callback['type']).toBe(4);
    const data = again.callback['data'] as Record<string, unknown>;
    expect(Number(data['flags']) & 64).toBe(64);
    expect(String(data['content'])).toContain('You have already approved this change; 1 more approval is needed from another approver.');
    expect(JSON.stringify(data)).not.toContain(encodeAction('confirm', proposalId));
    expect((await world.pinbot.service.getProposal(proposalId)).approvals).toHaveLength(1);
    expect(world.pinbot.writes()).toHaveLength(0);
  });

  it('autocompletes model ids from the live pinned list', async () => {
    const world = await start({
      pins: [
        { model_id: 'gpt2', compute_type: 'cpu' },
        { model_id: 'distilgpt2', compute_type: 'cpu' },
        { model_id: 'google/flan-t5-base', compute_type: 'gpu' },
      ],
    });
    const typing = autocomplete('remove', 'models', 'g');
    world.peer.dispatch(typing);
    await waitFor(() => callbackOf(world.peer, tokenOf(typing)) !== undefined, WAIT_MS, 'autocomplete choices');
    expect(body(callbackOf(world.peer, tokenOf(typing)))).toEqual({
      type: 8,
      data: { choices: [{ name: 'gpt2', value: 'gpt2' }, { name: 'google/flan-t5-base', value: 'google/flan-t5-base' }] },
    });

    const secondWord = autocomplete('compute', 'models', 'gpt2 ');
    world.peer.dispatch(secondWord);
    await waitFor(() => callbackOf(world.peer, tokenOf(secondWord)) !== undefined, WAIT_MS, 'autocomplete of a second model');
    const choices = (body(callbackOf(world.peer, tokenOf(secondWord)))['data'] as { choices: { value: string }[] }).choices;
    expect(choices.map((c) => c.value)).toEqual(['gpt2 distilgpt2', 'gpt2 google/flan-t5-base']);

    // An outside change shows up at once: the list is read live.
    world.pinbot.simulator.setPins(TOKEN, [{ model_id: 'gpt2-large', compute_type: 'gpu' }]);
    const status = autocomplete('status', 'model', 'gpt');
    world.peer.dispatch(status);
    await waitFor(() => callbackOf(world.peer, tokenOf(status)) !== undefined, WAIT_MS, 'autocomplete of status');
    expect(body(callbackOf(world.peer, tokenOf(status)))).toEqual({ type: 8, data: { choices: [{ name: 'gpt2-large', value: 'gpt2-large' }] } });
    expect(world.pinbot.writes()).toHaveLength(0);
  });
});

describe('Discord adapter: Discord faults', () => {
  const start = useDiscord();

  it('edits the card and posts the outcome through the channel when the click token is gone (10062)', async () => {
    const world = await start();
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    await click(world, card, encodeAction('approve', proposalId));
    const clickPayload = buttonClick(confirmationOf(world, proposalId), encodeAction('confirm', proposalId));
    const token = tokenOf(clickPayload);
    world.peer.failNext((r) => r.path.includes(`/${token}/callback`), { status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    world.peer.dispatch(clickPayload);

    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');
    const channelEdit = await waitForRequest(world.peer, 'the card edit through the channel', (r) => r.method === 'PATCH' && r.path === `/channels/${CHANNEL_ID}/messages/${card.id}`);
    expect(channelEdit.authorization).toMatch(/^Bot /);
    expect(body(channelEdit)['components']).toEqual([]);
    expect(world.pinbot.writes()).toHaveLength(1);
    expect(world.pinbot.logLines.some((l) => l.message === 'interaction token no longer valid' && l.fields['discordCode'] === 10062)).toBe(true);
    expectCleanTraffic(world);

    // The client is still serving.
    const { reply } = await command(world, 'list');
    expect(reply).toContain('`bigscience/bloom`');
  });

  it('answers a burst of 60 at once: interaction edits are not held to the global 50 requests per second', async () => {
    const world = await start();
    const payloads = Array.from({ length: 60 }, () => slashCommand('list'));
    for (const payload of payloads) world.peer.dispatch(payload);
    const tokens = new Set(payloads.map(tokenOf));
    const answers = () => world.peer.requests.filter((r) => r.method === 'PATCH' && [...tokens].some((token) => r.path.includes(token)));
    await waitFor(() => answers().length === 60, 2 * WAIT_MS, 'the 60 answers');
    // discord.js queues its client's requests past 50 a second and reports each as rateLimited.
    expect(world.pinbot.logLines.filter((l) => l.message.startsWith('discord rate limit'))).toEqual([]);
    for (const answer of answers()) {
      expect(answer.path).toMatch(/^\/webhooks\/\d+\/[^/]+\/messages\/@original$/);
      expect(answer.authorization).toBeUndefined();
      expect(String(body(answer)['content'])).toContain('`gpt2`');
    }
    expectCleanTraffic(world);
  });

  it('waits out a 429 on an answer edit and edits the answer', async () => {
    const world = await start();
    world.peer.failNext(
      (r) => r.method === 'PATCH' && r.path.endsWith('/messages/@original'),
      { status: 429, body: { message: 'You are being rate limited.', retry_after: 0.05, global: false }, headers: { 'retry-after': '0.05', 'x-ratelimit-scope': 'user' } },
    );
    const { token, reply } = await command(world, 'list');
    expect(reply).toContain('`gpt2`');
    const edits = () => forToken(world.peer, token).filter((r) => r.method === 'PATCH');
    await waitFor(() => edits().length === 2, WAIT_MS, 'the answer edit, retried');
    expect(body(edits()[1])['content']).toBe(reply);
    const retried = world.pinbot.logLines.filter((l) => l.message.startsWith('discord answered 429'));
    expect(retried.map((l) => l.fields['route'])).toEqual(['/webhooks/:id/:token/messages/%40original']);
    expectCleanTraffic(world);
  });

  it('logs one rate-limit line for a burst of channel posts past the global 50 requests per second', async () => {
    const world = await start();
    const notice = (i: number) => ({
      key: `loaded:burst:${i}`, scope: 'default', channel: { platform: 'discord' as const, channelId: CHANNEL_ID },
      message: { visibility: 'channel' as const, lines: [[text(`model ${i} is loaded`)]] },
    });
    await Promise.all(Array.from({ length: 60 }, (_, i) => world.bot.deliver(notice(i))));
    expect(channelPosts(world.peer)).toHaveLength(60);
    const rateLimitLines = world.pinbot.logLines.filter((l) => l.message.startsWith('discord rate limit'));
    expect(rateLimitLines.map((l) => l.message)).toEqual(['discord rate limit: request queued']);
    expect(rateLimitLines[0]?.fields['route']).toBe('/channels/:id/messages');
    expectCleanTraffic(world);
  });

  it('logs an interaction acknowledged elsewhere (40060) and keeps serving', async () => {
    const world = await start();
    const payload = slashCommand('list');
    const token = tokenOf(payload);
    world.peer.failNext((r) => r.path.includes(`/${token}/callback`), { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } });
    world.peer.dispatch(payload);
    await waitFor(
      () => world.pinbot.logLines.some((l) => l.message === 'interaction already acknowledged elsewhere' && l.fields['discordCode'] === 40060),
      WAIT_MS,
      'the 40060 log line',
    );
    expect(forToken(world.peer, token)).toHaveLength(1);
    const { reply } = await command(world, 'list');
    expect(reply).toContain('`gpt2`');
    expectCleanTraffic(world);
  });

  it('waits out a 429 on a channel post and posts the card', async () => {
    const world = await start();
    world.peer.failNext(
      (r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`,
      { status: 429, body: { message: 'You are being rate limited.', retry_after: 0.05, global: false }, headers: { 'retry-after': '0.05', 'x-ratelimit-scope': 'user' } },
    );
    const { card } = await propose(world, 'add', { models: 'bigscience/bloom' });
    expect(channelPosts(world.peer)).toHaveLength(2);
    expect(card.embeds).toHaveLength(1);
    expect(world.pinbot.logLines.some((l) => l.message.startsWith('discord answered 429') && l.fields['route'] === '/channels/:id/messages')).toBe(true);
    expectCleanTraffic(world);
  });

  it('defers a slow approval first, then edits the card through the interaction', async () => {
    const world = await start({ ackDeadlineMs: 30 });
    const { card, proposalId } = await propose(world, 'add', { models: 'bigscience/bloom' });
    world.pinbot.simulator.setLatency(150);
    const { token, callback } = await approveAndConfirm(world, card, proposalId);
    expect(callback).toEqual({ type: 6 });
    const edit = await waitForRequest(world.peer, 'the deferred edit', (r) => r.method === 'PATCH' && r.path.includes(`/${token}/messages/@original`));
    expect(body(edit)['components']).toEqual([]);
    expect((await settledCard(world, card)).components).toEqual([]);
    await waitFor(() => channelPosts(world.peer).length === 2, WAIT_MS, 'the outcome in the channel');
    expect(world.pinbot.writes()).toHaveLength(1);
    expectCleanTraffic(world);
  });
});

describe('Discord: every model a change adds is checked on the Hub before the card', () => {
  const start = useDiscord();
  /** The embed's description as a reader sees it: Markdown escapes removed. */
  const shownDescription = (card: PeerMessage) => String(embedOf(card)['description']).replace(/\\(.)/g, '$1');

  it('answers a typo privately with suggestions and posts no card', async () => {
    const world = await start({ hub: {} });
    const { reply } = await command(world, 'add', { models: 'bigscence/bloom', compute: 'gpu' });

    expect(reply).toContain('`bigscence/bloom` is not on the Hugging Face Hub');
    expect(reply).toContain('Did you mean `bigscience/bloom`');
    expect(reply).toContain('Nothing was proposed.');
    expect(channelPosts(world.peer)).toHaveLength(0);
    expect(await world.pinbot.store.listByState('default', 'pending')).toEqual([]);
    expect(world.pinbot.writes()).toHaveLength(0);
    expectCleanTraffic(world);
  });

  it('tells the asker privately that a gated model is closed to this scope', async () => {
    const world = await start({ hub: {} });
    const { reply } = await command(world, 'add', { models: 'meta-llama/Llama-2-7b-hf' });

    expect(reply).toContain("`meta-llama/Llama-2-7b-hf` is gated on the Hugging Face Hub and this scope's token has not been granted access");
    expect(channelPosts(world.peer)).toHaveLength(0);
    expect(world.pinbot.writes()).toHaveLength(0);
  });

  it("shows the added model's task on the card", async () => {
    const world = await start({ hub: {} });
    const { card } = await propose(world, 'add', { models: 'bigscience/bloom', compute: 'gpu' });

    expect(shownDescription(card)).toContain('Hub: `bigscience/bloom` — text-generation · transformers · not gated · updated 2023-07-28');
    expect(world.pinbot.hubRequests()).toHaveLength(1);
  });

  it('still posts the card when the Hub hangs past the timeout, marking the model not checked', async () => {
    const world = await start({ hub: { timeoutMs: 300 } });
    world.pinbot.simulator.setHubFault('hang');
    const { card } = await propose(world, 'add', { models: 'bigscience/bloom', compute: 'gpu' });

    expect(shownDescription(card)).toContain('Hub: `bigscience/bloom` — not checked on the Hub');
    expect(world.pinbot.writes()).toHaveLength(0);
  });

  it('still posts the card when the Hub answers 500', async () => {
    const world = await start({ hub: {} });
    world.pinbot.simulator.setHubFault({ status: 500 });
    const { card } = await propose(world, 'add', { models: 'bigscience/bloom' });

    expect(shownDescription(card)).toContain('not checked on the Hub');
  });
});
