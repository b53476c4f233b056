import { afterEach, describe, expect, it } from 'vitest';
import { endpointsBackend } from '../../src/backends/endpoints/backend.ts';
import { createEndpointsClient } from '../../src/backends/endpoints/client.ts';
import { startEndpointsSimulator } from '../../src/backends/endpoints/simulator.ts';
import { IdleAlerts, idleFor, type IdleFinding } from '../../src/core/follow-ups/idle-alerts.ts';
import { Notifier } from '../../src/core/follow-ups/notifications.ts';
import { UsageSampler } from '../../src/core/follow-ups/usage-sampler.ts';
import type { WatchedScope } from '../../src/core/follow-ups/drift-watcher.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import type { ScopeBackend } from '../../src/core/backend.ts';
import { MemoryAuditLog } from '../../src/store/memory-audit-log.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { MemorySnapshotStore } from '../../src/store/memory-snapshot-store.ts';
import { MemoryUsageStore } from '../../src/store/memory-usage-store.ts';
import { captureLogger, TOKEN } from '../helpers/hf-harness.ts';
import { manualClock } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';

const INTERVAL = 300_000;
const HOUR = 3_600_000;
const IDLE_AFTER = 3 * HOUR;
const scope: WatchedScope = { name: 'inference', notify: [{ platform: 'slack', channelId: 'C0ALERTS' }] };

