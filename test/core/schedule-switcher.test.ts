import { describe, expect, it } from 'vitest';
import { wordsOf } from '../../src/backends/registry.ts';
import type { Pin } from '../../src/core/domain/pin.ts';
import type { Principal } from '../../src/core/domain/principal.ts';
import type { Schedule, ScheduleSpec } from '../../src/core/domain/schedule.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { Notifier, type Notification } from '../../src/core/follow-ups/notifications.ts';
import { DEFAULT_CLAIM_LEASE_MS, DEFAULT_LEAD_MS, dueSwitch, leadFrom, ScheduleSwitcher } from '../../src/core/follow-ups/schedule-switcher.ts';
import type { ChannelRef } from '../../src/core/ports.ts';
import { judgeSwitch } from '../../src/core/workflow/schedule-workflow.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { MemoryReadyTimeStore } from '../../src/store/memory-ready-time-store.ts';
import { MemoryScheduleStore } from '../../src/store/memory-schedule-store.ts';
import type { WireEntry } from '../../src/backends/classic/simulator.ts';
import { manualClock, TOKEN, usePinbotHarness, type PinbotHarness } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SCOPE = 'research';
const CHANNEL: ChannelRef = { platform: 'slack', channelId: 'C0PINS' };
const alice: Principal = { platform: 'slack', userId: 'UALICE', displayName: 'alice' };
const ALICE: RequestContext = { scope: SCOPE, principal: alice, channel: CHANNEL };
/** Monday 2 March 2026, 06:00 UTC: before the day's windows. */
const MONDAY = Date.UTC(2026, 2, 2, 6, 0);

const gpt2: WireEntry = { model_id: 'gpt2', compute_type: 'cpu' };

/** A real service on the classic simulator with a memory schedule store, a switcher on a clock moved by hand. */
async function switching(start: ReturnType<typeof usePinbotHarness>, options: { at?: number; allowed?: number; pins?: WireEntry[]; defaultLeadMs?: number } = {}) {
  const clock = manualClock(options.at ?? MONDAY);
  const schedules = new MemoryScheduleStore();
  const h = await start({ clock, schedules, allowed: options.allowed ?? 5, pins: options.pins ?? [gpt2] });
  const readyTimes = new MemoryReadyTimeStore();
  const channel = recordingChannel('slack');
  const notifier = new Notifier(new MemoryOnceLedger(), h.logger);
  notifier.addChannel(channel);
  const switcher = new ScheduleSwitcher({
    service: h.service, schedules, readyTimes, notifier, clock, logger: h.logger, wordsOf,
    ...(options.defaultLeadMs !== undefined ? { defaultLeadMs: options.defaultLeadMs } : {}),
  });
  const setClock = (at: number): void => clock.advance(at - clock.now());
  /** Proposes `schedule …` as typed in the scope and approves it; returns the schedule. */
  const approve = async (text: string): Promise<Schedule> => {
    const result = await h.service.execute(h.service.parse(text, SCOPE), ALICE);
    if (result.kind !== 'proposal') throw new Error(`${text} proposed nothing`);
    const approved = await h.service.approve(result.proposal.id, alice);
    expect(approved.proposal.state).toBe('applied');
    return await h.service.scheduleOf(result.proposal.id);
  };
  /** A person's change, proposed and approved like any. */
  const change = async (text: string): Promise<void> => {
    const result = await h.service.execute(h.service.parse(text, SCOPE), ALICE);
    if (result.kind !== 'proposal') throw new Error(`${text} proposed nothing`);
    expect((await h.service.approve(result.proposal.id, alice)).proposal.state).toBe('applied');
  };
  const pinned = (): WireEntry[] => h.simulator.pins(TOKEN);
  const told = (): string[] => channel.delivered.map((notification: Notification) => notification.message.lines.map(plainText).join('\n'));
  return { h, clock, schedules, readyTimes, switcher, channel, setClock, approve, change, pinned, told };
}

const has = (pins: readonly WireEntry[], id: string): boolean => pins.some((pin) => pin.model_id === id);

