import { describe, expect, it } from 'vitest';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';
import { ENDPOINT_COMMAND_WORDS } from '../../src/backends/endpoints/words.ts';
import { parseCommand, suggestVerb } from '../../src/core/domain/grammar.ts';
import { entrySparkline as sparkline } from '../../src/core/words/usage-lines.ts';
import type { ReportedHour } from '../../src/core/domain/usage.ts';

describe('usage [entry] [24h|7d|30d]', () => {
  it('defaults to all entries over 24h, and takes one entry and one period in either order', () => {
    expect(parseCommand('usage', ENDPOINT_COMMAND_WORDS)).toEqual({ verb: 'usage', period: '24h' });
    expect(parseCommand('usage llama-chat', ENDPOINT_COMMAND_WORDS)).toEqual({ verb: 'usage', entry: 'llama-chat', period: '24h' });
    expect(parseCommand('usage 7D `llama-chat`', ENDPOINT_COMMAND_WORDS)).toEqual({ verb: 'usage', entry: 'llama-chat', period: '7d' });
    expect(parseCommand('usage gpt2 30d', PINNED_COMMAND_WORDS)).toEqual({ verb: 'usage', entry: 'gpt2', period: '30d' });
  });

  it('refuses a period it does not answer for, two periods and two entries, each with the usage line', () => {
    expect(() => parseCommand('usage 2w', ENDPOINT_COMMAND_WORDS)).toThrow(
      '`2w` is not a period `usage` answers for: use `24h`, `7d`, `30d` (default 24h). Usage: usage [endpoint] [24h|7d|30d]',
    );
    expect(() => parseCommand('usage 24h 7d', ENDPOINT_COMMAND_WORDS)).toThrow('`usage` takes one period: `24h`, `7d`, `30d`.');
    expect(() => parseCommand('usage a b', ENDPOINT_COMMAND_WORDS)).toThrow('`usage` takes at most one endpoint.');
    expect(() => parseCommand('usage a..b', ENDPOINT_COMMAND_WORDS)).toThrow('is not a valid endpoint name or model repository');
  });

  it('suggests usage for the words people type for it', () => {
    expect(suggestVerb('stats')).toBe('usage');
    expect(suggestVerb('usge')).toBe('usage');
  });
});

describe('the usage sparkline', () => {
  const hour = (requests: number, sampled = true): ReportedHour => ({ hour: 0, requests, sampled });

  it('draws each hour against the busiest, the lowest bar for none and a dot where nothing was sampled', () => {
    expect(sparkline({ hours: [hour(0, false), hour(0), hour(1), hour(50), hour(100)] })).toBe('·▁▂▅█');
  });

  it('sums hours into one character when asked to, sampled if any of them was', () => {
    expect(sparkline({ hours: [hour(0, false), hour(10), hour(0, false), hour(0, false), hour(5), hour(5)] }, 2)).toBe('█·█');
  });
});
