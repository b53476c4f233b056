import { describe, expect, it } from 'vitest';
import { PinbotError } from '../../src/core/domain/errors.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import { describeCompute, describeError, renderOutcome, renderProposalCard, renderResult } from '../../src/core/words/replies.ts';
import { plainText } from '../../src/core/domain/ui.ts';
import { PINNED_WORDS } from '../../src/backends/classic/words.ts';
import { ENDPOINTS_WORDS } from '../../src/backends/endpoints/words.ts';
import { CHAT_STYLE } from '../helpers/reply-style.ts';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';

const style = CHAT_STYLE;
const PINNED_NO_CHANGE = { noChange: PINNED_WORDS.noChange, ...PINNED_WORDS.current };
const ENDPOINTS_NO_CHANGE = { noChange: ENDPOINTS_WORDS.noChange, ...ENDPOINTS_WORDS.current };
const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };
const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };

const pending: Proposal = {
  id: 'p1', scope: 'default', state: 'pending', command: { verb: 'add', pins: [{ modelId: 'b', computeType: 'gpu' }] },
  requester: alice, channel: { platform: 'slack', channelId: 'C1' }, backend: 'classic',
  base: [{ modelId: 'a', computeType: 'cpu' }], baseVersion: 'v', proposed: [{ modelId: 'a', computeType: 'cpu' }, { modelId: 'b', computeType: 'gpu' }],
  diff: [{ kind: 'added', modelId: 'b', computeType: 'gpu' }], allowed: 5, createdAt: 0, expiresAt: Date.UTC(2026, 10, 28, 9, 30), approvals: [], approvalsRequired: 1,
};

const cardText = (proposal: Proposal) => {
  const card = renderProposalCard(proposal, style);
  return [plainText(card.title), ...card.fields.map((f) => `${f.label}: ${plainText(f.value)}`), ...card.notes.map(plainText)].join('\n');
};

describe('renderProposalCard', () => {
  it('shows who asked, slots before → after, expiry, the whole-list warning and both buttons', () => {
    const card = renderProposalCard(pending, style);
    const text = cardText(pending);
    expect(text).toContain('Requested by: alice');
    expect(text).toContain('Slots used: 1 → 2 of 5');
    expect(text).toContain('Expires: 2026-11-28 09:30 UTC');
    expect(text).toContain('replaces the entire pinned list');
    expect(card.diff).toEqual(pending.diff);
    expect(card.actions.map((a) => [a.kind, a.proposalId, a.style])).toEqual([['approve', 'p1', 'primary'], ['cancel', 'p1', 'secondary']]);
    expect(card.actions[0]?.confirm?.text).toContain('2 models');
  });

  it('drops the buttons and names the approver once applied', () => {
    const applied: Proposal = { ...pending, state: 'applied', decidedBy: bob, outcome: { kind: 'applied', message: 'Pinned 2 models, please wait while we load them.', changeId: 'c9' } };
    const card = renderProposalCard(applied, style);
    expect(card.actions).toEqual([]);
    expect(cardText(applied)).toContain('Approved by bob');
    expect(cardText(applied)).toContain('/pins revert c9');
    expect(cardText(applied)).toContain('Pinned 2 models');
  });

  it('says what changed underneath a stale proposal and offers to propose again', () => {
    const stale: Proposal = { ...pending, state: 'stale', outcome: { kind: 'stale', changedUnderneath: [{ kind: 'removed', modelId: 'a', computeType: 'cpu' }], allowedBefore: 5, allowedNow: 4 } };
    const text = cardText(stale);
    expect(text).toContain('Nothing was written');
    expect(text).toContain('− a (cpu)');
    expect(text).toContain('Slots allowed: 5 → 4');
    expect(renderProposalCard(stale, style).actions.map((a) => a.kind)).toEqual(['repropose']);
  });

  it('renders cancelled, failed and expired as final states without buttons', () => {
    for (const state of ['cancelled', 'failed', 'expired'] as const) {
      expect(renderProposalCard({ ...pending, state }, style).actions).toEqual([]);
    }
  });
});

describe('renderOutcome', () => {
  it('tells the channel what was applied and by whom', () => {
    const message = renderOutcome({ ...pending, state: 'applied', decidedBy: bob, outcome: { kind: 'applied', message: 'Pinned 2 models', changeId: 'c1' } }, style);
    expect(message.visibility).toBe('channel');
    expect(message.lines.map(plainText).join('\n')).toBe('✅ Pinned models updated (+ b (gpu)), approved by bob.\nHugging Face: Pinned 2 models');
  });
});

