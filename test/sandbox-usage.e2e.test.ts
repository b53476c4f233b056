import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { parseCommand } from '../src/core/domain/grammar.ts';
import { silentLogger, type Clock } from '../src/core/ports.ts';
import type { RequestContext } from '../src/core/workflow/pinning-service.ts';
import { ENDPOINT_COMMAND_WORDS } from '../src/backends/endpoints/words.ts';
import { buildPinbot, type Pinbot } from '../src/pinbot.ts';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const SIMULATED = 'These figures are simulated for the sandbox; they are not real traffic.';
const BARS = /^[▁▂▃▄▅▆▇█]+$/;

/** The sparkline printed under an entry's line: its characters, or undefined. */
function sparklineOf(stdout: string, entry: string): string | undefined {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith(`• ${entry} — `));
  return at === -1 ? undefined : /^ {2}(\S+) {2}requests per/.exec(lines[at + 1] ?? '')?.[1];
}

describe('usage in the sandbox, on a fresh store, through the real console', () => {
  const running: RunningPinbot[] = [];
  afterEach(async () => {
    for (const pinbot of running.splice(0)) {
      if (pinbot.process.exitCode === null) pinbot.process.kill();
      await pinbot.exited();
    }
  });
  const run = (args: string[], env: Record<string, string> = {}) => {
    const pinbot = spawnPinbot(args, env);
    running.push(pinbot);
    return pinbot;
  };

  it('shows the endpoints scope a labelled week of simulated requests with a sparkline, and a classic scope the one sentence', async () => {
    const week = run(['--scope', 'endpoints', 'usage', '7d']);
    const classic = run(['usage']);
    expect(await week.exited(), week.stderr()).toBe(0);
    expect(await classic.exited(), classic.stderr()).toBe(0);

    const out = week.stdout();
    expect(out).toContain('Usage in scope endpoints — last 7d');
    expect(out).toContain(SIMULATED);
    // Every 4-hour stretch of the week was filled, none shown as "not sampled", and the week has a shape.
    for (const entry of ['llama-chat', 'embedder', 'sentiment']) {
      const spark = sparklineOf(out, entry);
      expect(spark, `${entry}'s sparkline in:\n${out}`).toMatch(BARS);
      expect(spark).toHaveLength(42);
      expect(new Set(spark).size).toBeGreaterThan(3);
    }
    // The warm endpoint's week is priced from the simulator's catalogue ($1.00 per replica-hour).
    expect(out).toMatch(/• llama-chat — [\d,]+ requests, [\d.]+% errors; kept ready 16\d\.\d h, cost \$16\d\.\d\d, \$[\d.]+ per 1,000 requests/);
    // Woken on demand, never kept ready: no cost pinbot can measure, so no "$0.00 per 1,000 requests" either.
    expect(out).toMatch(/• embedder — [\d,]+ requests, [\d.]+% errors; not kept ready\n/);

    expect(classic.stdout().split('\n').filter((line) => line !== '')).toEqual([
      'The classic Inference API has no documented route for usage, so pinbot has no requests or cost to show for pinned models.',
    ]);
  }, 30_000);

  it('tells of the endpoint idle in the simulated week as the console opens, and its Let it go cold command removes it once approved', async () => {
    const pinbot = run(['--scope', 'endpoints']);
    await pinbot.waitForOutput('Let it go cold: type remove llama-chat');
    expect(pinbot.stdout()).toContain('💤 The endpoint llama-chat of scope endpoints has had no requests for 40 h.');
    expect(pinbot.stdout()).toMatch(/Keeping it ready cost about \$40\.\d\d over that time\./);

    let mark = pinbot.stdout().length;
    pinbot.send('usage llama-chat');
    await pinbot.waitForOutput('requests per hour', 15_000, mark);
    expect(pinbot.stdout().slice(mark)).toContain(SIMULATED);
    expect(pinbot.stdout().slice(mark)).toMatch(/• llama-chat — 0 requests; kept ready 2\d\.\d h, cost \$2\d\.\d\d/);

    mark = pinbot.stdout().length;
    pinbot.send('remove llama-chat');
    await pinbot.waitForOutput('Apply? [y/N]', 15_000, mark);
    // The card prices the change from the simulator's catalogue at once.
    expect(pinbot.stdout().slice(mark)).toContain('Warm cost: per hour $1.00 → $0.00 at minimum replicas');
    pinbot.send('y');
    await pinbot.waitForOutput('Applied', 15_000, mark);
    mark = pinbot.stdout().length;
    pinbot.send('list');
    await pinbot.waitForOutput('0 of 2 warm', 15_000, mark);
    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
  }, 45_000);
});

describe('the sandbox usage history, built in process on an injected clock', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });
  const context: RequestContext = {
    scope: 'endpoints',
    principal: { platform: 'console', userId: 'alice' },
    channel: { platform: 'console', channelId: 'terminal' },
  };
  const NOW = Date.UTC(2026, 11, 2, 15, 20); // a Wednesday afternoon
  const clock: Clock = { now: () => NOW };

  async function fresh(databaseUrl = join(testTempDir('pinbot-sandbox-usage-'), 'pinbot.sqlite')): Promise<Pinbot> {
    const env = { DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' };
    const built = await buildPinbot(loadConfig(env), { env, logger: silentLogger, clock });
    let closed: Promise<void> | undefined;
    const pinbot = { ...built, close: () => (closed ??= built.close()) };
    cleanups.push(() => pinbot.close());
    return pinbot;
  }

  it('is the same week on every fresh store at the same moment, is written once per store, and counts working hours above nights', async () => {
    const databaseUrl = join(testTempDir('pinbot-sandbox-usage-'), 'pinbot.sqlite');
    const first = await fresh(databaseUrl);
    const other = await fresh();
    const report = await first.service.execute(parseCommand('usage 7d', ENDPOINT_COMMAND_WORDS), context);
    expect(await other.service.execute(parseCommand('usage 7d', ENDPOINT_COMMAND_WORDS), context)).toEqual(report);
    if (report.kind !== 'usage' || report.report.kind !== 'report') throw new Error(`expected a usage report, got ${JSON.stringify(report)}`);
    expect(report.report.simulated).toBe(true);
    const embedder = report.report.entries.find((entry) => entry.entry === 'embedder');
    expect(embedder?.hours.every((hour) => hour.sampled)).toBe(true);
    const total = (at: number) => embedder?.hours.find((hour) => hour.hour === at)?.requests ?? 0;
    // Wednesday 14:00 UTC against 03:00 the same night.
    expect(total(Date.UTC(2026, 11, 2, 14))).toBeGreaterThan(5 * total(Date.UTC(2026, 11, 2, 3)));
    expect(report.report.entries.find((entry) => entry.entry === 'llama-chat')?.cost).toBeCloseTo(168 - 40 / 60, 6);

    // Opened again, the store keeps its week and adds nothing to it.
    await first.close();
    const again = await fresh(databaseUrl);
    expect(await again.service.execute(parseCommand('usage 7d', ENDPOINT_COMMAND_WORDS), context)).toEqual(report);
  });
});
