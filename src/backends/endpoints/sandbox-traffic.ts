import { NO_REQUESTS, type Latency, type StatusClass } from '../../core/domain/usage.ts';
import type { UsageStore } from '../../core/ports.ts';

/**
 * Made-up traffic for the sandbox's simulated namespace, so that `usage` has a week to show on a
 * fresh clone and the counters keep moving while it runs. Every figure is generated from the
 * endpoint's name and the hour alone (a seeded generator, no `Math.random`): the same hour always
 * gets the same requests. Used only by the sandbox; `usage` there says its figures are simulated.
 *
 * The shape: working-hour peaks on weekdays (UTC), a quiet night and weekend; `llama-chat`, the
 * one endpoint kept warm, was used until two days ago and has had no requests since, so the
 * idle alert has something to tell of.
 */
interface TrafficProfile {
  /** Requests in the busiest hour of a weekday. */
  readonly peak: number;
  /** Requests in a night hour. */
  readonly night: number;
  readonly share4xx: number;
  readonly share5xx: number;
  /** Seconds, in an hour with requests. */
  readonly latency: Latency;
  /** Hours before the history was made since which it had no requests, and none live. */
  readonly unusedForHours?: number;
}

const PROFILES: Readonly<Record<string, TrafficProfile>> = {
  'llama-chat': { peak: 620, night: 18, share4xx: 0.012, share5xx: 0.004, latency: { p50: 0.82, p90: 1.9, p99: 3.4 }, unusedForHours: 40 },
  embedder: { peak: 2400, night: 120, share4xx: 0.003, share5xx: 0.001, latency: { p50: 0.018, p90: 0.041, p99: 0.12 } },
  sentiment: { peak: 310, night: 4, share4xx: 0.02, share5xx: 0.006, latency: { p50: 0.009, p90: 0.022, p99: 0.35 } },
};

const HOUR_MS = 3_600_000;
/** How many hours of history a fresh sandbox store gets. */
export const SANDBOX_HISTORY_HOURS = 7 * 24;

/** The requests an endpoint of the sandbox answered in the hour starting at `hour`, when the history was made at `madeAt`. */
export function sandboxHourRequests(name: string, hour: number, madeAt: number): Record<StatusClass, number> {
  const profile = PROFILES[name];
  if (profile === undefined) return { ...NO_REQUESTS };
  if (profile.unusedForHours !== undefined && hour >= startOfHour(madeAt) - profile.unusedForHours * HOUR_MS) return { ...NO_REQUESTS };
  return split(profile, hourlyRate(profile, hour) * (0.85 + 0.3 * seededUnit(`${name}:${hour}`)));
}

/**
 * Fills the last week of hours of each sandbox endpoint that has never been sampled in this store
 * (no baseline): a fresh store gets the week, a store that has one keeps it. The baseline written
 * with it is marked as a gap, so the first real sample starts from the counters it reads.
 */
export async function seedSandboxUsage(usage: UsageStore, scope: string, endpoints: readonly string[], now: number): Promise<string[]> {
  const seeded: string[] = [];
  const first = startOfHour(now) - (SANDBOX_HISTORY_HOURS - 1) * HOUR_MS;
  for (const name of endpoints) {
    if ((await usage.baseline(scope, name)) !== undefined) continue;
    for (let hour = first; hour <= now; hour += HOUR_MS) {
      // The hour under way only as far as it has gone.
      const full = sandboxHourRequests(name, hour, now);
      const part = hour + HOUR_MS > now ? (now - hour) / HOUR_MS : 1;
      const requests = part === 1 ? full : scaled(full, part);
      const latency = PROFILES[name]?.latency;
      const answered = Object.values(requests).some((count) => count > 0);
      await usage.record(scope, name, { at: now, counters: [], gap: true }, { hour, requests, ...(answered && latency !== undefined ? { latency } : {}) });
    }
    seeded.push(name);
  }
  return seeded;
}

export interface SandboxTick {
  readonly name: string;
  readonly requests: Readonly<Record<string, number>>;
  readonly latencySeconds?: number;
}

/** What the simulator is told each tick: requests by status code, for each endpoint still in use. */
export function sandboxTrafficTick(names: readonly string[], now: number, tickMs: number): SandboxTick[] {
  const ticks: SandboxTick[] = [];
  for (const name of names) {
    const profile = PROFILES[name];
    if (profile === undefined || profile.unusedForHours !== undefined) continue;
    const expected = hourlyRate(profile, now) * (tickMs / HOUR_MS);
    // Whole requests: the fraction becomes one more request with that chance, seeded by the tick.
    const whole = Math.floor(expected) + (seededUnit(`${name}:tick:${Math.floor(now / tickMs)}`) < expected % 1 ? 1 : 0);
    if (whole === 0) continue;
    const classes = split(profile, whole);
    ticks.push({ name, requests: { 200: classes['2xx'], 429: classes['4xx'], 503: classes['5xx'] }, ...(profile.latency.p50 !== undefined ? { latencySeconds: profile.latency.p50 } : {}) });
  }
  return ticks;
}

/** Requests per hour: on weekdays a day from 09:00 to 19:00 UTC peaking at 14:00, a fifth of it at weekends, the night rate outside. */
function hourlyRate(profile: TrafficProfile, at: number): number {
  const date = new Date(at);
  const hourOfDay = date.getUTCHours() + date.getUTCMinutes() / 60;
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  const day = Math.max(0, Math.cos(((hourOfDay - 14) / 12) * Math.PI * 1.2));
  return profile.night + (profile.peak - profile.night) * day * (weekend ? 0.2 : 1);
}

function split(profile: TrafficProfile, total: number): Record<StatusClass, number> {
  const whole = Math.round(total);
  const r4xx = Math.round(whole * profile.share4xx);
  const r5xx = Math.round(whole * profile.share5xx);
  return { '2xx': whole - r4xx - r5xx, '3xx': 0, '4xx': r4xx, '5xx': r5xx };
}

function scaled(requests: Record<StatusClass, number>, part: number): Record<StatusClass, number> {
  return { '2xx': Math.round(requests['2xx'] * part), '3xx': Math.round(requests['3xx'] * part), '4xx': Math.round(requests['4xx'] * part), '5xx': Math.round(requests['5xx'] * part) };
}

function startOfHour(at: number): number {
  return at - (at % HOUR_MS);
}

/** A number in [0, 1) that depends on `key` alone (FNV-1a, then one round of mulberry32). */
function seededUnit(key: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193);
  let t = (hash + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
