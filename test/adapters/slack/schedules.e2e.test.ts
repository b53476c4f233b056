import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointsSimulator } from '../../../src/backends/endpoints/simulator.ts';
import { wordsOf } from '../../../src/backends/registry.ts';
import { settledNotice } from '../../../src/core/follow-ups/notifications.ts';
import { silentLogger } from '../../../src/core/ports.ts';
import { createScheduleSwitcher } from '../../../src/follow-ups.ts';
import { startPricedAcmeEndpoints } from '../../helpers/acme-endpoints.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { manualClock } from '../../helpers/pinbot-harness.ts';
import type { SlackApiCall } from '../../helpers/slack-api-server.ts';
import { CHANNEL, threadReplies as allThreadReplies } from '../../helpers/slack-process.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { serveSlack, WAIT } from './served-slack.ts';

/** A switch's load follow-up replies under the schedule's card too; these tests count the schedule's own lines. */
const LOAD_FOLLOW_UP = /after the change was applied|pinbot stopped following it|did not load/;
const threadReplies = (...args: Parameters<typeof allThreadReplies>) =>
  allThreadReplies(...args).filter((call) => !LOAD_FOLLOW_UP.test(textOf(call)));

const MINUTE = 60_000;
/** Sunday 6 Dec 2026, 13:00 in Paris (CET, UTC+1): the schedule is proposed and approved then. */
const SUNDAY_1300 = Date.UTC(2026, 11, 6, 12, 0);
/** Monday 7 Dec 2026, 09:00 and 17:00 in Paris. */
const MONDAY_0900 = Date.UTC(2026, 11, 7, 8, 0);
const MONDAY_1700 = Date.UTC(2026, 11, 7, 16, 0);
/** A switch to warm starts this early while the endpoint has no learned ready time. */
const DEFAULT_LEAD = 10 * MINUTE;
const ALICE_MENTION = '<@U0ALICE001>';

const SCHEDULE = 'schedule sentiment warm mon-fri 09:00-17:00 Europe/Paris replicas=2';

interface BlockElement { action_id?: string; value?: string; text?: { text?: string }; confirm?: { title?: { text?: string }; text?: { text?: string } } }
interface Block { text?: { text?: string }; fields?: { text?: string }[]; elements?: BlockElement[] }
const blocksOf = (call: SlackApiCall): Block[] => JSON.parse(call.params['blocks'] ?? '[]') as Block[];
const button = (call: SlackApiCall, actionId: string): BlockElement | undefined =>
  blocksOf(call).flatMap((block) => block.elements ?? []).find((element) => element.action_id === actionId);
/** A card's field, as `*Label*\nvalue`. */
const field = (call: SlackApiCall, label: string): string | undefined =>
  blocksOf(call).flatMap((block) => block.fields ?? []).map((f) => f.text ?? '').find((text) => text.startsWith(`*${label}*\n`))?.slice(label.length + 3);
const textOf = (call: SlackApiCall): string => call.params['text'] ?? '';

/**
 * `acme` on priced hardware: sentiment (cold, max 3) at $0.033 per replica-hour. The clock is the
 * test's; the served switcher looks every 20 ms at whatever time it says.
 */
