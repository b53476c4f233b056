// 100 schedules whose windows start at the same minute, on 2 replicas sharing one PostgreSQL schema
// and one Endpoints namespace, each replica's switcher on real timers. For each switch: how long
// after it became due (window start minus the lead) its write was confirmed; and how many
// endpoints were written exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LEAD_MS, DEFAULT_SCHEDULE_TICK_MS } from '../src/core/follow-ups/schedule-switcher.ts';
import {
  approveSchedules, endpointNames, SCHEDULE_NAMESPACE, SCHEDULE_SCOPE, scheduleScopeEnv, startColdNamespace, startScheduleReplica, type ScheduleReplica,
} from '../test/helpers/schedule-replicas.ts';
import { waitFor } from '../test/helpers/wait-for.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from '../test/store/postgres-test-db.ts';
import type { PartResult } from './results.ts';
import { percentile } from './stats.ts';

const SCHEDULES = 100;
/** A small tick, which shows pinbot's own cost, and the default, which adds up to one tick of waiting. */
const TICKS_MS = [1_000, DEFAULT_SCHEDULE_TICK_MS];
const MINUTE = 60_000;
/** The shortest lead a switch to warm starts early by: a switch confirmed later than this after it was due may miss its window's start. */
const SHORTEST_LEAD_MS = MINUTE;

/** The wall clock, moved once so the due minute comes in two seconds rather than after a wait for it. */
function movableClock() {
  let shift = 0;
  return { now: () => Date.now() + shift, moveTo: (at: number) => { shift = at - Date.now(); } };
}

const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);

async function switchesAtOneMinute(tickMs: number): Promise<{ delays: number[]; writtenOnce: number; byReplica: number[] }> {
  const sim = await startColdNamespace(SCHEDULES, 10);
  const schema = freshSchemaName();
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-schedules-'));
  const clock = movableClock();
  const replicas: ScheduleReplica[] = [];
  try {
    const env = scheduleScopeEnv(dir, sim.url, urlWithSchema(schema), SCHEDULES);
    for (let i = 0; i < 2; i++) replicas.push(await startScheduleReplica(env, clock, tickMs));
    const [a, b] = replicas as [ScheduleReplica, ScheduleReplica];
    const names = endpointNames(SCHEDULES);
    // No ready time is known yet, so each switch to warm is due the default lead before its window starts.
    const due = Math.ceil(clock.now() / MINUTE) * MINUTE + 5 * MINUTE;
    await approveSchedules([a, b], names, `daily ${hhmm(due + DEFAULT_LEAD_MS)}-${hhmm(due + DEFAULT_LEAD_MS + 60 * MINUTE)} UTC`);

    // Two seconds before the switches are due; b passes half a tick after a, as two independent processes would.
    clock.moveTo(due - 2_000);
    a.switcher.start();
    await sleep(tickMs / 2);
    b.switcher.start();
    const putsTo = (name: string) => sim.requestLog.filter((r) => r.source === 'client' && r.method === 'PUT' && r.path === `/endpoint/${SCHEDULE_NAMESPACE}/${name}`);
    await waitFor(() => names.every((name) => putsTo(name).length > 0), 5 * MINUTE, 'every endpoint to be written');
    const switches = async () => (await a.pinbot.store.audit.recent(SCHEDULE_SCOPE, 10 * SCHEDULES)).filter((change) => change.requester.userId.startsWith('schedule:'));
    await waitFor(async () => (await switches()).length >= SCHEDULES, MINUTE, 'every switch to be recorded');
    // Any pass still running finishes before the writes are counted.
    await Promise.all(replicas.map((replica) => replica.switcher.stop()));
    return {
      delays: (await switches()).map((change) => change.appliedAt - due),
      writtenOnce: names.filter((name) => putsTo(name).filter((put) => put.status === 200).length === 1).length,
      byReplica: replicas.map((replica) => replica.delivered.length),
    };
  } finally {
    for (const replica of replicas) await replica.close();
    await sim.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchScheduleSwitches(log: (line: string) => void): Promise<PartResult> {
  const outcomes = [];
  for (const tickMs of TICKS_MS) {
    const outcome = await switchesAtOneMinute(tickMs);
    outcomes.push(outcome);
    log(`  2 replicas, ${SCHEDULES} switches due at one minute, tick ${tickMs} ms: p99 ${Math.round(percentile(outcome.delays, 99))} ms, written once ${outcome.writtenOnce}, switched by each replica ${outcome.byReplica.join(' / ')}`);
  }
  const common = { sizeName: 'ms tick', sizes: TICKS_MS };
  const measure = `schedule switch, due → write confirmed, 2 replicas, ${SCHEDULES} at one minute`;
  return {
    figures: [
      { ...common, measure: `${measure}, p50`, unit: 'ms', values: outcomes.map((one) => percentile(one.delays, 50)) },
      {
        ...common, measure: `${measure}, p99`, unit: 'ms', values: outcomes.map((one) => percentile(one.delays, 99)), samples: outcomes.map((one) => one.delays),
        goal: { text: `≤ ${SHORTEST_LEAD_MS / 1000} s (the shortest lead)`, max: SHORTEST_LEAD_MS },
      },
      { ...common, measure: 'schedule switches written exactly once', unit: 'switches', values: outcomes.map((one) => one.writtenOnce), goal: { text: String(SCHEDULES), exactly: SCHEDULES } },
    ],
  };
}
