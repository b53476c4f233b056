import { afterEach, describe, expect, it } from 'vitest';
import { renderMessageText } from '../src/adapters/console/render-text.ts';
import type { EndpointsSimulator } from '../src/backends/endpoints/simulator.ts';
import type { SwitchDone } from '../src/core/follow-ups/schedule-switcher.ts';
import type { Notification } from '../src/core/follow-ups/notifications.ts';
import { manualClock } from './helpers/pinbot-harness.ts';
import {
  approveSchedules, cardRef, endpointNames, SCHEDULE_NAMESPACE, SCHEDULE_SCOPE, SCHEDULE_TOKEN, scheduleScopeEnv, startColdNamespace, startScheduleReplica,
  type ScheduleReplica,
} from './helpers/schedule-replicas.ts';
import { testTempDir } from './helpers/temp-dir.ts';
import { waitFor } from './helpers/wait-for.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './store/postgres-test-db.ts';

const SCHEDULES = 100;
const MINUTE = 60_000;
/** Monday 30 November 2026, 07:00 UTC: the schedules are approved then, two hours before their windows. */
const MONDAY = Date.UTC(2026, 10, 30, 7, 0);
const at = (day: number, hour: number, minute = 0, second = 0) => Date.UTC(2026, 10, 30 + day, hour, minute, second);
/** Every schedule's window: 09:00–17:00 UTC each day. A switch to warm starts 10 minutes early (no ready time learned yet). */
const WINDOW = 'daily 09:00-17:00 UTC';
const WAIT = 20_000;

const text = (notification: Notification) => renderMessageText(notification.message, { color: false });

