import { describe, expect, it } from 'vitest';
import { codeSpan, escapeText, mention } from '../../../src/adapters/discord/escape.ts';
import { joinWithin, renderCard, renderLine, renderMessage } from '../../../src/adapters/discord/render-embed.ts';
import { modelChoices } from '../../../src/adapters/discord/autocomplete.ts';
import type { Card } from '../../../src/core/domain/ui.ts';

describe('Discord markdown escaping', () => {
  it('escapes every markdown character in text', () => {
    expect(escapeText('**bold** _it_ ~~s~~ `c` ||sp|| > q # h - l [a](b) <@1> \\')).toBe(
      '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|sp\\|\\| \\> q \\# h \\- l \\[a\\]\\(b\\) \\<@1\\> \\\\',
    );
    expect(escapeText('1. first')).toBe('1\\. first');
  });

  it('keeps a code span one span whatever it holds', () => {
    expect(codeSpan('org/model')).toBe('`org/model`');
    expect(codeSpan('a`b``c')).toBe('`a\u02CBb\u02CB\u02CBc`');
    expect(codeSpan('two\nlines')).toBe('`two lines`');
  });

  it('mentions Discord users by id and names anyone else as escaped text', () => {
    expect(mention({ platform: 'discord', userId: '444444444444444444', displayName: 'alice' })).toBe('<@444444444444444444>');
    expect(mention({ platform: 'slack', userId: 'U0ALICE', displayName: '*alice*' })).toBe('\\*alice\\*');
  });

  it('renders Hugging Face text literally and model ids as code', () => {
    expect(renderLine([{ text: 'Hugging Face: @everyone **pinned**' }, { code: 'gpt2' }, { strong: 'x' }])).toBe(
      'Hugging Face: @everyone \\*\\*pinned\\*\\*`gpt2`**x**',
    );
    expect(renderMessage({ visibility: 'channel', lines: [[{ text: 'a' }]] }, undefined).allowedMentions).toEqual({ parse: [] });
  });

  it('cuts long lists at whole lines, within the limit', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `\`model-${i}\``);
    const joined = joinWithin(lines, 1024);
    expect(joined.length).toBeLessThanOrEqual(1024);
    expect(joined).toMatch(/… and \d+ more$/);
    expect(joined.split('\n').slice(0, -1).every((line) => /^`model-\d+`$/.test(line))).toBe(true);
  });
});

describe('proposal card as an embed', () => {
  const card: Card = {
    proposalId: 'p1',
    state: 'pending',
    title: [{ strong: 'Proposed change' }],
    fields: [{ label: 'Requested by', value: [{ user: { platform: 'discord', userId: '444444444444444444' } }] }],
    diff: [{ kind: 'added', modelId: 'gpt2', computeType: 'cpu' }],
    notes: [[{ text: 'replaces the entire list' }]],
    actions: [
      { kind: 'approve', proposalId: 'p1', label: 'Approve', style: 'primary' },
      { kind: 'cancel', proposalId: 'p1', label: 'Cancel', style: 'secondary' },
    ],
  };

  it('has the fields, the diff and green Approve / grey Cancel buttons with action ids', () => {
    const payload = renderCard(card, undefined);
    const embed = payload.embeds[0];
    expect(embed?.title).toBe('Proposed change');
    expect(embed?.fields?.map((f) => f.name)).toEqual(['Requested by', 'Changes']);
    expect(embed?.footer?.text).toBe('Proposal p1');
    const buttons = payload.components[0]?.components ?? [];
    expect(buttons.map((b) => ('custom_id' in b ? [b.custom_id, b.style] : []))).toEqual([['pinbot:approve:p1', 3], ['pinbot:cancel:p1', 2]]);
  });

  it('has no buttons once settled', () => {
    expect(renderCard({ ...card, state: 'applied', actions: [] }, undefined).components).toEqual([]);
  });
});

describe('model autocomplete choices', () => {
  const pinned = ['gpt2', 'distilgpt2', 'google/flan-t5-base'];

  it('filters by the typed prefix, case-insensitively', () => {
    expect(modelChoices('G', pinned, false).map((c) => c.value)).toEqual(['gpt2', 'google/flan-t5-base']);
    expect(modelChoices('', pinned, false)).toHaveLength(3);
  });

  it('completes the last word of a several-model option and skips models already named', () => {
    expect(modelChoices('gpt2 d', pinned, true).map((c) => c.value)).toEqual(['gpt2 distilgpt2']);
  });

  it('returns at most 25 choices of at most 100 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) => `m${i}`);
    expect(modelChoices('m', many, false)).toHaveLength(25);
    expect(modelChoices(`${'x'.repeat(95)} `, ['abcdefg'], true)).toEqual([]);
  });
});