describe('the lead time a switch to ready starts by', () => {
  it('is learned from the slowest recent ready time with a fifth to spare, rounded up to a minute, within 1 min to 2 h', () => {
    expect(leadFrom([])).toBe(DEFAULT_LEAD_MS);
    expect(DEFAULT_LEAD_MS).toBe(10 * MINUTE);
    expect(leadFrom([], 3 * MINUTE)).toBe(3 * MINUTE);
    // 90 s × 1.2 = 108 s → 2 min.
    expect(leadFrom([90_000])).toBe(2 * MINUTE);
    // The slowest counts: 300 s × 1.2 = 6 min exactly.
    expect(leadFrom([60_000, 300_000, 120_000])).toBe(6 * MINUTE);
    expect(leadFrom([5_000])).toBe(MINUTE);
    expect(leadFrom([3 * HOUR])).toBe(2 * HOUR);
  });

  it('starts a ready switch that much before the window when the entry has recorded ready times, and the default before when it has none', async () => {
    const start = usePinbotHarness();
    const s = await switching(start);
    const learned = await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');
    const unknown = await s.approve('schedule bert-base-uncased pinned daily 09:00-17:00 UTC');
    for (const took of [240_000, 300_000, 180_000]) await s.readyTimes.record(SCOPE, 't5-small', took, MONDAY - DAY);
    const nine = Date.UTC(2026, 2, 2, 9, 0);

    // The entry never seen ready starts the default ten minutes early; the one seen ready in 3–5 min, six.
    s.setClock(nine - DEFAULT_LEAD_MS - 1);
    expect(await s.switcher.tick()).toEqual([]);
    s.setClock(nine - DEFAULT_LEAD_MS);
    expect((await s.switcher.tick()).map((done) => [done.scheduleId, done.boundary, done.result.kind])).toEqual([[unknown.id, { at: nine, to: 'ready' }, 'written']]);
    expect(has(s.pinned(), 'bert-base-uncased')).toBe(true);
    expect(has(s.pinned(), 't5-small')).toBe(false);

    s.setClock(nine - 6 * MINUTE - 1);
    expect(await s.switcher.tick()).toEqual([]);
    s.setClock(nine - 6 * MINUTE);
    expect((await s.switcher.tick()).map((done) => [done.scheduleId, done.boundary, done.result.kind])).toEqual([[learned.id, { at: nine, to: 'ready' }, 'written']]);
    expect(has(s.pinned(), 't5-small')).toBe(true);
    // Each switch once: two writes in all, however often it looks.
    s.setClock(nine);
    expect(await s.switcher.tick()).toEqual([]);
    expect(s.h.writes()).toHaveLength(2);
  });
});

describe('how a switch meets the entry (judgeSwitch)', () => {
  const spec: ScheduleSpec = { entry: 't5-small', days: [1, 2, 3, 4, 5, 6, 7], start: { hour: 9, minute: 0 }, end: { hour: 17, minute: 0 }, zone: 'UTC' };
  const cpu: Pin = { modelId: 't5-small', computeType: 'cpu' };
  const gpu: Pin = { modelId: 't5-small', computeType: 'gpu' };
  const other: Pin = { modelId: 'gpt2', computeType: 'cpu' };
  const schedule = (left: Pin | undefined): Schedule => ({
    id: 's1', scope: SCOPE, backend: 'classic', spec, proposalId: 's1', requester: alice, approver: alice, channel: CHANNEL,
    createdAt: MONDAY, handledBoundary: 0, doneBoundary: 0, left: { ...(left ? { pin: left } : {}), at: MONDAY },
  });
  const live = (...pins: Pin[]) => ({ pins: [other, ...pins], allowed: 5 });

  it.each([
    ['ready, the entry already ready: already', undefined, 'ready', [cpu], 'already'],
    ['let go, the entry already not ready: already', cpu, 'let-go', [], 'already'],
    ['ready, the entry as the schedule left it (not ready): write', undefined, 'ready', [], 'write'],
    ['let go, the entry as the schedule left it (ready): write', cpu, 'let-go', [cpu], 'write'],
    ['let go, a person moved it to another compute type: overridden', cpu, 'let-go', [gpu], 'overridden'],
    ['let go, a person made it ready after the schedule left it not ready: overridden', undefined, 'let-go', [cpu], 'overridden'],
    ['ready, a person let go of what the schedule left ready: overridden', cpu, 'ready', [], 'overridden'],
  ] as const)('%s', async (_case, left, to, pins, expected) => {
    const start = usePinbotHarness();
    const h: PinbotHarness = await start({});
    expect(judgeSwitch(schedule(left), to, live(...pins), (entries) => h.backend.version(entries))).toBe(expected);
  });
});