describe('describeError', () => {
  it('says "nothing to change" of the warm endpoints on an endpoints scope, and of the pinned list otherwise', () => {
    const current = [{ modelId: 'llama-chat', computeType: '1 replica' }];
    const endpoints = describeError(new PinbotError('NO_CHANGE', 'x', { current, said: ENDPOINTS_NO_CHANGE }), style).lines.map(plainText);
    expect(endpoints).toEqual(['Nothing to change: the warm endpoints already look like that.', 'Warm now: llama-chat (1 replica)']);
    const none = describeError(new PinbotError('NO_CHANGE', 'x', { current: [], said: ENDPOINTS_NO_CHANGE }), style).lines.map(plainText);
    expect(none).toEqual(['Nothing to change: the warm endpoints already look like that.', 'Warm now: none.']);
    const pinned = describeError(new PinbotError('NO_CHANGE', 'x', { current: [{ modelId: 'a', computeType: 'cpu' }], said: PINNED_NO_CHANGE }), style).lines.map(plainText);
    expect(pinned).toEqual(['Nothing to change: the pinned list already looks like that.', 'Pinned now: a (cpu)']);
  });

  it('explains a quota refusal with the numbers, the current list and a way out', () => {
    const error = new PinbotError('QUOTA_EXCEEDED', 'x', { allowed: 5, requested: 6, current: [{ modelId: 'a', computeType: 'cpu' }] });
    const text = describeError(error, style).lines.map(plainText).join('\n');
    expect(text).toContain("Can't pin 6 models: your plan allows 5.");
    expect(text).toContain('Pinned now: a (cpu)');
    expect(text).toContain('/pins set');
  });

  it.each([
    ['a too-long message', `add ${'a '.repeat(2500)}`],
    ['an unknown command', 'frobnicate gpt2'],
    ['a bare add', 'add'],
  ])('points to help exactly once for %s', (_case, input) => {
    let error: unknown;
    try {
      parseCommand(input, PINNED_COMMAND_WORDS);
    } catch (caught) {
      error = caught;
    }
    const text = describeError(error, style).lines.map(plainText).join('\n');
    // The verb list may name `help`; a hint is a sentence that sends the person there.
    expect(text.match(/(see|send|use|type)\b[^.]*help/gi)).toHaveLength(1);
    expect(text).toContain('See /pins help for every command.');
  });

  it('never shows an unexpected error’s message or stack', () => {
    const message = describeError(new Error('secret internals at foo.ts:1'), style);
    expect(message.lines.map(plainText).join('')).not.toContain('internals');
    expect(message.visibility).toBe('private');
  });
});

describe('describeCompute', () => {
  it('reads the string and the 2024 object forms', () => {
    expect(describeCompute('cpu')).toBe('cpu');
    expect(describeCompute({ gpu: { gpu: 'a100', count: 8 } })).toBe('gpu (8× a100)');
    expect(describeCompute(null)).toBeUndefined();
  });
});

describe('renderResult: status and history', () => {
  const lines = (result: Parameters<typeof renderResult>[0]) => renderResult(result, style).lines.map(plainText);

  it('says a model asked about by name is not pinned, and what the Hub said, instead of a load state', () => {
    expect(lines({ kind: 'status', scope: 'default', entries: [{ modelId: 'nope/none', notPinned: true, onHub: false }] })).toEqual([
      "nope/none is not pinned in this scope, and it is not on the Hugging Face Hub (or it is private and this scope's token cannot see it).",
    ]);
    expect(lines({ kind: 'status', scope: 'default', entries: [{ modelId: 'gpt2', notPinned: true, onHub: true }] })).toEqual([
      'gpt2 is not pinned in this scope, so it has no load state here; /pins add gpt2 would pin it.',
    ]);
    expect(lines({ kind: 'status', scope: 'default', entries: [{ modelId: 'gpt2', notPinned: true }] })).toEqual([
      'gpt2 is not pinned in this scope, so it has no load state here.',
    ]);
    expect(lines({ kind: 'status', scope: 'default', entries: [{ modelId: 'gpt2', status: { modelId: 'gpt2', loaded: true, state: 'Loaded', computeType: 'cpu' } }] }))
      .toEqual(['Load state', '• gpt2 — Loaded on cpu']);
  });

  it('marks a change that reverted another with the id of the one it undid', () => {
    const change = {
      id: 'c2', scope: 'default', proposalId: 'p2', before: [], after: [], requester: alice, approver: bob,
      channel: { platform: 'slack' as const, channelId: 'C1' }, proposedAt: 0, appliedAt: Date.UTC(2026, 10, 28, 9, 30),
    };
    expect(lines({ kind: 'history', scope: 'default', changes: [{ ...change, revertOf: 'c1' }, { ...change, id: 'c1' }], backend: 'classic' }).slice(1)).toEqual([
      '• c2 2026-11-28 09:30 UTC — approved by bob: 0 → 0 models — revert of c1',
      '• c1 2026-11-28 09:30 UTC — approved by bob: 0 → 0 models',
    ]);
  });
});