describe('schedules on two replicas sharing one PostgreSQL store and one Endpoints namespace', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function setUp(count = SCHEDULES) {
    const clock = manualClock(MONDAY);
    const sim = await startColdNamespace(count, 20);
    cleanups.push(() => sim.close());
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    const env = scheduleScopeEnv(testTempDir('pinbot-schedule-replicas-'), sim.url, urlWithSchema(schema), count);
    const replica = async (tickMs?: number) => {
      const started = await startScheduleReplica(env, clock, tickMs);
      cleanups.push(() => started.close());
      return started;
    };
    const a = await replica();
    const b = await replica();
    const names = endpointNames(count);
    const schedules = await approveSchedules([a, b], names, WINDOW);
    const entryOf = new Map(schedules.map((proposal) => [proposal.id, proposal.command.verb === 'schedule' ? proposal.command.spec.entry : '']));
    /** The PUTs that reached each endpoint, by name. */
    const putsTo = (name: string, since = 0) => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT' && r.seq > since && r.path === `/endpoint/${SCHEDULE_NAMESPACE}/${name}`);
    const minReplica = (name: string) => (sim.endpoint(SCHEDULE_TOKEN, name) as { compute: { scaling: { minReplica: number } } }).compute.scaling.minReplica;
    const state = (name: string) => (sim.endpoint(SCHEDULE_TOKEN, name) as { status: { state: string } }).status.state;
    return { clock, sim, a, b, replica, names, schedules, entryOf, putsTo, minReplica, state };
  }

  /** Both replicas' passes at once, `rounds` times, the clock moved by `stepMs` between rounds. */
  async function tickTogether(replicas: readonly ScheduleReplica[], clock: { advance(ms: number): void }, rounds: number, stepMs: number): Promise<SwitchDone[][]> {
    const perReplica: SwitchDone[][] = replicas.map(() => []);
    for (let round = 0; round < rounds; round++) {
      const passes = await Promise.all(replicas.map((replica) => replica.switcher.tick()));
      passes.forEach((done, i) => perReplica[i]?.push(...done));
      clock.advance(stepMs);
    }
    return perReplica;
  }

  const lastSeq = (sim: EndpointsSimulator) => sim.requestLog.at(-1)?.seq ?? 0;

  it('writes each of 100 switches due at the same minute exactly once, says each once under its card, and records each once in history', async () => {
    const { clock, sim, a, b, names, schedules, entryOf, putsTo, minReplica, state } = await setUp();
    expect(schedules).toHaveLength(SCHEDULES);
    // Approving a schedule writes nothing: the endpoints wait for their windows.
    expect(names.flatMap((name) => putsTo(name))).toHaveLength(0);

    // A second before the switches are due (window start minus the 10-minute lead), neither replica fires one.
    clock.advance(at(0, 8, 49, 59) - clock.now());
    expect((await tickTogether([a, b], clock, 1, 1000)).flat()).toHaveLength(0);

    // 08:50:00: every switch is due at once. Both replicas pass together, again and again, up to and past the window's start.
    const early = await tickTogether([a, b], clock, 4, 15_000);
    clock.advance(at(0, 9, 0) - clock.now());
    const atStart = await tickTogether([a, b], clock, 2, 5 * MINUTE);
    const done = [...early, ...atStart].flat();

    // Each schedule switched once, by one replica or the other, and each switch was applied.
    expect(done).toHaveLength(SCHEDULES);
    expect(new Set(done.map((one) => one.scheduleId)).size).toBe(SCHEDULES);
    expect(done.every((one) => one.boundary.to === 'ready' && one.boundary.at === at(0, 9, 0))).toBe(true);
    expect(done.map((one) => (one.result.kind === 'written' ? one.result.proposal.state : one.result.kind)).filter((s) => s !== 'applied')).toEqual([]);

    // Hugging Face saw exactly one write per endpoint, and every endpoint became warm and ready.
    for (const name of names) {
      const puts = putsTo(name);
      expect(puts.map((put) => put.status), name).toEqual([200]);
      expect(minReplica(name), name).toBe(1);
    }
    await waitFor(() => names.every((name) => state(name) === 'running'), WAIT, 'every endpoint to be running');

    // Each switch said one line under its schedule's card, whichever replica fired it.
    const told = [...a.delivered, ...b.delivered];
    expect(told).toHaveLength(SCHEDULES);
    const switchProposals = done.flatMap((one) => (one.result.kind === 'written' ? [one.result.proposal] : []));
    expect(new Set(told.map((n) => n.key))).toEqual(new Set(switchProposals.map((p) => `settled:${p.id}`)));
    for (const one of done) {
      const line = told.find((n) => n.replyTo === cardRef(one.scheduleId));
      expect(line && text(line), one.scheduleId).toMatch(new RegExp(`^Schedule ${one.scheduleId}, .*: ${entryOf.get(one.scheduleId) ?? '?'} switched warm, approved by @U0BOB; change \\w+\\.$`));
    }

    // History has the 100 schedule starts and the 100 switches, each switch made by its schedule and changing its own endpoint.
    const history = await a.pinbot.store.audit.recent(SCHEDULE_SCOPE, 1000);
    const switches = history.filter((change) => change.requester.userId.startsWith('schedule:'));
    expect(history).toHaveLength(2 * SCHEDULES);
    expect(switches).toHaveLength(SCHEDULES);
    for (const change of switches) {
      const entry = entryOf.get(change.requester.userId.slice('schedule:'.length));
      expect(change.before.some((pin) => pin.modelId === entry), entry).toBe(false);
      expect(change.after.some((pin) => pin.modelId === entry), entry).toBe(true);
    }
    expect(new Set(switches.map((change) => change.requester.userId)).size).toBe(SCHEDULES);

    // The store agrees: every schedule handled its 09:00 boundary and left its endpoint warm.
    const stored = await b.pinbot.store.schedules.active(SCHEDULE_SCOPE);
    expect(stored.map((s) => s.handledBoundary)).toEqual(Array.from({ length: SCHEDULES }, () => at(0, 9, 0)));
    expect(stored.every((s) => s.left.pin?.modelId === entryOf.get(s.id))).toBe(true);

    process.stdout.write(`schedule replicas: ${JSON.stringify({ switches: done.length, byA: early[0]?.length ?? 0, byB: early[1]?.length ?? 0, puts: lastSeq(sim) })}\n`);
  }, 120_000);

  it('gives back a switch that failed before writing, so a later pass on the other replica writes it, once, and says so', async () => {
    const { clock, sim, a, b, names, putsTo, minReplica } = await setUp(3);
    clock.advance(at(0, 8, 50) - clock.now());

    // The namespace read of a's first switch is refused: that switch fails; the other two go through.
    sim.failNext(1, 403);
    const first = await a.switcher.tick();
    expect(first).toHaveLength(2);
    const failed = names.filter((name) => putsTo(name).length === 0);
    expect(failed).toHaveLength(1);

    // b's next pass finds it still due, and writes it.
    const second = await b.switcher.tick();
    expect(second).toHaveLength(1);
    expect([...(await a.switcher.tick()), ...(await b.switcher.tick())]).toEqual([]);
    for (const name of names) {
      expect(putsTo(name).map((put) => put.status), name).toEqual([200]);
      expect(minReplica(name), name).toBe(1);
    }
    expect(b.delivered.map(text)).toEqual([expect.stringContaining(`: ${failed[0] ?? '?'} switched warm`)]);
    expect(a.delivered).toHaveLength(2);
  }, 60_000);

  it('catches up at the first pass of a replica that was down across a boundary, once, while the other passes too; after a longer outage only the state due now', async () => {
    const { clock, sim, a, b, replica, names, putsTo, minReplica } = await setUp();
    clock.advance(at(0, 8, 50) - clock.now());
    expect((await tickTogether([a, b], clock, 2, 0)).flat()).toHaveLength(SCHEDULES);
    expect(names.every((name) => minReplica(name) === 1)).toBe(true);

    // Replica b stops at 12:00 and comes back five seconds after the 17:00 switches were due. Its
    // first pass, on start, catches them up; replica a passes at the same moment.
    clock.advance(at(0, 12, 0) - clock.now());
    await b.close();
    clock.advance(at(0, 17, 0, 5) - clock.now());
    const beforeEvening = lastSeq(sim);
    const restarted = await replica(60 * MINUTE);
    restarted.switcher.start();
    await waitFor(() => restarted.delivered.length > 0, WAIT, 'the restarted replica to catch up a switch');
    const byA = (await tickTogether([a], clock, 2, 0)).flat();
    await waitFor(() => names.every((name) => putsTo(name, beforeEvening).length > 0), WAIT, 'every endpoint to be let go');
    await restarted.switcher.stop();

    for (const name of names) {
      expect(putsTo(name, beforeEvening).map((put) => put.status), name).toEqual([200]);
      expect(minReplica(name), name).toBe(0);
    }
    const evening = [...a.delivered, ...restarted.delivered].filter((n) => text(n).includes('switched off (not warm)'));
    expect(evening).toHaveLength(SCHEDULES);
    expect(new Set(evening.map((n) => n.key)).size).toBe(SCHEDULES);
    expect(restarted.delivered.length + byA.length).toBe(SCHEDULES);
    expect(restarted.delivered.length).toBeGreaterThan(0);
    expect((await a.switcher.tick())).toEqual([]);

    // Both stop at 17:30 and start again on Wednesday at noon: Tuesday's two switches and
    // Wednesday's morning one were missed. Their first passes together write only the state due
    // now (warm), once per endpoint, rather than replaying what was missed.
    clock.advance(at(0, 17, 30) - clock.now());
    await a.close();
    await restarted.close();
    clock.advance(at(2, 12, 0) - clock.now());
    const beforeWednesday = lastSeq(sim);
    const [c, d] = [await replica(60 * MINUTE), await replica(60 * MINUTE)];
    c.switcher.start();
    d.switcher.start();
    await waitFor(() => c.delivered.length + d.delivered.length === SCHEDULES, WAIT, 'the first passes to catch up every schedule');
    await Promise.all([c.switcher.stop(), d.switcher.stop()]);
    for (const name of names) {
      expect(putsTo(name, beforeWednesday).map((put) => (put.body as { compute: { scaling: { minReplica: number } } }).compute.scaling.minReplica), name).toEqual([1]);
    }
    expect(new Set([...c.delivered, ...d.delivered].map((n) => n.key)).size).toBe(SCHEDULES);
    const stored = await c.pinbot.store.schedules.active(SCHEDULE_SCOPE);
    expect(new Set(stored.map((s) => s.handledBoundary))).toEqual(new Set([at(2, 9, 0)]));
  }, 120_000);
});