describe('the switcher on a clock', () => {
  it('after several days down, handles only the latest boundary: one write, one line, nothing replayed', async () => {
    const start = usePinbotHarness();
    const s = await switching(start);
    const schedule = await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');

    // Down from Monday morning until Thursday 10:00: seven boundaries passed, the latest a window's start.
    s.setClock(Date.UTC(2026, 2, 5, 10, 0));
    const done = await s.switcher.tick();
    expect(done.map((fired) => [fired.boundary, fired.result.kind])).toEqual([[{ at: Date.UTC(2026, 2, 5, 9, 0), to: 'ready' }, 'written']]);
    expect(s.h.writes()).toHaveLength(1);
    expect(has(s.pinned(), 't5-small')).toBe(true);
    expect(s.told()).toEqual([expect.stringMatching(new RegExp(`^Schedule ${schedule.id}, Thu 5 Mar 09:00 UTC: t5-small switched pinned, approved by alice; change \\w+\\.$`))]);
    expect(await s.switcher.tick()).toEqual([]);
    expect((await s.schedules.get(schedule.id))?.handledBoundary).toBe(Date.UTC(2026, 2, 5, 9, 0));

    // Down again until Saturday night: the latest boundary lets go; one write again.
    s.setClock(Date.UTC(2026, 2, 7, 23, 0));
    expect((await s.switcher.tick()).map((fired) => fired.boundary)).toEqual([{ at: Date.UTC(2026, 2, 7, 17, 0), to: 'let-go' }]);
    expect(s.h.writes()).toHaveLength(2);
    expect(has(s.pinned(), 't5-small')).toBe(false);
    expect(s.told()).toHaveLength(2);
  });

  it("a person's change since the last switch gets the override notice instead of being undone, and the schedule takes the entry as it finds it at its next window", async () => {
    const start = usePinbotHarness();
    const s = await switching(start);
    const schedule = await s.approve('schedule t5-small pinned weekdays 09:00-17:00 UTC');
    s.setClock(Date.UTC(2026, 2, 2, 9, 0));
    await s.switcher.tick();
    await s.change('compute t5-small gpu');
    const writes = s.h.writes().length;

    s.setClock(Date.UTC(2026, 2, 2, 17, 0));
    expect((await s.switcher.tick()).map((fired) => fired.result.kind)).toEqual(['overridden']);
    expect(s.h.writes()).toHaveLength(writes);
    expect(s.pinned()).toContainEqual({ model_id: 't5-small', compute_type: 'gpu' });
    const notice = s.channel.delivered.at(-1);
    expect(notice?.key).toBe(`schedule-override:${schedule.id}:${Date.UTC(2026, 2, 2, 17, 0)}`);
    expect(notice?.actions?.map((action) => [action.kind, action.label, action.typed])).toEqual([
      ['resume', 'Resume schedule', `resume ${schedule.id}`],
      ['unschedule', 'Remove schedule', `unschedule ${schedule.id}`],
    ]);
    expect(s.told().at(-1)).toContain('The schedule resumes by itself at its next window, Tue 3 Mar 09:00 UTC.');
    expect((await s.schedules.get(schedule.id))?.overriddenUntil).toBe(Date.UTC(2026, 2, 3, 9, 0));

    // Held until the next window: then the entry as it is (ready, gpu) is the schedule's, so nothing is written…
    s.setClock(Date.UTC(2026, 2, 3, 9, 0));
    expect((await s.switcher.tick()).map((fired) => fired.result.kind)).toEqual(['already']);
    expect((await s.schedules.get(schedule.id))?.overriddenUntil).toBeUndefined();
    // …and at that window's end it lets go as usual.
    s.setClock(Date.UTC(2026, 2, 3, 17, 0));
    expect((await s.switcher.tick()).map((fired) => fired.result.kind)).toEqual(['written']);
    expect(has(s.pinned(), 't5-small')).toBe(false);
    expect(s.h.writes()).toHaveLength(writes + 1);
  });

  it('fires a switch once when two processes look at the same moment: one claims it, one write, one line', async () => {
    const start = usePinbotHarness();
    const s = await switching(start);
    await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');
    const other = new ScheduleSwitcher({ service: s.h.service, schedules: s.schedules, readyTimes: s.readyTimes, notifier: new Notifier(new MemoryOnceLedger(), s.h.logger), clock: s.clock, logger: s.h.logger, wordsOf });

    s.setClock(Date.UTC(2026, 2, 2, 9, 0));
    const [mine, theirs] = await Promise.all([s.switcher.tick(), other.tick()]);
    expect([...mine, ...theirs].map((fired) => fired.result.kind)).toEqual(['written']);
    expect(s.h.writes()).toHaveLength(1);
    expect(s.told()).toHaveLength(mine.length);
  });

  it("hands over between two schedules of one entry whose windows touch: the first's end does not let go of what the second keeps ready", async () => {
    const start = usePinbotHarness();
    const s = await switching(start);
    const morning = await s.approve('schedule t5-small pinned mon 09:00-12:00 UTC');
    const afternoon = await s.approve('schedule t5-small pinned mon 12:00-17:00 UTC');

    for (const [at, ready] of [
      [Date.UTC(2026, 2, 2, 9, 0), true], [Date.UTC(2026, 2, 2, 11, 55), true], [Date.UTC(2026, 2, 2, 12, 0), true],
      [Date.UTC(2026, 2, 2, 14, 0), true], [Date.UTC(2026, 2, 2, 17, 0), false],
    ] as const) {
      s.setClock(at);
      await s.switcher.tick();
      expect(has(s.pinned(), 't5-small'), new Date(at).toISOString()).toBe(ready);
    }
    expect(s.h.writes()).toHaveLength(2);
    expect(s.told()).toContainEqual(`Schedule ${morning.id}, Mon 2 Mar 12:00 UTC: t5-small stays pinned: schedule ${afternoon.id} keeps it pinned from here; nothing written.`);

    // A week later, first looked at just after noon: both switches are due at once, and the entry is written once, not let go and brought back.
    s.setClock(Date.UTC(2026, 2, 9, 12, 0, 30));
    const both = await s.switcher.tick();
    expect(both.map((fired) => [fired.scheduleId, fired.result.kind]).sort()).toEqual([[morning.id, 'handed-over'], [afternoon.id, 'written']].sort());
    expect(has(s.pinned(), 't5-small')).toBe(true);
    expect(s.h.writes()).toHaveLength(3);
    // The morning window after that finds the entry as the afternoon left it (let go), not as a person's change.
    s.setClock(Date.UTC(2026, 2, 9, 17, 0));
    await s.switcher.tick();
    s.setClock(Date.UTC(2026, 2, 16, 9, 0));
    expect((await s.switcher.tick()).map((fired) => [fired.scheduleId, fired.result.kind])).toEqual([[morning.id, 'written']]);
    expect(s.h.writes()).toHaveLength(5);
  });

  it('says once, with why, that a cap refused a switch, and not again on later ticks', async () => {
    const start = usePinbotHarness();
    const s = await switching(start, { allowed: 2 });
    const schedule = await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');
    // The last slot is taken after the schedule was approved.
    await s.change('add bert-base-uncased');
    const writes = s.h.writes().length;

    s.setClock(Date.UTC(2026, 2, 2, 8, 55));
    const refused = await s.switcher.tick();
    expect(refused.map((fired) => fired.result.kind)).toEqual(['refused']);
    const result = refused[0]?.result;
    expect(result?.kind === 'refused' ? result.error.code : undefined).toBe('QUOTA_EXCEEDED');
    expect(s.told()).toEqual([expect.stringContaining(`Schedule ${schedule.id}, Mon 2 Mar 09:00 UTC: t5-small was not switched pinned: Can't pin 3 models: the plan allows 2.`)]);
    expect(s.channel.delivered[0]?.message.isError).toBe(true);

    for (const at of [Date.UTC(2026, 2, 2, 9, 0), Date.UTC(2026, 2, 2, 9, 1), Date.UTC(2026, 2, 2, 12, 0)]) {
      s.setClock(at);
      expect(await s.switcher.tick()).toEqual([]);
    }
    expect(s.told()).toHaveLength(1);
    expect(s.h.writes()).toHaveLength(writes);
    expect(has(s.pinned(), 't5-small')).toBe(false);
  });

  it('switches an overnight window on at its start and off the next morning', async () => {
    const start = usePinbotHarness();
    const s = await switching(start, { defaultLeadMs: 0 });
    await s.approve('schedule t5-small pinned mon 22:00-06:00 UTC');
    const on = Date.UTC(2026, 2, 2, 22, 0);
    const off = Date.UTC(2026, 2, 3, 6, 0);

    for (const [at, kinds, ready] of [
      [on - 1, [], false], [on, ['written'], true], [Date.UTC(2026, 2, 3, 0, 30), [], true], [off - 1, [], true], [off, ['written'], false],
    ] as const) {
      s.setClock(at);
      expect((await s.switcher.tick()).map((fired) => fired.result.kind)).toEqual(kinds);
      expect(has(s.pinned(), 't5-small')).toBe(ready);
    }
    expect(s.told()).toEqual([
      expect.stringContaining('Mon 2 Mar 22:00 UTC: t5-small switched pinned'),
      expect.stringContaining('Tue 3 Mar 06:00 UTC: t5-small switched off (not pinned)'),
    ]);
    // The next Monday's window is the next one: nothing on Tuesday night.
    s.setClock(Date.UTC(2026, 2, 3, 22, 30));
    expect(await s.switcher.tick()).toEqual([]);
    expect(s.h.writes()).toHaveLength(2);
  });
});

