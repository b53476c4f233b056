import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LoadTracker } from '../../src/core/follow-ups/load-tracker.ts';
import { Notifier } from '../../src/core/follow-ups/notifications.ts';
import { systemClock } from '../../src/core/ports.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { openStore, type PinbotStore } from '../../src/store/open-store.ts';
import { TOKEN, usePinbotHarness, type PinbotHarness } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './postgres-test-db.ts';

const context = {
  scope: 'default',
  principal: { platform: 'slack' as const, userId: 'UALICE' },
  channel: { platform: 'slack' as const, channelId: 'C1' },
};

const dir = mkdtempSync(join(tmpdir(), 'pinbot-loads-'));
const schema = freshSchemaName();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

const targets = [
  { kind: 'sqlite', url: join(dir, 'loads.sqlite') },
  { kind: 'postgres', url: urlWithSchema(schema) },
] as const;

describe.each(targets)('load follow-ups kept in the $kind store', ({ url }) => {
  const start = usePinbotHarness();
  const opened: PinbotStore[] = [];
  const trackers: LoadTracker[] = [];
  afterEach(async () => {
    for (const tracker of trackers.splice(0)) await tracker.stop();
    for (const store of opened.splice(0)) await store.close();
  });

  /** One process's tracker: its own store connection, notifier and channel, as after a restart. */
  async function processOn(h: PinbotHarness) {
    const store = await openStore(url);
    opened.push(store);
    const channel = recordingChannel();
    const notifier = new Notifier(store.once, h.logger);
    notifier.addChannel(channel);
    const tracker = new LoadTracker({
      backendFor: () => h.backend, notifier, clock: systemClock, logger: h.logger, initialDelayMs: 20, maxDelayMs: 40, timeoutMs: 10_000, follows: store.loads,
    });
    trackers.push(tracker);
    return { store, channel, tracker };
  }

  async function appliedChange(h: PinbotHarness, modelId: string) {
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId, computeType: 'gpu' }] }, context);
    await h.service.attachMessage(proposal.id, 'C1:1700000000.000100');
    return (await h.service.approve(proposal.id, context.principal)).proposal;
  }

  it('resumes, after a restart, following a model that was still loading, and posts "loaded" once under the card', async () => {
    const h = await start({ loadDelayMs: 60_000 });
    const applied = await appliedChange(h, `org/model-${Date.now()}`);
    const first = await processOn(h);
    const following = first.tracker.track(applied);
    await waitFor(() => h.clientRequests().some((r) => r.path.startsWith('/status/')), 5000, 'the first status check');
    await first.tracker.stop();
    await following;
    expect(first.channel.delivered).toHaveLength(0);

    h.simulator.setLoadDelay(0);
    const second = await processOn(h);
    await second.tracker.resume();

    expect(second.channel.delivered).toHaveLength(1);
    expect(second.channel.delivered[0]?.replyTo).toBe('C1:1700000000.000100');
    expect(plainText(second.channel.delivered[0]?.message.lines[0] ?? [])).toMatch(/^✅ org\/model-\d+ is loaded on gpu/);

    const third = await processOn(h);
    await third.tracker.resume();
    expect(third.channel.delivered).toHaveLength(0);
    expect(await third.store.loads.unfinished()).toEqual([]);
  });

  it('posts "loaded" once when two replicas resume the same follow at once', async () => {
    const h = await start({ loadDelayMs: 0 });
    const applied = await appliedChange(h, `org/model-${Date.now()}`);
    const writer = await processOn(h);
    await writer.store.loads.add([{ proposalId: applied.id, scope: 'default', modelId: `org/${applied.id}`, channel: context.channel, startedAt: Date.now() }]);
    h.simulator.setPins(TOKEN, [{ model_id: `org/${applied.id}`, compute_type: 'gpu' }]);

    const [a, b] = await Promise.all([processOn(h), processOn(h)]);
    await Promise.all([a.tracker.resume(), b.tracker.resume()]);

    expect(a.channel.delivered.length + b.channel.delivered.length).toBe(1);
    expect(await a.store.loads.unfinished()).toEqual([]);
  });
});