describe('Slack: a schedule keeps an endpoint warm in office hours, served in process against the Endpoints simulator', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function start(maxWarm = 4) {
    const sim = await startPricedAcmeEndpoints(60);
    cleanups.push(() => sim.close());
    const clock = manualClock(SUNDAY_1300);
    const world = await serveSlack({
      configYaml: `scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: ${maxWarm}\n    slack_channels: [${CHANNEL}]\n`,
      env: { HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, HF_HUB_URL: 'off', PINBOT_USAGE_INTERVAL: 'off' },
      clock,
      scheduleTickMs: 20,
    }, cleanups);
    /** Proposes the schedule, approves it, and waits for the channel to be told it is on, under its card. */
    const approvedSchedule = async () => {
      const card = await world.proposeCard(SCHEDULE);
      const id = button(card, 'pinbot_approve')?.value ?? '';
      const settled = await world.approveAndSettle(card, `Schedule ${id} is on`);
      const ts = String(card.result['ts']);
      await waitFor(() => threadReplies(world.slack, ts).some((call) => textOf(call).includes('Nothing was written now')), WAIT, 'the schedule told on');
      return { card, settled, id, ts };
    };
    return { sim, clock, approvedSchedule, ...world };
  }

  const writes = (sim: EndpointsSimulator) => sim.requestLog.filter((r) => r.source === 'client' && (r.method === 'PUT' || r.method === 'POST')).length;
  const minReplica = (sim: EndpointsSimulator) => (sim.endpoint(TOKEN, 'sentiment') as { compute: { scaling: { minReplica: number } } }).compute.scaling.minReplica;

  it('shows the windows in their zone, the next three switches and the monthly cost against always warm; approving writes nothing', async () => {
    const { sim, proposeCard, approveAndSettle } = await start();

    const card = await proposeCard(SCHEDULE);
    const approve = button(card, 'pinbot_approve');
    const id = approve?.value ?? '';
    expect(blocksOf(card)[0]?.text?.text).toBe(`*Proposed schedule ${id}*`);
    expect(field(card, 'Windows')).toBe('keep `sentiment` warm (2 replicas) *Mon–Fri 09:00–17:00 Europe/Paris*');
    expect(field(card, 'Next switches')).toBe('warm Mon 7 Dec 09:00 CET · off Mon 7 Dec 17:00 CET · warm Tue 8 Dec 09:00 CET');
    // 2 replicas × $0.033 for 40 hours a week, against 720 hours a month.
    expect(field(card, 'Cost')).toBe('$11.31 a month, against $47.52 kept ready all the time ($0.066/h while ready)');
    // Slack asks in a dialog of its own before the click is sent.
    expect(approve?.confirm?.title?.text).toBe('Start this schedule?');
    expect(approve?.confirm?.text?.text).toBe('pinbot will switch sentiment at Mon–Fri 09:00–17:00 Europe/Paris, without asking again.');

    // Amounts read as on every other card: thousands separated, whole cents for a round rate.
    const llama = await proposeCard('schedule llama-chat warm daily 08:00-20:00 Europe/Paris replicas=2');
    expect(field(llama, 'Cost')).toBe('$720.00 a month, against $1,440.00 kept ready all the time ($2.00/h while ready)');

    const on = await approveAndSettle(card, `Schedule ${id} is on`);
    expect(blocksOf(on)[0]?.text?.text).toBe(`*✅ Schedule ${id} is on*`);
    expect(button(on, 'pinbot_approve')).toBeUndefined();
    expect(writes(sim)).toBe(0);
    expect(minReplica(sim)).toBe(0);
  });

  it('switches once at the window start less the lead time, says so once under the card, meets a person\'s change with a notice; Resume switches off at once, Remove schedule posts a removal card', async () => {
    const { sim, clock, slack, pinbot, server, cards, proposeCard, approveAndSettle, click, command, answer, approvedSchedule } = await start();
    const { id, ts } = await approvedSchedule();
    const told = threadReplies(slack, ts).length;

    clock.advance(MONDAY_0900 - DEFAULT_LEAD - clock.now());
    await waitFor(() => threadReplies(slack, ts).length > told, WAIT, 'the switch line under the card');
    expect(writes(sim)).toBe(1);
    expect(minReplica(sim)).toBe(2);
    const line = threadReplies(slack, ts)[told] as SlackApiCall;
    expect(line.params['channel']).toBe(CHANNEL);
    expect(textOf(line)).toMatch(new RegExp(`^Schedule ${id}, Mon 7 Dec 09:00 CET: \`sentiment\` switched warm, approved by ${ALICE_MENTION}; change \`\\w+\`\\.$`));

    // The served switcher keeps looking every 20 ms, and another process looks as often as it likes: the switch was claimed once.
    // The endpoint's load follow-up replies under the schedule's card as well, as it would under a card of its own.
    await waitFor(() => allThreadReplies(slack, ts).some((call) => /`sentiment` is loaded.* after the change was applied/.test(textOf(call))), WAIT, 'the load follow-up under the card');

    const other = createScheduleSwitcher(pinbot, { notifier: server.notifier, clock, logger: silentLogger });
    for (let look = 0; look < 20; look += 1) expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(1);
    expect(threadReplies(slack, ts)).toHaveLength(told + 1);

    // In the window a person asks for three replicas, through a card of their own.
    clock.advance(2 * 60 * MINUTE);
    await approveAndSettle(await proposeCard('add sentiment replicas=3'), 'Applied');
    expect(writes(sim)).toBe(2);
    expect(minReplica(sim)).toBe(3);

    // At 17:00 the schedule finds the endpoint changed since it left it: nothing written, a notice under its card.
    clock.advance(MONDAY_1700 - clock.now());
    const notices = () => slack.callsTo('chat.postMessage').filter((call) => button(call, 'pinbot_resume') !== undefined);
    await waitFor(() => notices().length > 0, WAIT, 'the override notice');
    const notice = notices()[0] as SlackApiCall;
    expect(notice.params['channel']).toBe(CHANNEL);
    expect(notice.params['thread_ts']).toBe(ts);
    expect(textOf(notice)).toContain(`*Schedule ${id}*: \`sentiment\` was changed since the schedule last switched it, so pinbot did not switch it off (not warm); a person's change is never undone.`);
    expect(textOf(notice)).toContain('The schedule resumes by itself at its next window, Tue 8 Dec 09:00 CET. Resume now, or remove the schedule.');
    expect(button(notice, 'pinbot_resume')).toMatchObject({ value: id, text: { text: 'Resume schedule' } });
    expect(button(notice, 'pinbot_unschedule')).toMatchObject({ value: id, text: { text: 'Remove schedule' } });
    for (let look = 0; look < 5; look += 1) expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(2);
    expect(minReplica(sim)).toBe(3);
    expect(notices()).toHaveLength(1);
    const held = await answer(await command('schedules'));
    expect(held).toContain("held by a person's change until Tue 8 Dec 09:00 CET");

    // Resume: the schedule takes the endpoint as it is and switches to what holds now (off), at once.
    const answered = slack.responses.length;
    const lines = threadReplies(slack, ts).length;
    await click(notice, 'pinbot_resume', id);
    await waitFor(() => slack.responses.length > answered, WAIT, 'the private answer to Resume');
    const resumed = slack.responses[answered]?.body ?? {};
    expect(resumed['response_type']).toBe('ephemeral');
    expect(String(resumed['text'])).toMatch(new RegExp(`^Schedule ${id}, Mon 7 Dec 17:00 CET: \`sentiment\` switched off \\(not warm\\), approved by ${ALICE_MENTION}; change \`\\w+\`\\.$`));
    expect(writes(sim)).toBe(3);
    expect(minReplica(sim)).toBe(0);
    // The channel reads it under the card, like a switch on time...
    await waitFor(() => threadReplies(slack, ts).length > lines, WAIT, 'the resumed switch under the card');
    expect(textOf(threadReplies(slack, ts)[lines] as SlackApiCall)).toBe(String(resumed['text']));
    // ...and every settled proposal has been told once: the sweep that tells untold ones has nothing left to say.
    for (const proposal of await pinbot.service.recentlySettled(24 * 60 * MINUTE)) {
      expect(await server.notifier.send(settledNotice(proposal, { wordsOf }))).toBe(false);
    }

    // A second click finds nothing to write: said to the clicker alone.
    const again = slack.responses.length;
    await click(notice, 'pinbot_resume', id);
    await waitFor(() => slack.responses.length > again, WAIT, 'the answer to a second Resume');
    expect(slack.responses[again]?.body['text']).toBe(`Schedule ${id}, Mon 7 Dec 17:00 CET: \`sentiment\` is already off (not warm); nothing written.`);
    expect(writes(sim)).toBe(3);
    expect(threadReplies(slack, ts)).toHaveLength(lines + 1);
    // History names the schedule as what switched, and the person who approved it.
    const history = await answer(await command('history'));
    expect(history).toContain(`approved by ${ALICE_MENTION}: \`sentiment\` warm (3 replicas) → cold — switched by schedule ${id}`);
    expect(history).toContain(`approved by ${ALICE_MENTION}: \`sentiment\` cold → warm (2 replicas) — switched by schedule ${id}`);
    expect(history).toContain(`approved by ${ALICE_MENTION}: schedule ${id} started — sentiment Mon–Fri 09:00–17:00 Europe/Paris`);

    const list = await answer(await command('schedules'));
    expect(list).toContain(`• \`${id}\`: keep \`sentiment\` warm (2 replicas) *Mon–Fri 09:00–17:00 Europe/Paris* — approved by ${ALICE_MENTION}`);
    expect(list).toContain('next: warm Tue 8 Dec 09:00 CET · off Tue 8 Dec 17:00 CET · warm Wed 9 Dec 09:00 CET');
    expect(list).not.toContain('held by');
    expect(threadReplies(slack, ts)).toHaveLength(lines + 1);

    // Remove schedule, from the same notice: a removal card in the channel, approved like any; it writes nothing.
    const before = cards().length;
    await click(notice, 'pinbot_unschedule', id);
    await waitFor(() => cards().length === before + 1, WAIT, 'the removal card');
    const removal = cards()[before] as SlackApiCall;
    expect(removal.params['channel']).toBe(CHANNEL);
    expect(blocksOf(removal)[0]?.text?.text).toBe(`*Proposed removal of schedule ${id}*`);
    await approveAndSettle(removal, `Schedule ${id} removed`);
    expect(await answer(await command('schedules'))).toContain('This scope has no schedules.');
    clock.advance(24 * 60 * MINUTE);
    expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(3);
  });

  it('left alone, a person\'s change holds the schedule until its next window, which takes the endpoint as it finds it and switches it off that evening', async () => {
    const { sim, clock, slack, proposeCard, approveAndSettle, approvedSchedule } = await start();
    const { id, ts } = await approvedSchedule();
    const linesAfter = async (count: number, what: string) => {
      await waitFor(() => threadReplies(slack, ts).length > count, WAIT, what);
      return textOf(threadReplies(slack, ts)[count] as SlackApiCall);
    };

    let told = threadReplies(slack, ts).length;
    clock.advance(MONDAY_0900 - clock.now());
    expect(await linesAfter(told, 'the morning switch')).toContain('switched warm');
    clock.advance(2 * 60 * MINUTE);
    await approveAndSettle(await proposeCard('add sentiment replicas=3'), 'Applied');
    told = threadReplies(slack, ts).length;
    clock.advance(MONDAY_1700 - clock.now());
    expect(await linesAfter(told, 'the override notice')).toContain('was changed since the schedule last switched it');
    expect(writes(sim)).toBe(2);

    // Tuesday 09:00: the endpoint, warm at 3 replicas, is the schedule's own again; warm already, nothing is written.
    told = threadReplies(slack, ts).length;
    clock.advance(MONDAY_0900 + 24 * 60 * MINUTE - clock.now());
    expect(await linesAfter(told, 'the next morning\'s line')).toBe(`Schedule ${id}, Tue 8 Dec 09:00 CET: \`sentiment\` is already warm; nothing written.`);
    expect(writes(sim)).toBe(2);
    expect(minReplica(sim)).toBe(3);

    // Tuesday 17:00: as the schedule left it, so it is switched off.
    told = threadReplies(slack, ts).length;
    clock.advance(MONDAY_1700 + 24 * 60 * MINUTE - clock.now());
    expect(await linesAfter(told, 'the evening switch')).toMatch(new RegExp(`^Schedule ${id}, Tue 8 Dec 17:00 CET: \`sentiment\` switched off \\(not warm\\), approved by ${ALICE_MENTION}; change \`\\w+\`\\.$`));
    expect(writes(sim)).toBe(3);
    expect(minReplica(sim)).toBe(0);
  });

  it('a switch the cap refuses writes nothing and says why under the card', async () => {
    const { sim, clock, slack, proposeCard, approveAndSettle, approvedSchedule } = await start(2);
    const { id, ts } = await approvedSchedule();
    // Before the window a person makes embedder warm: with llama-chat, max_warm is reached.
    await approveAndSettle(await proposeCard('add embedder'), 'Applied');
    expect(writes(sim)).toBe(1);

    const told = threadReplies(slack, ts).length;
    clock.advance(MONDAY_0900 - DEFAULT_LEAD - clock.now());
    await waitFor(() => threadReplies(slack, ts).length > told, WAIT, 'the refused switch under the card');
    expect(textOf(threadReplies(slack, ts)[told] as SlackApiCall))
      .toContain(`Schedule ${id}, Mon 7 Dec 09:00 CET: \`sentiment\` was not switched warm: Can't keep 3 endpoints warm: this scope's max_warm is 2.`);
    expect(writes(sim)).toBe(1);
    expect(minReplica(sim)).toBe(0);
  });

  it('unschedule typed as a command posts a removal card; approving it removes the schedule and writes nothing', async () => {
    const { sim, clock, pinbot, server, command, answer, proposeCard, approveAndSettle, approvedSchedule } = await start();
    const { id } = await approvedSchedule();

    const removal = await proposeCard(`unschedule ${id}`);
    const approve = button(removal, 'pinbot_approve');
    expect(blocksOf(removal)[0]?.text?.text).toBe(`*Proposed removal of schedule ${id}*`);
    expect(field(removal, 'Windows')).toBe('keep `sentiment` warm (2 replicas) *Mon–Fri 09:00–17:00 Europe/Paris*');
    expect(approve?.confirm?.title?.text).toBe('Remove this schedule?');
    const removed = await approveAndSettle(removal, `Schedule ${id} removed`);
    expect(blocksOf(removed)[0]?.text?.text).toBe(`*✅ Schedule ${id} removed*`);
    expect(await answer(await command('schedules'))).toContain('This scope has no schedules.');

    // Its window comes: nothing is switched, by the served switcher or by another process looking.
    clock.advance(MONDAY_0900 - clock.now());
    const other = createScheduleSwitcher(pinbot, { notifier: server.notifier, clock, logger: silentLogger });
    expect(await other.tick()).toEqual([]);
    expect(writes(sim)).toBe(0);
  });

  it('refuses a day it does not know with one sentence, privately, and proposes nothing', async () => {
    const { sim, command, answer, cards } = await start();

    const refused = JSON.parse(await answer(await command('schedule x warm funday 09:00-17:00'))) as Record<string, unknown>;
    expect(refused['response_type']).toBe('ephemeral');
    expect(String(refused['text'])).toMatch(/^`funday` is not a day: use `daily`, `weekdays`, `weekends`, `mon`…`sun`, lists like `sat,sun` or ranges like `mon-fri`\. Did you mean `sun`\?/);
    expect(String(refused['text'])).not.toMatch(/Error|at .*\.ts/);
    expect(cards()).toEqual([]);
    expect(await answer(await command('schedules'))).toContain('This scope has no schedules.');
    expect(writes(sim)).toBe(0);
  });
});