describe('a switch whose process died between its claim and its end', () => {
  const NINE = Date.UTC(2026, 2, 2, 9, 0);

  /** Another process on the same store and channel, with a ledger of its own (a second line would show). */
  function anotherProcess(s: Awaited<ReturnType<typeof switching>>): ScheduleSwitcher {
    const notifier = new Notifier(new MemoryOnceLedger(), s.h.logger);
    notifier.addChannel(s.channel);
    return new ScheduleSwitcher({ service: s.h.service, schedules: s.schedules, readyTimes: s.readyTimes, notifier, clock: s.clock, logger: s.h.logger, wordsOf, defaultLeadMs: 0 });
  }

  it('waits out the lease, then is done by exactly one other pass: one write, one line', async () => {
    expect(DEFAULT_CLAIM_LEASE_MS).toBe(10 * MINUTE);
    const start = usePinbotHarness();
    const s = await switching(start, { defaultLeadMs: 0 });
    const schedule = await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');
    const other = anotherProcess(s);

    // A process claims the 09:00 switch, then dies before switching.
    s.setClock(NINE);
    expect(await s.schedules.claimBoundary(schedule.id, NINE, NINE)).toBe(true);

    for (const at of [NINE, NINE + DEFAULT_CLAIM_LEASE_MS - 1]) {
      s.setClock(at);
      expect(await s.switcher.tick()).toEqual([]);
    }
    expect(s.h.writes()).toHaveLength(0);
    expect(s.told()).toEqual([]);

    s.setClock(NINE + DEFAULT_CLAIM_LEASE_MS);
    const [mine, theirs] = await Promise.all([s.switcher.tick(), other.tick()]);
    expect([...mine, ...theirs].map((fired) => [fired.boundary, fired.result.kind])).toEqual([[{ at: NINE, to: 'ready' }, 'written']]);
    expect(s.h.writes()).toHaveLength(1);
    expect(has(s.pinned(), 't5-small')).toBe(true);
    expect(s.told()).toEqual([expect.stringContaining('Mon 2 Mar 09:00 UTC: t5-small switched pinned')]);
    expect(await s.schedules.get(schedule.id)).toMatchObject({ handledBoundary: NINE, doneBoundary: NINE, claimedAt: NINE + DEFAULT_CLAIM_LEASE_MS });

    // Done: later passes, past another lease, leave it.
    s.setClock(NINE + 3 * DEFAULT_CLAIM_LEASE_MS);
    expect([...await s.switcher.tick(), ...await other.tick()]).toEqual([]);
    expect(s.h.writes()).toHaveLength(1);
    expect(s.told()).toHaveLength(1);
  });

  it('is caught up at start-up by a restarted process, and not written twice when the dead one had written', async () => {
    const start = usePinbotHarness();
    const s = await switching(start, { defaultLeadMs: 0 });
    const schedule = await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');

    // The process claims 09:00, writes, and dies before it could say so or mark the switch done.
    s.setClock(NINE);
    expect(await s.schedules.claimBoundary(schedule.id, NINE, NINE)).toBe(true);
    const claimed = await s.schedules.get(schedule.id);
    if (claimed === undefined) throw new Error('schedule gone');
    expect((await s.h.service.switchBySchedule(claimed, 'ready')).kind).toBe('written');
    expect(s.h.writes()).toHaveLength(1);

    // pinbot is down until 11:00; the restarted process's first pass takes the switch up at once.
    s.setClock(Date.UTC(2026, 2, 2, 11, 0));
    const restarted = anotherProcess(s);
    const done = await restarted.tick();

    expect(done.map((fired) => [fired.boundary.at, fired.result.kind])).toEqual([[NINE, 'already']]);
    expect(s.h.writes()).toHaveLength(1);
    expect(s.told()).toEqual([expect.stringContaining('Mon 2 Mar 09:00 UTC')]);
    expect((await s.schedules.get(schedule.id))?.doneBoundary).toBe(NINE);
    expect(await restarted.tick()).toEqual([]);
    expect(await s.switcher.tick()).toEqual([]);
    expect(s.told()).toHaveLength(1);
  });

  it('is replaced by the newer boundary due when it was left unfinished before it: only the latest is switched', async () => {
    const start = usePinbotHarness();
    const s = await switching(start, { defaultLeadMs: 0 });
    const schedule = await s.approve('schedule t5-small pinned daily 09:00-17:00 UTC');

    s.setClock(NINE);
    expect(await s.schedules.claimBoundary(schedule.id, NINE, NINE)).toBe(true);

    // Down until after the window's end: its let-go is what should hold now, and the entry never became ready.
    s.setClock(Date.UTC(2026, 2, 2, 18, 0));
    const done = await s.switcher.tick();

    expect(done.map((fired) => [fired.boundary.at, fired.result.kind])).toEqual([[Date.UTC(2026, 2, 2, 17, 0), 'already']]);
    expect(s.h.writes()).toHaveLength(0);
    expect(await s.schedules.get(schedule.id)).toMatchObject({ handledBoundary: Date.UTC(2026, 2, 2, 17, 0), doneBoundary: Date.UTC(2026, 2, 2, 17, 0) });
  });
});

