import { describe, expect, it } from 'vitest';
import { driftPollDelay, DriftWatcher, type WatchedScope } from '../../src/core/follow-ups/drift-watcher.ts';
import { Notifier } from '../../src/core/follow-ups/notifications.ts';
import { systemClock, type Clock } from '../../src/core/ports.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { manualClock, TOKEN, usePinbotHarness } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';
import { waitFor } from '../helpers/wait-for.ts';

const INTERVAL = 60_000;
const alice = { platform: 'slack' as const, userId: 'UALICE' };
const scope: WatchedScope = { name: 'default', notify: [{ platform: 'slack', channelId: 'C0ALERTS' }] };

describe('DriftWatcher', () => {
  const start = usePinbotHarness();

  async function setUp() {
    const clock = manualClock();
    const h = await start({ clock, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'org/keep', compute_type: 'gpu' }] });
    const channel = recordingChannel();
    const once = new MemoryOnceLedger();
    const notifier = new Notifier(once, h.logger);
    notifier.addChannel(channel);
    let ids = 0;
    const watcherOn = (intervalMs = INTERVAL, watchClock: Clock = clock) => new DriftWatcher({
      scopes: [scope], backendFor: () => h.backend, snapshots: h.storage.snapshots, audit: h.storage.audit, lock: h.storage.lock, once, notifier,
      clock: watchClock, logger: h.logger, newId: () => `alert${++ids}`, intervalMs,
    });
    return { h, clock, channel, watcher: watcherOn(), watcherOn };
  }

  it('takes the first read as the baseline and stays quiet while nothing changes', async () => {
    const { clock, channel, watcher } = await setUp();
    expect(await watcher.check(scope)).toBeUndefined();
    clock.advance(INTERVAL);
    expect(await watcher.check(scope)).toBeUndefined();
    expect(channel.delivered).toEqual([]);
  });

  it('does not call pinbot’s own applied change drift', async () => {
    const { h, clock, channel, watcher } = await setUp();
    await watcher.check(scope);
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'bert-base-uncased', computeType: 'cpu' }] }, {
      scope: 'default', principal: alice, channel: { platform: 'slack', channelId: 'C0PINS' },
    });
    await h.service.approve(proposal.id, alice);
    clock.advance(INTERVAL);
    expect(await watcher.check(scope)).toBeUndefined();
    expect(channel.delivered).toEqual([]);
  });

  it('alerts with the right diff and a Restore button that leads, through approval, back to the previous list', async () => {
    const { h, clock, channel, watcher } = await setUp();
    await watcher.check(scope);
    h.simulator.setPins(TOKEN, [{ model_id: 'org/keep', compute_type: 'cpu' }, { model_id: 'intruder/model', compute_type: 'gpu' }]);
    clock.advance(INTERVAL);

    const alert = await watcher.check(scope);

    expect(alert?.scope).toBe('default');
    expect(channel.delivered).toHaveLength(1);
    const notice = channel.delivered[0];
    expect(notice?.channel).toEqual({ platform: 'slack', channelId: 'C0ALERTS' });
    expect(notice?.message.lines.map(plainText)).toEqual([
      '⚠️ The pinned models of scope default were changed outside pinbot.',
      '− gpt2 (cpu)',
      '~ org/keep (gpu → cpu)',
      '+ intruder/model (gpu)',
      'Restore proposes the previous list for approval; nothing is written until someone approves it.',
    ]);
    expect(notice?.actions).toEqual([{ kind: 'restore', proposalId: alert?.id, label: 'Restore the previous list', style: 'primary' }]);

    const restore = await h.service.restoreDrift(alert?.id ?? '', { principal: alice, channel: { platform: 'slack', channelId: 'C0ALERTS' } });
    expect(h.writes()).toHaveLength(0);
    await h.service.approve(restore.id, alice);
    expect(h.simulator.pins(TOKEN)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'org/keep', compute_type: 'gpu' }]);
    expect(h.writes()).toHaveLength(1);

    clock.advance(INTERVAL);
    expect(await watcher.check(scope)).toBeUndefined();
  });

  it('announces a changed quota, without a Restore button', async () => {
    const { h, clock, channel, watcher } = await setUp();
    await watcher.check(scope);
    h.simulator.setAllowed(TOKEN, 3);
    clock.advance(INTERVAL);
    await watcher.check(scope);
    expect(channel.delivered[0]?.message.lines.map(plainText)).toContain('Slots allowed by the plan: 5 → 3.');
    expect(channel.delivered[0]?.actions).toEqual([]);
  });

  it('lets only one of several replicas read a scope in an interval', async () => {
    const { h, clock, watcherOn } = await setUp();
    const replicas = [watcherOn(), watcherOn(), watcherOn()];
    clock.advance(INTERVAL);
    const before = h.clientRequests().length;
    await Promise.all(replicas.map((replica) => replica.check(scope)));
    expect(h.clientRequests().length - before).toBe(1);
  });

  it('also tells the channel of the last applied change', async () => {
    const { h, clock, channel, watcher } = await setUp();
    await watcher.check(scope);
    const proposal = await h.service.propose({ verb: 'remove', modelIds: ['gpt2'] }, {
      scope: 'default', principal: alice, channel: { platform: 'slack', channelId: 'C0PINS' },
    });
    await h.service.approve(proposal.id, alice);
    h.simulator.setPins(TOKEN, []);
    clock.advance(INTERVAL);
    await watcher.check(scope);
    expect(channel.delivered.map((n) => n.channel.channelId).sort()).toEqual(['C0ALERTS', 'C0PINS']);
  });

  it('runs on its interval and stops cleanly on shutdown', async () => {
    const { h, watcherOn } = await setUp();
    const watcher = watcherOn(20, systemClock);
    const before = h.clientRequests().length;
    watcher.start();
    await waitFor(() => h.clientRequests().length >= before + 3, 5000, 'three scheduled checks');
    await watcher.stop();
    const after = h.clientRequests().length;
    // A watcher still running would read again within a few intervals; this one must stay silent.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(h.clientRequests().length).toBe(after);
  });
});

describe('when each scope is read', () => {
  it('gives every scope its own point in the interval, the same on every replica', () => {
    const at = 10 * INTERVAL + 1000;
    expect([0, 1, 2, 3].map((index) => driftPollDelay(at, INTERVAL, index, 4))).toEqual([6500, 21_500, 36_500, 51_500]);
    // Past its point, a scope waits for the same point of the next interval.
    expect(driftPollDelay(10 * INTERVAL + 8000, INTERVAL, 0, 4)).toBe(59_500);
  });

  it('spreads the reads of 1,000 scopes evenly: each tenth of the interval holds a tenth of them', () => {
    const start = 7 * INTERVAL + 12_345;
    const tenths = Array.from({ length: 10 }, () => 0);
    for (let index = 0; index < 1000; index++) {
      const at = (start + driftPollDelay(start, INTERVAL, index, 1000)) % INTERVAL;
      tenths[Math.floor((at / INTERVAL) * 10)]! += 1;
    }
    expect(tenths).toEqual(Array.from({ length: 10 }, () => 100));
  });
});
