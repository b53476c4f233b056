import { describe, expect, it } from 'vitest';
import { DriftWatcher, type WatchedScope } from '../../../src/core/follow-ups/drift-watcher.ts';
import { parseCommand } from '../../../src/core/domain/grammar.ts';
import { LoadTracker } from '../../../src/core/follow-ups/load-tracker.ts';
import { Notifier } from '../../../src/core/follow-ups/notifications.ts';
import type { ChangeCommand } from '../../../src/core/domain/command.ts';
import { systemClock } from '../../../src/core/ports.ts';
import { describeError, renderOutcome, renderProposalCard, renderResult } from '../../../src/core/words/replies.ts';
import { plainText } from '../../../src/core/domain/ui.ts';
import type { SimulatedEndpoint } from '../../../src/backends/endpoints/simulator.ts';
import { MemoryOnceLedger } from '../../../src/store/memory-once-ledger.ts';
import { rejection } from '../../helpers/hf-harness.ts';
import { TOKEN, usePinbotHarness, type PinbotHarness } from '../../helpers/pinbot-harness.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { recordingChannel } from '../../helpers/recording-channel.ts';
import { CHAT_STYLE } from '../../helpers/reply-style.ts';
import { ENDPOINT_COMMAND_WORDS } from '../../../src/backends/endpoints/words.ts';

const alice = { platform: 'slack' as const, userId: 'UALICE' };
const context = { scope: 'default', principal: alice, channel: { platform: 'slack' as const, channelId: 'C1' } };
const STYLE = CHAT_STYLE;