describe('daylight-saving changes, at the instants a switch is due', () => {
  const spec = (zone: string, start: string, end: string): ScheduleSpec => {
    const time = (text: string) => ({ hour: Number(text.slice(0, 2)), minute: Number(text.slice(3, 5)) });
    return { entry: 't5-small', days: [7], start: time(start), end: time(end), zone };
  };

  // The 2026 changes: Paris 29 Mar 02:00→03:00 and 25 Oct 03:00→02:00 (01:00 UTC both);
  // New York 8 Mar 02:00→03:00 (07:00 UTC) and 1 Nov 02:00→01:00 (06:00 UTC). All Sundays.
  it.each([
    ['Paris, spring: 02:30 does not exist, so the window opens at 03:30 CEST', 'Europe/Paris', '02:30', '06:00', Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 2, 29, 4, 0)],
    ['Paris, autumn: 02:30 happens twice, the first (CEST) counts; 06:00 is CET', 'Europe/Paris', '02:30', '06:00', Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 5, 0)],
    ['New York, spring: 02:30 does not exist, so the window opens at 03:30 EDT', 'America/New_York', '02:30', '09:00', Date.UTC(2026, 2, 8, 7, 30), Date.UTC(2026, 2, 8, 13, 0)],
    ['New York, autumn: 01:30 happens twice, the first (EDT) counts; 09:00 is EST', 'America/New_York', '01:30', '09:00', Date.UTC(2026, 10, 1, 5, 30), Date.UTC(2026, 10, 1, 14, 0)],
  ])('%s', (_case, zone, from, to, opens, closes) => {
    const s = spec(zone, from, to);
    expect(dueSwitch(s, opens - 1, 0)?.at).toBeLessThan(opens);
    expect(dueSwitch(s, opens, 0)).toEqual({ at: opens, to: 'ready' });
    expect(dueSwitch(s, opens - 5 * MINUTE, 5 * MINUTE)).toEqual({ at: opens, to: 'ready' });
    expect(dueSwitch(s, closes - 1, 0)).toEqual({ at: opens, to: 'ready' });
    expect(dueSwitch(s, closes, 0)).toEqual({ at: closes, to: 'let-go' });
  });

  it.each([
    ['Europe/Paris', '02:30-06:00', 'spring', Date.UTC(2026, 2, 27, 12, 0), Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 2, 29, 4, 0), 'Sun 29 Mar 03:30 CEST', 'Sun 29 Mar 06:00 CEST'],
    ['Europe/Paris', '02:30-06:00', 'autumn', Date.UTC(2026, 9, 23, 12, 0), Date.UTC(2026, 9, 25, 0, 30), Date.UTC(2026, 9, 25, 5, 0), 'Sun 25 Oct 02:30 CEST', 'Sun 25 Oct 06:00 CET'],
    ['America/New_York', '02:30-09:00', 'spring', Date.UTC(2026, 2, 6, 12, 0), Date.UTC(2026, 2, 8, 7, 30), Date.UTC(2026, 2, 8, 13, 0), 'Sun 8 Mar 03:30 EDT', 'Sun 8 Mar 09:00 EDT'],
    ['America/New_York', '01:30-09:00', 'autumn', Date.UTC(2026, 9, 30, 12, 0), Date.UTC(2026, 10, 1, 5, 30), Date.UTC(2026, 10, 1, 14, 0), 'Sun 1 Nov 01:30 EDT', 'Sun 1 Nov 09:00 EST'],
  ])('a %s schedule %s across the %s change is switched by ticks at exactly those instants', async (zone, window, _season, approvedAt, opens, closes, openWords, closeWords) => {
    const start = usePinbotHarness();
    const s = await switching(start, { at: approvedAt, defaultLeadMs: 0 });
    await s.approve(`schedule t5-small pinned sun ${window} ${zone}`);

    for (const [at, kinds] of [[opens - 1, []], [opens, ['written']], [closes - 1, []], [closes, ['written']]] as const) {
      s.setClock(at);
      expect((await s.switcher.tick()).map((fired) => fired.result.kind)).toEqual(kinds);
    }
    expect(s.told()).toEqual([
      expect.stringContaining(`${openWords}: t5-small switched pinned`),
      expect.stringContaining(`${closeWords}: t5-small switched off (not pinned)`),
    ]);
    expect(s.h.writes()).toHaveLength(2);
  });
});