describe('IdleAlerts against the Endpoints simulator', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  async function setUp(idleAfter: number | 'off' = IDLE_AFTER) {
    const sim = await startEndpointsSimulator({
      warmupMs: 10,
      accounts: {
        [TOKEN]: {
          namespace: 'acme',
          endpoints: [
            { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2, accelerator: 'gpu', instanceType: 'nvidia-a10g', instanceSize: 'x1' },
            { name: 'odd-one', repository: 'gpt2', minReplica: 1, maxReplica: 1, accelerator: 'gpu', instanceType: 'nvidia-unlisted', instanceSize: 'x1' },
            { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
          ],
        },
      },
    });
    closers.push(() => sim.close());
    const client = createEndpointsClient({ baseUrl: sim.url, token: TOKEN, namespace: 'acme', maxWarm: 3, retry: { maxAttempts: 1 } });
    closers.push(() => client.close());
    const backend: ScopeBackend = endpointsBackend(client, 'acme', idleAfter === 'off' ? undefined : idleAfter);
    const clock = manualClock();
    const usage = new MemoryUsageStore();
    const snapshots = new MemorySnapshotStore();
    const logger = captureLogger();
    const sampler = new UsageSampler({
      scopes: ['inference'], backendFor: () => backend, usage, once: new MemoryOnceLedger(), clock, logger, intervalMs: INTERVAL, retentionMs: 90 * 24 * HOUR,
    });
    const channel = recordingChannel();
    /** A pinbot process: its own ledger unless given one, sharing the store's alerts. */
    const alerter = (once = new MemoryOnceLedger()) => {
      const notifier = new Notifier(once, logger);
      notifier.addChannel(channel);
      return new IdleAlerts({
        scopes: [scope], backendFor: () => backend, usage, audit: new MemoryAuditLog(), snapshots, once, notifier, clock, logger, intervalMs: INTERVAL,
      });
    };
    /** Samples every entry each interval for `ms`, with `traffic` sent before each sample. */
    const run = async (ms: number, traffic: () => void = () => undefined) => {
      for (let passed = 0; passed < ms; passed += INTERVAL) {
        traffic();
        for (const entry of ['llama-chat', 'odd-one', 'embedder']) await sampler.sample('inference', entry);
        clock.advance(INTERVAL);
      }
    };
    return { sim, clock, channel, snapshots, alerter, run };
  }

  const entries = (found: readonly IdleFinding[]) => found.map((finding) => finding.entry).sort();

  it('tells once of each warm entry idle for idle_after, with how long and what it cost, and never of a cold one', async () => {
    const { clock, channel, alerter, run } = await setUp();
    const start = clock.now();
    await run(IDLE_AFTER - INTERVAL);
    expect(await alerter().check(scope)).toEqual([]);

    await run(INTERVAL);
    const first = alerter();
    const found = await first.check(scope);

    expect(entries(found)).toEqual(['llama-chat', 'odd-one']);
    const llama = found.find((finding) => finding.entry === 'llama-chat');
    expect(llama?.idleSince).toBe(start);
    // nvidia-a10g x1 is $1.00 an hour at one replica, for 3 h.
    expect(llama?.cost).toBeCloseTo(3, 6);
    expect(found.find((finding) => finding.entry === 'odd-one')?.cost).toBeUndefined();

    expect(channel.delivered).toHaveLength(2);
    const [llamaNotice, oddNotice] = channel.delivered;
    expect(llamaNotice?.channel).toEqual({ platform: 'slack', channelId: 'C0ALERTS' });
    const llamaText = llamaNotice?.message.lines.map(plainText).join('\n') ?? '';
    expect(llamaText).toContain('The endpoint llama-chat of scope inference has had no requests for 3 h.');
    expect(llamaText).toContain('Keeping it ready cost about $3.00 over that time.');
    expect(oddNotice?.message.lines.map(plainText).join('\n')).toContain('Its price is unknown');
    expect(llamaNotice?.actions).toEqual([{
      kind: 'letgocold', proposalId: llama?.alert.id, label: 'Let it go cold', style: 'primary', typed: 'remove llama-chat',
    }]);

    // Checked again, and after a restart (a new process with a fresh ledger on the same store): not repeated.
    await run(HOUR);
    expect(await first.check(scope)).toEqual([]);
    expect(await alerter().check(scope)).toEqual([]);
    expect(channel.delivered).toHaveLength(2);
  });

  it('tells again of a new idle period after requests resumed and stopped', async () => {
    const { sim, clock, alerter, run } = await setUp();
    await run(IDLE_AFTER);
    const process = alerter();
    expect(entries(await process.check(scope))).toEqual(['llama-chat', 'odd-one']);

    const busyHour = clock.now() - (clock.now() % HOUR);
    await run(INTERVAL, () => sim.traffic(TOKEN, 'llama-chat', { '200': 5 }));
    await run(IDLE_AFTER);
    expect(await process.check(scope)).toEqual([]);

    await run(HOUR);
    const again = await process.check(scope);
    expect(entries(again)).toEqual(['llama-chat']);
    expect(again[0]?.idleSince).toBe(busyHour + HOUR);
  });

  it('does not judge from missing data: an unsampled hour in the window means no alert', async () => {
    const { clock, channel, alerter, run } = await setUp();
    await run(HOUR);
    clock.advance(HOUR); // pinbot was not sampling
    await run(IDLE_AFTER - HOUR + INTERVAL);
    expect(await alerter().check(scope)).toEqual([]);

    // Once the unsampled hour has left the window, the sampled hours alone are judged.
    await run(HOUR);
    expect(entries(await alerter().check(scope))).toEqual(['llama-chat', 'odd-one']);
    expect(channel.delivered).toHaveLength(2);
  });

  it('never tells of an idle entry when idle_after is off', async () => {
    const { channel, alerter, run } = await setUp('off');
    await run(IDLE_AFTER + HOUR);
    expect(await alerter().check(scope)).toEqual([]);
    expect(channel.delivered).toEqual([]);
  });

  it('says how long in minutes, hours, or days', () => {
    expect(idleFor(45 * 60_000)).toBe('45 min');
    expect(idleFor(125 * 60_000)).toBe('2 h 5 min');
    expect(idleFor(26 * HOUR + 59 * 60_000)).toBe('26 h');
    expect(idleFor(52 * HOUR)).toBe('2 d 4 h');
    expect(idleFor(72 * HOUR)).toBe('3 d');
  });
});
