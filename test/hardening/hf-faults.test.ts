import { afterEach, describe, expect, it } from 'vitest';
import { isPinbotError, type ErrorCode } from '../../src/core/domain/errors.ts';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import type { ChangeCommand } from '../../src/core/domain/command.ts';
import { openPolicy } from '../../src/core/workflow/policy.ts';
import { PinningService, type RequestContext } from '../../src/core/workflow/pinning-service.ts';
import { systemClock } from '../../src/core/ports.ts';
import type { PinnedModelsApi } from '../../src/backends/classic/api.ts';
import { classicBackend } from '../../src/backends/classic/backend.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import { createHfClient } from '../../src/backends/classic/client.ts';
import { startSimulator, type Simulator, type WireEntry } from '../../src/backends/classic/simulator.ts';
import { MemoryAuditLog } from '../../src/store/memory-audit-log.ts';
import { MemoryProposalStore } from '../../src/store/memory-proposal-store.ts';
import { MemoryScopeLock } from '../../src/store/memory-scope-lock.ts';
import { captureLogger, rejection, TOKEN } from '../helpers/hf-harness.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';

/** Small timeouts and few tries, so every fault ends within a test's time. */
const ATTEMPTS = 3;
const HEADERS_TIMEOUT_MS = 150;
/** undici checks its timeouts on a coarse (~0.5 s) clock: the latency must clear that, not just 150 ms. */
const LATENCY_MS = 1500;
/** Long enough for requests the client gave up on to be answered (and acted on) by the simulator. */
const SETTLE_MS = LATENCY_MS + 300;
const LIVE: WireEntry[] = [{ model_id: 'gpt2', compute_type: 'cpu' }];
const PROPOSED: WireEntry[] = [...LIVE, { model_id: 'bigscience/bloom', compute_type: 'gpu' }];
const context: RequestContext = {
  scope: 'default',
  principal: { platform: 'console', userId: 'alice' },
  channel: { platform: 'console', channelId: 'terminal' },
};

type Fault = (simulator: Simulator) => void;

/** Each fault, and the codes its refusal may carry once the client has given up. */
const FAULTS: Record<string, { inject: Fault; codes: ErrorCode[]; writeMayLandLate?: boolean }> = {
  // The simulator, like a real server, still acts on a request whose client stopped waiting.
  'a timeout (latency beyond the headers timeout)': { inject: (s) => s.setLatency(LATENCY_MS), codes: ['HF_UNAVAILABLE'], writeMayLandLate: true },
  'a 429 storm with a long Retry-After': { inject: (s) => s.failNext(20, 429, undefined, 120), codes: ['HF_RATE_LIMITED'] },
  'a 429 storm without Retry-After': { inject: (s) => s.failNext(20, 429), codes: ['HF_RATE_LIMITED'] },
  'a 5xx burst': { inject: (s) => s.failNext(20, 503, { error: 'Service Unavailable' }), codes: ['HF_UNAVAILABLE'] },
  'malformed JSON': { inject: (s) => s.malformNext(20), codes: ['HF_BAD_RESPONSE'] },
  'connection resets': { inject: (s) => s.resetNext(20), codes: ['HF_UNAVAILABLE'] },
};

/** A burst shorter than the client's tries: it must retry through it and write exactly once. */
const TRANSIENT: Record<string, Fault> = {
  'one 503': (s) => s.failNext(1, 503),
  'one 502 and one 504': (s) => s.failNext(2, 502),
  'a 429 with Retry-After: 0': (s) => s.failNext(1, 429, undefined, 0),
  'one connection reset': (s) => s.resetNext(1),
};

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (let close = closers.pop(); close; close = closers.pop()) await close();
});

/** The real service on the real HF client, against the simulator; `beforeWrite` fires just before the POST. */
async function world() {
  const simulator = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 5, pins: LIVE } } });
  closers.push(() => simulator.close());
  const client = createHfClient({
    baseUrl: simulator.url,
    token: TOKEN,
    retry: { maxAttempts: ATTEMPTS, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1000 },
    timeouts: { connectMs: 500, headersMs: HEADERS_TIMEOUT_MS, bodyMs: HEADERS_TIMEOUT_MS },
  });
  closers.push(() => client.close());
  let beforeWrite: (() => void) | undefined;
  // Faults are armed between the approval's re-read and its write, to hit the POST itself.
  const api: PinnedModelsApi = {
    readPins: () => client.readPins(),
    modelStatus: (id) => client.modelStatus(id),
    writePins: (pins) => {
      beforeWrite?.();
      beforeWrite = undefined;
      return client.writePins(pins);
    },
  };
  const backend = classicBackend(api);
  const logger = captureLogger();
  const store = new MemoryProposalStore();
  let n = 0;
  const service = new PinningService({
    backendFor: () => backend, store, audit: new MemoryAuditLog(), lock: new MemoryScopeLock(), policy: openPolicy, clock: systemClock,
    logger, newId: () => `pf${++n}`, proposalTtlMs: 60_000,
  });
  const healthy = () => {
    simulator.setLatency(0);
    simulator.failNext(0, 200);
    simulator.malformNext(0);
    simulator.resetNext(0);
  };
  const requests = () => simulator.requestLog.filter((entry) => entry.source === 'client');
  const posts = () => requests().filter((entry) => entry.method === 'POST');
  return {
    simulator, service, store, logger, healthy, requests, posts,
    armBeforeWrite: (fault: Fault) => {
      beforeWrite = () => fault(simulator);
    },
    propose: () => service.propose(parseCommand('add bigscience/bloom:gpu', PINNED_COMMAND_WORDS) as ChangeCommand, context),
    /** Nothing in the logs carries the token. */
    expectNoSecretLogged: () => expect(JSON.stringify(logger.lines)).not.toContain(TOKEN),
  };
}

