import { describe, expect, it } from 'vitest';
import type { types } from '@slack/bolt';
import {
  escapeMrkdwn, lineMrkdwn, MAX_BLOCKS, MAX_DIFF_LINES, renderCardBlocks, renderMessageBlocks, SECTION_TEXT_LIMIT,
} from '../../../src/adapters/slack/render-blocks.ts';
import { code, strong, text, user, type Card } from '../../../src/core/domain/ui.ts';
import { buttonsOf, mrkdwnOf } from './slack-harness.ts';

function sectionTexts(blocks: readonly types.KnownBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'section' ? [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text)] : []));
}

const baseCard: Card = {
  proposalId: 'p1',
  state: 'pending',
  title: [strong('Proposed change')],
  fields: [],
  diff: [],
  notes: [],
  actions: [],
};

describe('Slack rendering of the neutral UI model', () => {
  it('escapes &, < and > in text, code and strong, so no mention, broadcast or link can be typed in', () => {
    const line = [text('<!channel> & <@U123>'), code('a<b>&c`d'), strong('<!here>')];

    expect(lineMrkdwn(line)).toBe('&lt;!channel&gt; &amp; &lt;@U123&gt;`a&lt;b&gt;&amp;c\'d`*&lt;!here&gt;*');
    expect(escapeMrkdwn('&amp;')).toBe('&amp;amp;');
  });

  it('mentions Slack users by id and shows anyone else by escaped name', () => {
    expect(lineMrkdwn([user({ platform: 'slack', userId: 'U0ALICE001', displayName: 'alice' })])).toBe('<@U0ALICE001>');
    expect(lineMrkdwn([user({ platform: 'discord', userId: '1234', displayName: '<!channel>' })])).toBe('&lt;!channel&gt;');
    expect(lineMrkdwn([user({ platform: 'slack', userId: 'U1> <!here', displayName: 'x' })])).toBe('x');
  });

  it('cuts a long list line to the section limit with "… and N more"', () => {
    const models = Array.from({ length: 400 }, (_, i) => `organisation-${i}/a-rather-long-model-name-${i}`);
    const line = [strong('New list: '), ...models.flatMap((id, i) => (i === 0 ? [code(id)] : [text(', '), code(id)]))];

    const rendered = lineMrkdwn(line);

    expect(rendered.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    const shown = (rendered.match(/`organisation-/g) ?? []).length;
    expect(rendered).toMatch(new RegExp(`… and ${400 - shown} more$`));
  });

  it('cuts one huge text to the limit without breaking an escape', () => {
    const rendered = lineMrkdwn([text('&'.repeat(5000))]);

    expect(rendered.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    expect(rendered).toMatch(/^(&amp;)+ … and more$/);
  });

  it('keeps a card with a huge diff and many notes within 50 blocks and 3000 characters per section', () => {
    const card: Card = {
      ...baseCard,
      diff: Array.from({ length: 500 }, (_, i) => ({ kind: 'added' as const, modelId: `org/model-${i}`, computeType: 'gpu' })),
      notes: Array.from({ length: 6000 }, (_, i) => [text(`note ${i} `), code(`org/model-${i}`)]),
      actions: [
        { kind: 'approve', proposalId: 'p1', label: 'Approve', style: 'primary', confirm: { title: 'T'.repeat(200), text: 'x'.repeat(500), confirm: 'Approve', deny: 'Back' } },
        { kind: 'cancel', proposalId: 'p1', label: 'Cancel', style: 'secondary' },
      ],
    };

    const { blocks, text: fallback } = renderCardBlocks(card, undefined);

    expect(blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    for (const section of sectionTexts(blocks)) expect(section.length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
    expect(mrkdwnOf(blocks)).toContain(`… and ${500 - MAX_DIFF_LINES} more`);
    expect(mrkdwnOf(blocks)).toMatch(/… and \d+ more sections/);
    expect(blocks.at(-1)?.type).toBe('actions');
    const [approve, cancel] = buttonsOf(blocks);
    expect(approve?.confirm?.title?.text.length).toBeLessThanOrEqual(100);
    expect(approve?.confirm?.text?.text.length).toBeLessThanOrEqual(300);
    expect(cancel?.style).toBeUndefined();
    expect(fallback.length).toBeLessThanOrEqual(3000);
  });

  it('renders a message as sections with an escaped fallback text', () => {
    const { blocks, text: fallback } = renderMessageBlocks({ visibility: 'private', lines: [[text('a <b> & c')], [code('x')]] }, undefined);

    expect(blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: 'a &lt;b&gt; &amp; c\n`x`' } }]);
    expect(fallback).toBe('a &lt;b&gt; &amp; c\n`x`');
  });
});
