import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/backends/classic/simulator.ts';
import { startPricedAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { decodeAction, encodeAction } from '../../../src/core/domain/actions.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import { createScheduleSwitcher } from '../../../src/follow-ups.ts';
import { ALICE, buttonClick, customIds } from '../../helpers/discord-interactions.ts';
import { CHANNEL_ID, type PeerMessage } from '../../helpers/discord-peer.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { manualClock } from '../../helpers/pinbot-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { body, isChannelPost, waitForRequest } from './use-discord.ts';
import { embedOf, serveDiscord, text, unescaped, WAIT } from './served-discord.ts';

/** A switch's load follow-up replies to the schedule's card too; these tests count the schedule's own lines. */
const LOAD_FOLLOW_UP = /after the change was applied|pinbot stopped following it|did not load/;

const MINUTE = 60_000;
/** Sunday 6 Dec 2026, 13:00 in Paris (CET, UTC+1): the schedule is proposed and approved then. */
const SUNDAY_1300 = Date.UTC(2026, 11, 6, 12, 0);
/** Monday 7 Dec 2026, 09:00 and 17:00 in Paris. */
const MONDAY_0900 = Date.UTC(2026, 11, 7, 8, 0);
const MONDAY_1700 = Date.UTC(2026, 11, 7, 16, 0);
/** A switch to pinned starts this early while the model has no learned ready time. */
const DEFAULT_LEAD = 10 * MINUTE;
const ALICE_MENTION = `<@${ALICE.id}>`;

const WHEN = 'distilgpt2:gpu pinned mon-fri 09:00-17:00 Europe/Paris';

/** A classic scope: gpt2 pinned on cpu, 5 slots. The clock is the test's; the served switcher looks every 20 ms. */
describe('Discord: a schedule keeps a model pinned in office hours, served in process against the classic simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start() {
    const sim = await startSimulator({ loadDelayMs: 50, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    const clock = manualClock(SUNDAY_1300);
    const world = await serveDiscord({
      configYaml: `scopes:\n  - name: research\n    token_env: HF_TOKEN_RESEARCH\n    discord_channels: ["${CHANNEL_ID}"]\n`,
      env: { HF_TOKEN_RESEARCH: TOKEN, HF_API_URL: sim.url, HF_HUB_URL: 'off' },
      clock,
      scheduleTickMs: 20,
    }, cleanups);
    const other = createScheduleSwitcher(world.pinbot, { notifier: world.server.notifier, clock, logger: silentLogger });
    return { sim, clock, other, ...world };
  }

  const writes = (sim: Simulator) => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'POST').length;
  const pinned = async (sim: Simulator) => {
    const response = await fetch(`${sim.url}/usage/pinned_models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await response.json()) as { pinned_models: { model_id: string; compute_type: string }[] }).pinned_models;
  };

  it('proposes with the windows and next switches, confirms privately, switches once at the window start, meets a person\'s change, resumes and is removed from its notice', async () => {
    const { sim, clock, other, peer, command, cards, proposeCard, approveAndSettle } = await start();
    const replies = (to: PeerMessage) => peer.requests.filter((r) => isChannelPost(r)
      && (body(r)['message_reference'] as { message_id?: string } | undefined)?.message_id === to.id).map((r) => unescaped(String(body(r)['content'] ?? ''))).filter((line) => !LOAD_FOLLOW_UP.test(line));

    const card = await proposeCard('schedule', { schedule: WHEN });
    const id = decodeAction(customIds(card).find((custom) => decodeAction(custom)?.kind === 'approve') ?? '')?.proposalId ?? '';
    const proposed = embedOf(card);
    expect(proposed.title).toBe(`Proposed schedule ${id}`);
    expect(proposed.fields.find((f) => f.name === 'Windows')?.value).toBe('keep `distilgpt2` pinned (gpu) **Mon–Fri 09:00–17:00 Europe/Paris**');
    expect(proposed.fields.find((f) => f.name === 'Next switches')?.value).toBe('pinned Mon 7 Dec 09:00 CET · off Mon 7 Dec 17:00 CET · pinned Tue 8 Dec 09:00 CET');
    // The classic API has no prices: the card speaks of no cost.
    expect(proposed.fields.map((f) => f.name)).not.toContain('Cost');

    // Approve asks privately first, in the schedule's words; Confirm starts it and writes nothing.
    const confirmId = encodeAction('confirm', id);
    const on = await approveAndSettle(card, `Schedule ${id} is on`);
    const steps = peer.requests.filter((r) => r.path.endsWith('/callback') && text(body(r)).includes(confirmId));
    expect(steps).toHaveLength(1);
    expect(body(steps[0])).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(text(body(steps[0]))).toContain('Start this schedule?');
    expect(text(body(steps[0]))).toContain('pinbot will switch distilgpt2 at Mon–Fri 09:00–17:00 Europe/Paris, without asking again.');
    expect(customIds(on)).toEqual([]);
    expect(writes(sim)).toBe(0);
    await waitFor(() => replies(card).some((line) => line.includes('Nothing was written now')), WAIT, 'the schedule told on, under its card');
    const told = replies(card).length;

    clock.advance(MONDAY_0900 - DEFAULT_LEAD - clock.now());
    await waitFor(() => replies(card).length > told, WAIT, 'the switch line under the card');
    expect(writes(sim)).toBe(1);
    expect(await pinned(sim)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'distilgpt2', compute_type: 'gpu' }]);
    expect(replies(card)[told]).toMatch(new RegExp(`^Schedule ${id}, Mon 7 Dec 09:00 CET: \`distilgpt2\` switched pinned, approved by ${ALICE_MENTION}; change \`\\w+\`\\.$`));
    for (let look = 0; look < 20; look += 1) expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(1);
    expect(replies(card)).toHaveLength(told + 1);

    // In the window a person moves it to cpu, through a card of their own.
    clock.advance(2 * 60 * MINUTE);
    await approveAndSettle(await proposeCard('compute', { models: 'distilgpt2', compute: 'cpu' }), 'Applied');
    expect(writes(sim)).toBe(2);

    // At 17:00 the schedule finds it changed since it left it: nothing written, a notice under its card.
    clock.advance(MONDAY_1700 - clock.now());
    const notices = () => [...peer.messages.values()].filter((m) => customIds(m).some((custom) => decodeAction(custom)?.kind === 'resume'));
    await waitFor(() => notices().length > 0, WAIT, 'the override notice');
    const notice = notices()[0] as PeerMessage;
    expect(notice.channel_id).toBe(CHANNEL_ID);
    expect(replies(card).at(-1)).toBe(unescaped(notice.content));
    expect(unescaped(notice.content)).toContain(`\`distilgpt2\` was changed since the schedule last switched it, so pinbot did not switch it off (not pinned); a person's change is never undone.`);
    expect(customIds(notice)).toEqual([encodeAction('resume', id), encodeAction('unschedule', id)]);
    expect(text(notice)).toContain('"label":"Resume schedule"');
    expect(text(notice)).toContain('"label":"Remove schedule"');
    for (let look = 0; look < 5; look += 1) expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(2);
    expect(await pinned(sim)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'distilgpt2', compute_type: 'cpu' }]);

    // Resume: acknowledged privately at once, then the switch to what holds now (off), told to the clicker and under the card.
    const lines = replies(card).length;
    const resume = buttonClick(notice, encodeAction('resume', id));
    peer.dispatch(resume);
    const token = String(resume['token']);
    const deferred = await waitForRequest(peer, 'the deferred answer', (r) => r.path.includes(token) && r.path.endsWith('/callback'));
    expect(body(deferred)).toMatchObject({ type: 5, data: { flags: 64 } });
    const answer = await waitForRequest(peer, 'the private answer to Resume', (r) => r.method === 'PATCH' && r.path.includes(token));
    const said = unescaped(String(body(answer)['content']));
    expect(said).toMatch(new RegExp(`^Schedule ${id}, Mon 7 Dec 17:00 CET: \`distilgpt2\` switched off \\(not pinned\\), approved by ${ALICE_MENTION}; change \`\\w+\`\\.$`));
    expect(writes(sim)).toBe(3);
    expect(await pinned(sim)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }]);
    await waitFor(() => replies(card).length > lines, WAIT, 'the resumed switch under the card');
    expect(replies(card)[lines]).toBe(said);

    const listed = (await command('schedules')).content;
    expect(listed).toContain(`\`${id}\`: keep \`distilgpt2\` pinned (gpu) **Mon–Fri 09:00–17:00 Europe/Paris** — approved by ${ALICE_MENTION}`);
    expect(listed).toContain('next: pinned Tue 8 Dec 09:00 CET · off Tue 8 Dec 17:00 CET · pinned Wed 9 Dec 09:00 CET');

    // Remove schedule, from the same notice: a removal card, approved like any; it removes the schedule and writes nothing.
    const before = cards().length;
    peer.dispatch(buttonClick(notice, encodeAction('unschedule', id)));
    await waitFor(() => cards().length === before + 1, WAIT, 'the removal card');
    const removal = cards()[before] as PeerMessage;
    expect(removal.channel_id).toBe(CHANNEL_ID);
    expect(embedOf(removal).title).toBe(`Proposed removal of schedule ${id}`);
    const removed = await approveAndSettle(removal, `Schedule ${id} removed`);
    expect(embedOf(removed).title).toBe(`✅ Schedule ${id} removed`);
    expect((await command('schedules')).content).toContain('This scope has no schedules.');
    clock.advance(24 * 60 * MINUTE);
    expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(3);
  });

  it('unschedule typed as a command posts a removal card; a refused day gets one private sentence and no card', async () => {
    const { sim, command, cards, proposeCard, approveAndSettle } = await start();
    const card = await proposeCard('schedule', { schedule: WHEN });
    const id = decodeAction(customIds(card).find((custom) => decodeAction(custom)?.kind === 'approve') ?? '')?.proposalId ?? '';
    await approveAndSettle(card, `Schedule ${id} is on`);

    const removal = await proposeCard('unschedule', { id });
    expect(embedOf(removal).title).toBe(`Proposed removal of schedule ${id}`);
    expect(embedOf(removal).fields.find((f) => f.name === 'Windows')?.value).toBe('keep `distilgpt2` pinned (gpu) **Mon–Fri 09:00–17:00 Europe/Paris**');
    await approveAndSettle(removal, `Schedule ${id} removed`);
    expect((await command('schedules')).content).toContain('This scope has no schedules.');

    const before = cards().length;
    const refused = await command('schedule', { schedule: 'x pinned funday 09:00-17:00' });
    expect(refused.content).toMatch(/^`funday` is not a day: use `daily`, `weekdays`, `weekends`, `mon`…`sun`, lists like `sat,sun` or ranges like `mon-fri`\. Did you mean `sun`\?/);
    expect(cards()).toHaveLength(before);
    expect(writes(sim)).toBe(0);
  });

  it('on an Endpoints scope the card gives the monthly cost against always warm, and the window start writes one PUT and one reply to the card', async () => {
    const sim = await startPricedAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const clock = manualClock(SUNDAY_1300);
    const { peer, proposeCard, approveAndSettle } = await serveDiscord({
      configYaml: `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 4\n    discord_channels: ["${CHANNEL_ID}"]\n`,
      env: { HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, HF_HUB_URL: 'off', PINBOT_USAGE_INTERVAL: 'off' },
      clock,
      scheduleTickMs: 20,
    }, cleanups);
    const puts = () => sim.requestLog.filter((r) => r.source === 'client' && (r.method === 'PUT' || r.method === 'POST')).map((r) => r.path);
    const replies = (to: PeerMessage) => peer.requests.filter((r) => isChannelPost(r)
      && (body(r)['message_reference'] as { message_id?: string } | undefined)?.message_id === to.id).map((r) => unescaped(String(body(r)['content'] ?? ''))).filter((line) => !LOAD_FOLLOW_UP.test(line));

    const card = await proposeCard('schedule', { schedule: 'embedder warm mon-fri 09:00-17:00 Europe/Paris' });
    const id = decodeAction(customIds(card).find((custom) => decodeAction(custom)?.kind === 'approve') ?? '')?.proposalId ?? '';
    const fields = embedOf(card).fields;
    expect(fields.find((f) => f.name === 'Windows')?.value).toBe('keep `embedder` warm **Mon–Fri 09:00–17:00 Europe/Paris**');
    expect(fields.find((f) => f.name === 'Next switches')?.value).toBe('warm Mon 7 Dec 09:00 CET · off Mon 7 Dec 17:00 CET · warm Tue 8 Dec 09:00 CET');
    // $0.80 for 40 hours a week, against 720 hours a month.
    expect(fields.find((f) => f.name === 'Cost')?.value).toBe('$137.14 a month, against $576.00 kept ready all the time ($0.80/h while ready)');
    await approveAndSettle(card, `Schedule ${id} is on`);
    await waitFor(() => replies(card).some((line) => line.includes('Nothing was written now')), WAIT, 'the schedule told on, under its card');
    expect(puts()).toEqual([]);

    const told = replies(card).length;
    clock.advance(MONDAY_0900 - DEFAULT_LEAD - clock.now());
    await waitFor(() => replies(card).length > told, WAIT, 'the switch line under the card');
    expect(replies(card)[told]).toMatch(new RegExp(`^Schedule ${id}, Mon 7 Dec 09:00 CET: \`embedder\` switched warm, approved by ${ALICE_MENTION}; change \`\\w+\`\\.$`));
    expect(puts()).toEqual(['/endpoint/acme/embedder']);
    expect(sim.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });
  });
});