/** Every POST that reached the simulator carried the one full list the proposal was approved with. */
function expectOnlyTheProposedListSent(bodies: readonly unknown[]): void {
  for (const body of bodies) expect(body).toEqual({ pinned_models: PROPOSED });
}

describe.each(Object.entries(FAULTS))('Hugging Face fault: %s', { timeout: 15_000 }, (_name, fault) => {
  it('at propose: a clear refusal, no proposal recorded, nothing written', async () => {
    const w = await world();
    fault.inject(w.simulator);

    const error = await rejection(w.propose());

    expect(fault.codes).toContain(error.code);
    expect(error.message).toMatch(/Hugging Face/);
    expect(w.posts()).toEqual([]);
    expect(await w.store.listByState('default', 'pending')).toEqual([]);
    expect(w.simulator.pins(TOKEN)).toEqual(LIVE);
    w.expectNoSecretLogged();
  });

  it('at approve, on the re-read: refused, nothing written, the proposal pending again and approvable later', async () => {
    const w = await world();
    const proposal = await w.propose();
    fault.inject(w.simulator);

    const error = await rejection(w.service.approve(proposal.id, context.principal));

    expect(fault.codes).toContain(error.code);
    expect(w.posts()).toEqual([]);
    expect((await w.service.getProposal(proposal.id)).state).toBe('pending');
    w.healthy();
    await waitFor(() => w.simulator.inFlight() === 0, SETTLE_MS * 3, 'late answers of timed-out requests');
    const retried = await w.service.approve(proposal.id, context.principal);
    expect(retried.proposal.state).toBe('applied');
    expect(w.simulator.pins(TOKEN)).toEqual(PROPOSED);
    expect(w.posts().filter((p) => p.status === 200)).toHaveLength(1);
    w.expectNoSecretLogged();
  });

  it('at approve, on the write: failed with the reason, applied when the write landed, or left for reconciliation', async () => {
    const w = await world();
    const proposal = await w.propose();
    w.armBeforeWrite(fault.inject);

    const result = await w.service.approve(proposal.id, context.principal);
    w.healthy();
    await waitFor(() => w.simulator.inFlight() === 0, SETTLE_MS * 3, 'late answers of timed-out requests');
    if (result.kind === 'unconfirmed') {
      // Nothing proves the write failed: the proposal waits, then the live list decides.
      expect(result.proposal.state).toBe('applying');
      expect(result.proposal.outcome?.kind).toBe('unconfirmed');
      await w.service.recoverInterrupted();
    }

    const settled: Proposal = await w.service.getProposal(proposal.id);
    expectOnlyTheProposedListSent(w.posts().map((p) => p.body));
    const live = w.simulator.pins(TOKEN);
    // pinbot's record must agree with what Hugging Face now holds.
    if (settled.state === 'applied') {
      expect(live).toEqual(PROPOSED);
    } else {
      expect(settled.state).toBe('failed');
      expect(live).toEqual(LIVE);
      const outcome = settled.outcome;
      expect(outcome?.kind).toBe('failed');
      if (outcome?.kind === 'failed') expect(outcome.message).toMatch(/Hugging Face|not confirmed/);
    }
    w.expectNoSecretLogged();
  });
});

describe('a write that timed out but landed', () => {
  it('is recorded as applied, with its audit entry, once pinbot can see the list it wrote', { timeout: 15_000 }, async () => {
    const w = await world();
    const proposal = await w.propose();
    w.armBeforeWrite((s) => s.setLatency(LATENCY_MS));

    const result = await w.service.approve(proposal.id, context.principal);
    expect(result.kind).toBe('unconfirmed');
    w.healthy();
    await waitFor(() => w.simulator.inFlight() === 0, SETTLE_MS * 3, 'the late write to land');
    await w.service.recoverInterrupted();
    const history = await w.service.execute({ verb: 'history' }, context);
    expect(history).toMatchObject({ kind: 'history', changes: [{ proposalId: proposal.id }] });

    expect(w.simulator.pins(TOKEN)).toEqual(PROPOSED);
    expect((await w.service.getProposal(proposal.id)).state).toBe('applied');
  });
});

describe.each(Object.entries(TRANSIENT))('a transient fault on the write (%s)', (_name, fault) => {
  it('is retried and the full list is written exactly once', async () => {
    const w = await world();
    const proposal = await w.propose();
    w.armBeforeWrite(fault);

    const result = await w.service.approve(proposal.id, context.principal);

    expect(result.proposal.state).toBe('applied');
    expect(w.simulator.pins(TOKEN)).toEqual(PROPOSED);
    expect(w.posts().filter((p) => p.status === 200)).toHaveLength(1);
    expectOnlyTheProposedListSent(w.posts().map((p) => p.body));
  });
});

describe('errors are PinbotErrors all the way', () => {
  it('a fault during list reaches the caller as a coded error, not a raw undici one', async () => {
    const w = await world();
    w.simulator.resetNext(20);

    const error = await w.service.execute({ verb: 'list' }, context).catch((e: unknown) => e);

    expect(isPinbotError(error)).toBe(true);
  });
});
