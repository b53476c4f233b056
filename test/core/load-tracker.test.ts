import { describe, expect, it } from 'vitest';
import { LoadTracker } from '../../src/core/follow-ups/load-tracker.ts';
import { Notifier } from '../../src/core/follow-ups/notifications.ts';
import { systemClock } from '../../src/core/ports.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { usePinbotHarness } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';
import { waitFor } from '../helpers/wait-for.ts';

const context = {
  scope: 'default',
  principal: { platform: 'slack' as const, userId: 'UALICE' },
  channel: { platform: 'slack' as const, channelId: 'C1' },
};

describe('LoadTracker', () => {
  const start = usePinbotHarness();

  async function setUp(loadDelayMs: number, timeoutMs = 5000) {
    const h = await start({ loadDelayMs, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    const channel = recordingChannel();
    const notifier = new Notifier(new MemoryOnceLedger(), h.logger);
    notifier.addChannel(channel);
    const tracker = new LoadTracker({ backendFor: () => h.backend, notifier, clock: systemClock, logger: h.logger, initialDelayMs: 10, maxDelayMs: 40, timeoutMs });
    return { h, channel, tracker };
  }

  it('posts one "loaded" follow-up per new or moved model, in the card’s thread, after the simulator’s load delay', async () => {
    const { h, channel, tracker } = await setUp(120);
    const proposal = await h.service.propose({ verb: 'set', pins: [
      { modelId: 'gpt2', computeType: 'gpu' }, { modelId: 'bigscience/bloom', computeType: 'gpu' }, { modelId: 'bert-base-uncased', computeType: 'cpu' },
    ] }, context);
    await h.service.attachMessage(proposal.id, 'C1:1700000000.000100');
    const { proposal: applied } = await h.service.approve(proposal.id, context.principal);

    await tracker.track(applied);

    expect(channel.delivered.map((n) => n.key).sort()).toEqual([
      `loaded:${proposal.id}:bert-base-uncased`, `loaded:${proposal.id}:bigscience/bloom`, `loaded:${proposal.id}:gpt2`,
    ].sort());
    for (const notification of channel.delivered) {
      expect(notification.replyTo).toBe('C1:1700000000.000100');
      expect(notification.channel).toEqual(context.channel);
    }
    const texts = channel.delivered.map((n) => n.message.lines.map(plainText).join(' '));
    expect(texts.find((t) => t.includes('bigscience/bloom'))).toMatch(/^✅ bigscience\/bloom is loaded on gpu \(a10g\), \d+ s after the change was applied\.$/);
    expect(texts.find((t) => t.includes('bert-base-uncased'))).toMatch(/is loaded on cpu/);
    const statusCalls = h.clientRequests().filter((r) => r.path.startsWith('/status/'));
    expect(statusCalls.length).toBeGreaterThanOrEqual(3);
    expect(statusCalls.length).toBeLessThan(30);
  });

  it('reports a model still loading when the bound passes, and stops asking', async () => {
    const { h, channel, tracker } = await setUp(60_000, 150);
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }] }, context);
    const { proposal: applied } = await h.service.approve(proposal.id, context.principal);

    await tracker.track(applied);

    expect(channel.delivered).toHaveLength(1);
    expect(plainText(channel.delivered[0]?.message.lines[0] ?? [])).toMatch(/^⏳ bigscience\/bloom is still in state Loading .* pinbot stopped following it\.$/);
    expect(channel.delivered[0]?.message.isError).toBe(true);
  });

  it('reports a model Hugging Face cannot load', async () => {
    const { h, channel, tracker } = await setUp(10);
    h.simulator.setPins('hf_PinbotTestTokenAbCdEfGhIjKlMnOpQrStUv', []);
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] }, context);
    const { proposal: applied } = await h.service.approve(proposal.id, context.principal);
    h.simulator.failNext(1, 404, { error: 'Model gpt2 does not exist' });

    await tracker.track(applied);

    expect(plainText(channel.delivered[0]?.message.lines[0] ?? [])).toMatch(/^❌ gpt2 did not load: /);
  });

  it('sends nothing twice for the same proposal and model', async () => {
    const { h, channel, tracker } = await setUp(10);
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'bert-base-uncased', computeType: 'cpu' }] }, context);
    const { proposal: applied } = await h.service.approve(proposal.id, context.principal);
    await tracker.track(applied);
    await tracker.track(applied);
    expect(channel.delivered).toHaveLength(1);
  });

  it('stops cleanly, sending nothing for models it was still following', async () => {
    const { h, channel, tracker } = await setUp(60_000, 60_000);
    const proposal = await h.service.propose({ verb: 'add', pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }] }, context);
    const { proposal: applied } = await h.service.approve(proposal.id, context.principal);
    const following = tracker.track(applied);
    await waitFor(() => h.clientRequests().some((r) => r.path.startsWith('/status/')), 5000, 'the first status check');

    await tracker.stop();
    await following;

    expect(channel.delivered).toHaveLength(0);
    expect(await tracker.track(applied).then(() => channel.delivered.length)).toBe(0);
  });
});
