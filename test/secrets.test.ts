import { describe, expect, it } from 'vitest';
import { escapeText } from '../src/adapters/discord/escape.ts';
import { MIN_SECRET_LENGTH, SecretScrubber } from '../src/secrets.ts';

describe('SecretScrubber', () => {
  it('replaces each configured secret wherever it appears, and leaves other text alone', () => {
    const scrubber = new SecretScrubber(['hf_AbcdefAbcdefAbcdef', undefined, 'xoxb-1-2-SlackBotToken']);
    expect(scrubber.scrub('a hf_AbcdefAbcdefAbcdef b xoxb-1-2-SlackBotToken c hf_AbcdefAbcdefAbcdef')).toBe('a [redacted] b [redacted] c [redacted]');
    expect(scrubber.scrub('gpt2 is pinned')).toBe('gpt2 is pinned');
  });

  it('finds a secret as JSON writes it, so a log line or a JSON body cannot hide it by escaping', () => {
    const secret = 'pa"ss\\word';
    const scrubber = new SecretScrubber([secret]);
    expect(scrubber.scrub(JSON.stringify({ said: `it was ${secret}` }))).toBe('{"said":"it was [redacted]"}');
  });

  it('replaces a secret that contains another one whole', () => {
    const scrubber = new SecretScrubber(['abcd', 'xxabcdxx']);
    expect(scrubber.scrub('1 xxabcdxx 2 abcd')).toBe('1 [redacted] 2 [redacted]');
  });

  it(`scrubs short secrets down to ${MIN_SECRET_LENGTH} characters; shorter ones would garble every line and are not scrubbed`, () => {
    const scrubber = new SecretScrubber(['s3cr', 'abc']);
    expect(scrubber.scrub('s3cr abc')).toBe('[redacted] abc');
  });

  it('learns secrets added after it was made, in every view', () => {
    const scrubber = new SecretScrubber(['first-secret']);
    const discord = scrubber.encodedAs(escapeText);
    scrubber.add(['hf_Later_Scope_Token']);
    expect(scrubber.scrub('first-secret hf_Later_Scope_Token')).toBe('[redacted] [redacted]');
    expect(discord('hf_Later_Scope_Token')).toBe('[redacted]');
  });

  it('finds a secret as a chat markup escapes it', () => {
    const scrubber = new SecretScrubber(['hf_Scope_Token_1234']);
    const discord = scrubber.encodedAs(escapeText);
    expect(discord(`said: ${escapeText('hf_Scope_Token_1234')}`)).toBe('said: [redacted]');
    expect(scrubber.scrub(escapeText('hf_Scope_Token_1234'))).not.toBe('[redacted]');
  });
});