const ENDPOINTS: SimulatedEndpoint[] = [
  { name: 'llama-chat', repository: 'meta-llama/Llama-3.1-8B-Instruct', minReplica: 1, maxReplica: 2 },
  { name: 'embedder', repository: 'BAAI/bge-small-en-v1.5', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
  { name: 'sentiment', repository: 'distilbert/sst2', minReplica: 0, maxReplica: 3, scaleToZeroTimeout: 15 },
  { name: 'sentiment-eu', repository: 'distilbert/sst2', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 15 },
];

/** pinbot's requests to the endpoints; the hourly read of the hardware catalogue is checked on its own (client and cost tests). */
function calls(h: PinbotHarness): string[] {
  return (h.endpointsSimulator?.requestLog ?? [])
    .filter((r) => r.source === 'client' && !r.path.startsWith('/provider/'))
    .map((r) => `${r.method} ${r.path.replace('/endpoint/acme', '')}`);
}

const typed = (text: string) => parseCommand(text, ENDPOINT_COMMAND_WORDS) as ChangeCommand;

describe('replicas=N in the grammar', () => {
  it('is taken on add and set, once, as a whole number from 1 to 100', () => {
    expect(parseCommand('add embedder replicas=2', ENDPOINT_COMMAND_WORDS)).toEqual({ verb: 'add', pins: [{ modelId: 'embedder', computeType: 'cpu' }], scale: 2 });
    expect(parseCommand('set replicas=3 a b', ENDPOINT_COMMAND_WORDS)).toMatchObject({ verb: 'set', scale: 3 });
    expect(parseCommand('add embedder', ENDPOINT_COMMAND_WORDS)).not.toHaveProperty('scale');
    expect(() => parseCommand('add a replicas=1 replicas=2', ENDPOINT_COMMAND_WORDS)).toThrow('`replicas=` is given 2 times; give it once.');
    expect(() => parseCommand('add a replicas=two', ENDPOINT_COMMAND_WORDS)).toThrow('`replicas=two` is not a number of replicas: use a whole number from 1 to 100, as in `replicas=2`.');
    expect(() => parseCommand('add a replicas=101', ENDPOINT_COMMAND_WORDS)).toThrow('is not a number of replicas');
  });
});

describe('an Inference Endpoints scope through the pinning service', () => {
  const start = usePinbotHarness();
  const setUp = (maxWarm = 2, endpoints = ENDPOINTS) => start({ endpoints: { maxWarm, endpoints: endpoints.map((e) => ({ ...e })) } });

  it('lists every endpoint, warm or cold, with replicas, state, instance and repository, in one GET', async () => {
    const h = await setUp();
    const result = await h.service.execute({ verb: 'list' }, context);
    if (result.kind !== 'list') throw new Error('expected a list');
    const text = renderResult(result, STYLE).lines.map(plainText).join('\n');
    expect(text).toContain('Inference Endpoints (default) — 1 of 2 warm (max_warm)');
    expect(text).toContain('• llama-chat — warm, min 1, max 2; running; gpu nvidia-a10g x1; serves meta-llama/Llama-3.1-8B-Instruct');
    expect(text).toContain('• embedder — cold, min 0, scales to zero after 30 min, max 1; scaledToZero');
    expect(calls(h)).toEqual(['GET ']);
  });

  it('help describes the commands as they act on endpoints', async () => {
    const h = await setUp();
    const result = await h.service.execute({ verb: 'help' }, context);
    if (result.kind !== 'help') throw new Error('expected help');
    const text = renderResult(result, STYLE).lines.map(plainText).join('\n');
    expect(text).toContain('keeps the Inference Endpoints of scope default warm or cold');
    expect(text).toContain('• /pins add <endpoint> … [replicas=N] — keep endpoints warm');
  });

  it('settles a proposal whose stored view of the endpoints cannot be read back as failed, with no request and no write', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('add embedder'), context);
    const damaged = { ...proposal, id: 'damaged1', seen: { seen: { embedder: { min: 'one', max: 1 } } } };
    await h.store.create(damaged);
    const before = calls(h).length;

    const result = await h.service.approve(damaged.id, alice);

    expect(result.proposal.state).toBe('failed');
    expect(result.proposal.outcome).toMatchObject({ kind: 'failed', code: 'PROPOSAL_UNREADABLE' });
    expect(calls(h).slice(before)).toEqual([]);
    // Its card still renders, without a cost it cannot know.
    expect(renderProposalCard(result.proposal, STYLE).notes.map(plainText).join('\n')).toContain('cannot read back what this proposal saw');
  });

  it('add proposes with one GET, and approval reads the namespace once and PUTs each changed one', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('add embedder'), context);
    expect(calls(h)).toEqual(['GET ']);
    const card = renderProposalCard(proposal, STYLE);
    expect(plainText(card.title)).toBe('Proposed change to the warm Inference Endpoints');
    expect(card.fields.map((f) => `${f.label}: ${plainText(f.value)}`)).toContain('Warm endpoints: 1 → 2 of 2 (max_warm)');
    expect(card.diff).toEqual([{ kind: 'added', modelId: 'embedder', computeType: '1 replica' }]);

    const result = await h.service.approve(proposal.id, alice);
    expect(result.proposal.state).toBe('applied');
    expect(calls(h)).toEqual(['GET ', 'GET ', 'PUT /embedder']);
    // Scale-to-zero goes off as it goes warm: minReplica must be 0 while it is on.
    expect(h.endpointsSimulator?.requestLog.at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 1, scaleToZeroTimeout: null } } });
    expect(result.proposal.outcome).toMatchObject({ kind: 'applied', message: 'Updated 1 endpoint: embedder (min 0 → 1).' });
    expect((await h.storage.audit.recent('default', 1))[0]?.after.map((p) => p.modelId)).toEqual(['llama-chat', 'embedder']);
  });

  it('refuses going over max_warm with one sentence, and writes nothing', async () => {
    const h = await setUp(1);
    const refused = await rejection(h.service.propose(typed('add embedder'), context));
    expect(refused.code).toBe('MAX_WARM_EXCEEDED');
    expect(refused.message).toBe("Can't keep 2 endpoints warm: this scope's max_warm is 1. Nothing was proposed. Warm now: llama-chat (1 replica); let one go cold in the same change with `set`.");
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual([]);
    expect(await h.store.listByState('default', 'pending')).toEqual([]);
  });

  it('accepts the repository an endpoint serves when only one serves it, and says which when several do', async () => {
    const h = await setUp();
    const byRepo = await h.service.propose(typed('add BAAI/bge-small-en-v1.5'), context);
    expect(byRepo.diff).toEqual([{ kind: 'added', modelId: 'embedder', computeType: '1 replica' }]);
    const ambiguous = await rejection(h.service.propose(typed('add distilbert/sst2'), context));
    expect(ambiguous.code).toBe('AMBIGUOUS_REPOSITORY');
    expect(ambiguous.message).toBe('distilbert/sst2 is served by 2 endpoints (sentiment, sentiment-eu); name the endpoint instead.');
  });

  it('turns bad input into one sentence and proposes nothing: unknown endpoint, replicas out of range, cold remove, options of the other backend', async () => {
    const h = await setUp();
    const unknown = await rejection(h.service.propose(typed('add nope'), context));
    expect(unknown.message).toBe('There is no endpoint nope in this namespace, and no endpoint serves a repository of that name. Endpoints: llama-chat, embedder, sentiment, sentiment-eu.');
    const tooMany = await rejection(h.service.propose(typed('add sentiment replicas=4'), context));
    expect(tooMany.code).toBe('REPLICAS_OUT_OF_RANGE');
    expect(tooMany.message).toBe('sentiment can run at most 3 replicas (its maxReplica), so it cannot keep 4 warm; ask for replicas=3 or fewer.');
    const cold = await rejection(h.service.propose(typed('remove embedder'), context));
    expect(cold.code).toBe('NOT_WARM');
    const compute = await rejection(Promise.resolve().then(async () => h.service.propose(typed('compute llama-chat gpu'), context)));
    expect(compute.code).toBe('INVALID_COMMAND');
    expect(() => parseCommand('add embedder replicas=0', ENDPOINT_COMMAND_WORDS)).toThrow('is not a number of replicas');
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual([]);
    expect(await h.store.listByState('default', 'pending')).toEqual([]);
  });

  it('speaks of endpoints in its refusals: compute types, usage, and nothing to change', async () => {
    const h = await setUp();
    const dropped = await rejection(Promise.resolve().then(() => h.service.parse('add embedder gpu', 'default')));
    expect(dropped.message).toBe("Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed. "
      + 'Change how many replicas stay warm with `add <endpoint> replicas=N`.');
    const usage = describeError(await rejection(Promise.resolve().then(() => h.service.parse('set', 'default'))), STYLE).lines.map(plainText).join('\n');
    expect(usage).toContain('Usage: set <endpoint> … [replicas=N]');
    expect(usage).not.toContain(':gpu');

    const same = describeError(await rejection(h.service.propose(h.service.parse('add llama-chat', 'default') as ChangeCommand, context)), STYLE);
    expect(same.lines.map(plainText)).toEqual(['Nothing to change: the warm endpoints already look like that.', 'Warm now: llama-chat (1 replica)']);
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual([]);
    expect(await h.store.listByState('default', 'pending')).toEqual([]);

    // A classic scope keeps its own words.
    const classic = await start();
    expect(classic.service.parse('add gpt2 gpu', 'default')).toEqual({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'gpu' }] });
  });

  it('refuses replicas= on a classic scope', async () => {
    const h = await start();
    const refused = await rejection(Promise.resolve().then(() => h.service.parse('add gpt2 replicas=2', 'default')));
    expect(refused.message).toBe('`replicas=` applies to Inference Endpoints scopes only; this scope manages pinned models.');
    // A command built elsewhere with a scale gets the same sentence from the backend, not a silent drop.
    const built = await rejection(h.service.propose({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }], scale: 2 }, context));
    expect(built.message).toBe(refused.message);
    expect(h.writes()).toEqual([]);
  });

  it('remove lets a warm endpoint go cold, keeping its scale-to-zero timeout or setting one', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('remove meta-llama/Llama-3.1-8B-Instruct'), context);
    expect(proposal.diff).toEqual([{ kind: 'removed', modelId: 'llama-chat', computeType: '1 replica' }]);
    await h.service.approve(proposal.id, alice);
    expect(h.endpointsSimulator?.requestLog.at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 0, scaleToZeroTimeout: 15 } } });
  });

  it('writes nothing when a touched endpoint changed after the proposal, and the card names it', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('set embedder sentiment'), context);
    h.endpointsSimulator?.setScaling(TOKEN, 'sentiment', { maxReplica: 2 });
    const result = await h.service.approve(proposal.id, alice);
    expect(result.proposal.state).toBe('stale');
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual([]);
    const notes = renderProposalCard(result.proposal, STYLE).notes.map(plainText);
    expect(notes).toContain('~ sentiment (min 0, max 3, scale to zero after 15 min → min 0, max 2, scale to zero after 15 min)');
    expect(plainText(renderProposalCard(result.proposal, STYLE).title)).toBe('⚠️ Not applied: an endpoint changed after this was proposed');
  });

  it('stops at a failing PUT, says exactly what changed and what did not, records it, and restores the changed ones', async () => {
    const h = await setUp();
    // Plan order: llama-chat goes cold first, then embedder and sentiment are warmed.
    const proposal = await h.service.propose(typed('set embedder sentiment'), context);
    expect(proposal.diff.map((d) => d.modelId)).toEqual(['llama-chat', 'embedder', 'sentiment']);
    h.endpointsSimulator?.failPutOf('embedder', 400);
    const result = await h.service.approve(proposal.id, alice);

    expect(result.proposal.state).toBe('failed');
    const outcome = result.proposal.outcome;
    if (outcome?.kind !== 'failed') throw new Error('expected a failure');
    expect(outcome.code).toBe('PARTIAL_WRITE');
    const [change] = await h.storage.audit.recent('default', 1);
    expect(outcome.message).toBe(
      `Stopped partway: changed llama-chat; not changed: embedder, sentiment (the update of embedder failed: The Inference Endpoints API refused the request (HTTP 400). Hugging Face said: "Bad Request".). Recorded as change ${change?.id}. Restore proposes putting the changed endpoints back.`,
    );
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual(['PUT /llama-chat', 'PUT /embedder']);
    expect(change?.after).toEqual([]);
    const card = renderProposalCard(result.proposal, STYLE);
    const restore = card.actions.find((a) => a.kind === 'restore');
    expect(restore?.label).toBe('Restore the changed endpoints');

    const restoring = await h.service.restoreDrift(restore?.proposalId ?? '', { principal: alice, channel: context.channel });
    expect(restoring.diff).toEqual([{ kind: 'added', modelId: 'llama-chat', computeType: '1 replica' }]);
    expect((await h.service.approve(restoring.id, alice)).proposal.state).toBe('applied');
    expect(h.endpointsSimulator?.endpoint(TOKEN, 'llama-chat')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });
  });

  it('reads a write that stopped midway as partly applied: card, channel reply and history name what changed and what did not', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('set embedder sentiment'), context);
    h.endpointsSimulator?.failPutOf('embedder', 400);
    const { proposal: settled } = await h.service.approve(proposal.id, { ...alice, displayName: 'alice' });
    const [change] = await h.storage.audit.recent('default', 1);
    const failure = 'The Inference Endpoints API refused the request (HTTP 400). Hugging Face said: "Bad Request".';

    const card = renderProposalCard(settled, STYLE);
    expect(plainText(card.title)).toBe('⚠️ Partly applied');
    // llama-chat really went cold and nothing was warmed: 0 warm now, not the 2 proposed.
    expect(card.fields.map((f) => `${f.label}: ${plainText(f.value)}`)).toContain('Warm endpoints: 1 → 0 of 2 (max_warm)');
    expect(card.notes.map(plainText)).toEqual([
      'Approved by alice',
      'Changed: llama-chat warm (1 replica) → cold.',
      'Not changed: embedder still cold (was to go warm, 1 replica); sentiment still cold (was to go warm, 1 replica).',
      `The update of embedder failed: ${failure}`,
      'Warm now: none.',
      `Recorded as change ${change?.id}. Restore proposes putting the changed endpoints back; nothing is written until someone approves it.`,
    ]);

    const reply = renderOutcome(settled, STYLE);
    expect(reply.isError).toBe(true);
    const replyText = reply.lines.map(plainText);
    expect(replyText[0]).toBe('⚠️ The change was partly applied, approved by alice: changed llama-chat warm (1 replica) → cold; '
      + 'not changed embedder still cold (was to go warm, 1 replica); sentiment still cold (was to go warm, 1 replica).');
    expect(replyText.join('\n')).not.toContain('not applied');

    const history = await h.service.execute({ verb: 'history' }, context);
    if (history.kind !== 'history') throw new Error('expected history');
    const lines = renderResult(history, STYLE).lines.map(plainText);
    expect(lines[1]).toMatch(new RegExp(`^• ${change?.id ?? ''} .* — approved by alice: llama-chat warm \\(1 replica\\) → cold — partly applied: the change stopped midway, so only these were written$`));
  });

  it('history on an endpoints scope names each endpoint made warm or cold, and its replicas', async () => {
    const h = await setUp(3);
    const proposal = await h.service.propose(typed('set embedder sentiment replicas=1'), context);
    await h.service.approve(proposal.id, alice);
    const raised = await h.service.propose(typed('add sentiment replicas=2'), context);
    await h.service.approve(raised.id, alice);
    const history = await h.service.execute({ verb: 'history' }, context);
    if (history.kind !== 'history') throw new Error('expected history');
    const lines = renderResult(history, STYLE).lines.map(plainText);
    expect(lines[1]).toContain(': sentiment warm, 1 replica → 2 replicas');
    expect(lines[2]).toContain(': llama-chat warm (1 replica) → cold; embedder cold → warm (1 replica); sentiment cold → warm (1 replica)');
    expect(lines.join('\n')).not.toContain('models');
    expect(lines.join('\n')).not.toContain('partly');
  });

  it('counts a PUT whose answer was lost (5xx after retries) as written when the endpoint shows it, and carries on', async () => {
    const h = await setUp();
    const proposal = await h.service.propose(typed('set embedder sentiment'), context);
    h.endpointsSimulator?.failPutOf('embedder', 503, 3, true);
    const result = await h.service.approve(proposal.id, alice);
    expect(result.proposal.state).toBe('applied');
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual(['PUT /llama-chat', 'PUT /embedder', 'PUT /embedder', 'PUT /embedder', 'PUT /sentiment']);
    expect(h.endpointsSimulator?.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 1 } } });
  });

  it('reverts an applied change through a new proposal', async () => {
    const h = await setUp();
    const added = await h.service.propose(typed('add sentiment replicas=2'), context);
    const applied = await h.service.approve(added.id, alice);
    const changeId = applied.proposal.outcome?.kind === 'applied' ? applied.proposal.outcome.changeId : '';
    const history = await h.service.execute({ verb: 'history' }, context);
    expect(history.kind === 'history' && history.changes.map((c) => c.id)).toEqual([changeId]);
    const revert = await h.service.propose({ verb: 'revert', changeId }, context);
    expect(revert.diff).toEqual([{ kind: 'removed', modelId: 'sentiment', computeType: '2 replicas' }]);
    expect((await h.service.approve(revert.id, alice)).proposal.state).toBe('applied');
    expect(h.endpointsSimulator?.endpoint(TOKEN, 'sentiment')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
  });

  it('applies two add proposals made on the same warm set when max_warm allows both, and records what was really written', async () => {
    const h = await setUp(3);
    const addEmbedder = await h.service.propose(typed('add embedder'), context);
    const addSentiment = await h.service.propose(typed('add sentiment'), context);
    expect((await h.service.approve(addEmbedder.id, alice)).proposal.state).toBe('applied');
    const second = await h.service.approve(addSentiment.id, alice);
    expect(second.proposal.state).toBe('applied');

    expect((await h.storage.snapshots.lastSeen('default'))?.pins.map((p) => p.modelId)).toEqual(['llama-chat', 'embedder', 'sentiment']);
    const [change] = await h.storage.audit.recent('default', 1);
    expect(change?.before.map((p) => p.modelId)).toEqual(['llama-chat', 'embedder']);
    expect(change?.after.map((p) => p.modelId)).toEqual(['llama-chat', 'embedder', 'sentiment']);

    const scope: WatchedScope = { name: 'default', notify: [{ platform: 'slack', channelId: 'C0ALERTS' }] };
    const watcher = new DriftWatcher({
      scopes: [scope], backendFor: () => h.backend, snapshots: h.storage.snapshots, audit: h.storage.audit, lock: h.storage.lock, once: new MemoryOnceLedger(),
      notifier: new Notifier(new MemoryOnceLedger(), h.logger), clock: systemClock, logger: h.logger, newId: () => 'alert1', intervalMs: 60_000,
    });
    expect(await watcher.check(scope)).toBeUndefined();

    const changeId = second.proposal.outcome?.kind === 'applied' ? second.proposal.outcome.changeId : '';
    const revert = await h.service.propose({ verb: 'revert', changeId }, context);
    expect(revert.diff).toEqual([{ kind: 'removed', modelId: 'sentiment', computeType: '1 replica' }]);
  });

  it('refuses at approval a change that the warm set as it is now would take over max_warm, and writes nothing', async () => {
    const h = await setUp(2);
    const addEmbedder = await h.service.propose(typed('add embedder'), context);
    const addSentiment = await h.service.propose(typed('add sentiment'), context);
    expect(renderProposalCard(addSentiment, STYLE).fields.map((f) => `${f.label}: ${plainText(f.value)}`)).toContain('Warm endpoints: 1 → 2 of 2 (max_warm)');
    expect((await h.service.approve(addEmbedder.id, alice)).proposal.state).toBe('applied');
    const before = calls(h).length;

    const refused = await h.service.approve(addSentiment.id, alice);
    expect(refused.proposal.state).toBe('failed');
    expect(refused.proposal.outcome).toEqual({
      kind: 'failed',
      code: 'MAX_WARM_EXCEEDED',
      message: "Can't keep 3 endpoints warm: this scope's max_warm is 2, and 2 are warm now (llama-chat, embedder). Nothing was written.",
    });
    expect(calls(h).slice(before)).toEqual(['GET ']);
    expect(h.endpointsSimulator?.endpoint(TOKEN, 'sentiment')).toMatchObject({ compute: { scaling: { minReplica: 0 } } });
    expect(await h.storage.audit.recent('default', 10)).toHaveLength(1);
  });

  it('approves and writes an endpoint that scaled to zero or woke up after the proposal, even where that moves updatedAt', async () => {
    const endpoints: SimulatedEndpoint[] = [
      { name: 'llama-chat', repository: 'r/llama', minReplica: 1, maxReplica: 2 },
      // Cold but still running from its last request: it scales to zero after one (40 ms) minute.
      { name: 'sentiment', repository: 'r/sentiment', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 1, state: 'running' },
      { name: 'embedder', repository: 'r/embedder', minReplica: 0, maxReplica: 1, scaleToZeroTimeout: 30 },
    ];
    const h = await start({ endpoints: { maxWarm: 3, endpoints, minuteMs: 40, warmupMs: 20, stateMovesUpdatedAt: true } });
    const sim = h.endpointsSimulator;
    if (!sim) throw new Error('expected the Endpoints simulator');
    const stateOf = (name: string) => (sim.endpoint(TOKEN, name) as { status: { state: string; updatedAt: string } }).status;
    const proposal = await h.service.propose(typed('add sentiment embedder'), context);
    const seenAt = { sentiment: stateOf('sentiment').updatedAt, embedder: stateOf('embedder').updatedAt };
    await waitFor(() => stateOf('sentiment').state === 'scaledToZero', 3000, 'sentiment to scale to zero');
    sim.wake(TOKEN, 'embedder');
    await waitFor(() => stateOf('embedder').state === 'running', 3000, 'embedder to wake up');
    expect(stateOf('sentiment').updatedAt).not.toBe(seenAt.sentiment);
    expect(stateOf('embedder').updatedAt).not.toBe(seenAt.embedder);

    const result = await h.service.approve(proposal.id, alice);
    expect(result.proposal.state).toBe('applied');
    expect(calls(h).filter((c) => c.startsWith('PUT'))).toEqual(['PUT /sentiment', 'PUT /embedder']);
  });

  it('gives an endpoint back the scale-to-zero timeout it had before pinbot made it warm when it goes cold again', async () => {
    const h = await setUp();
    const warmed = await h.service.propose(typed('add embedder'), context);
    expect((await h.service.approve(warmed.id, alice)).proposal.state).toBe('applied');
    expect(h.endpointsSimulator?.endpoint(TOKEN, 'embedder')).toMatchObject({ compute: { scaling: { minReplica: 1, scaleToZeroTimeout: null } } });

    const cooled = await h.service.propose(typed('remove embedder'), context);
    expect((await h.service.approve(cooled.id, alice)).proposal.state).toBe('applied');
    expect(h.endpointsSimulator?.requestLog.at(-1)?.body).toEqual({ compute: { scaling: { minReplica: 0, scaleToZeroTimeout: 30 } } });
  });

  it('follows each changed endpoint until running, or reports it failed', async () => {
    const h = await setUp(3, [...ENDPOINTS.slice(0, 2), { ...ENDPOINTS[2], failsToStart: true } as SimulatedEndpoint]);
    const channel = recordingChannel();
    const notifier = new Notifier(new MemoryOnceLedger(), h.logger);
    notifier.addChannel(channel);
    const tracker = new LoadTracker({ backendFor: () => h.backend, notifier, clock: systemClock, logger: h.logger, initialDelayMs: 10, maxDelayMs: 40, timeoutMs: 5000 });
    const proposal = await h.service.propose(typed('add embedder sentiment'), context);
    const { proposal: applied } = await h.service.approve(proposal.id, alice);
    await tracker.track(applied);
    const texts = channel.delivered.map((n) => n.message.lines.map(plainText).join(' '));
    expect(texts.find((t) => t.includes('embedder'))).toMatch(/^✅ embedder is loaded on gpu nvidia-a10g x1, \d+ s after the change was applied\.$/);
    expect(texts.find((t) => t.includes('sentiment'))).toBe('❌ sentiment did not load: the endpoint is in state failed.');
  });

  it('raises a drift alert when scaling changes outside pinbot, and its Restore leads back through approval', async () => {
    const h = await setUp();
    const channel = recordingChannel();
    const once = new MemoryOnceLedger();
    const notifier = new Notifier(once, h.logger);
    notifier.addChannel(channel);
    const scope: WatchedScope = { name: 'default', notify: [{ platform: 'slack', channelId: 'C0ALERTS' }] };
    let now = Date.UTC(2026, 10, 27);
    const watcher = new DriftWatcher({
      scopes: [scope], backendFor: () => h.backend, snapshots: h.storage.snapshots, audit: h.storage.audit, lock: h.storage.lock, once, notifier,
      clock: { now: () => now }, logger: h.logger, newId: () => 'alert1', intervalMs: 60_000,
    });
    expect(await watcher.check(scope)).toBeUndefined();
    h.endpointsSimulator?.setScaling(TOKEN, 'llama-chat', { minReplica: 0 });
    now += 60_000;
    const alert = await watcher.check(scope);
    expect(alert?.current.pins).toEqual([]);
    expect(h.logLines.map((line) => line.message)).toContain('warm endpoints changed outside pinbot');
    expect(h.logLines.map((line) => line.message)).not.toContain('pinned list changed outside pinbot');
    expect(channel.delivered[0]?.message.lines.map(plainText)).toEqual(expect.arrayContaining([
      '⚠️ The warm Inference Endpoints of scope default were changed outside pinbot.', '− llama-chat (1 replica)',
      'Restore proposes the endpoints as they were for approval; nothing is written until someone approves it.',
    ]));
    expect(channel.delivered[0]?.actions?.map((action) => action.label)).toEqual(['Restore the endpoints as they were']);
    const restore = await h.service.restoreDrift('alert1', { principal: alice, channel: context.channel });
    expect(restore.diff).toEqual([{ kind: 'added', modelId: 'llama-chat', computeType: '1 replica' }]);
    expect((await h.service.approve(restore.id, alice)).proposal.state).toBe('applied');
  });
});
