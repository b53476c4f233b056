import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/core/domain/command.ts';
import { PinbotError } from '../../src/core/domain/errors.ts';
import { MAX_COMMAND_LENGTH, parseCommand } from '../../src/core/domain/grammar.ts';
import { isValidModelId } from '../../src/core/domain/model-id.ts';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';

// Extends test/core/grammar.test.ts: there the strings are ASCII-ish, graphemes or command-like;
// here every word is drawn from the characters chat clients and copy-paste actually produce.

const hostileChar = fc.oneof(
  fc.integer({ min: 0x00, max: 0x1f }).map((c) => String.fromCharCode(c)), // C0 controls, NUL included
  fc.integer({ min: 0x7f, max: 0x9f }).map((c) => String.fromCharCode(c)), // DEL and C1 controls
  fc.integer({ min: 0xff01, max: 0xff5e }).map((c) => String.fromCharCode(c)), // fullwidth ASCII
  fc.constantFrom('\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD'), // invisible
  fc.constantFrom('\u202A', '\u202B', '\u202D', '\u202E', '\u2066', '\u2067', '\u2069'), // bidi controls
  fc.constantFrom('\u3000', '\u00A0', '\u2028', '\u2029', '\u1680', '\u180E'), // odd spaces and separators
  fc.constantFrom('\u0301', '\u0308', '\u20DD'), // combining marks
  fc.constantFrom('\uD800', '\uDBFF', '\uDC00', '\uDFFF'), // lone surrogates: not valid UTF-16 text
  fc.constantFrom('🤗', '👩‍👩‍👧', '🇫🇷', '𝐠𝐩𝐭𝟐', 'ｇｐｔ２', 'ǅ', 'İ', 'ß'),
  fc.constantFrom('/', ':', '-', '.', '_', '`', '*', '<', '>', '@', '!', '&', '|', '"', "'", '\\'),
  fc.string({ minLength: 1, maxLength: 1 }),
);
const hostileWord = fc.array(hostileChar, { minLength: 1, maxLength: 12 }).map((chars) => chars.join(''));
const fullwidthVerb = fc.constantFrom(...VERBS).map((verb) => [...verb].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join(''));
const hostileCommand = fc
  .tuple(
    fc.oneof(fc.constantFrom(...VERBS), fullwidthVerb, hostileWord),
    fc.array(fc.oneof(hostileWord, fc.constantFrom('gpt2', 'org/model', 'cpu', 'gpu', 'a:gpu')), { maxLength: 8 }),
    fc.constantFrom(' ', '\t', '\n', '\u3000', '\u00A0', '\r\n'),
  )
  .map(([verb, words, space]) => [verb, ...words].join(space));

/** Parses; returns the command or the PinbotError; anything else thrown fails the property. */
function outcome(text: string) {
  try {
    return { command: parseCommand(text, PINNED_COMMAND_WORDS) };
  } catch (error) {
    if (!(error instanceof PinbotError)) throw error;
    return { error };
  }
}

describe('the grammar under hostile unicode (property-based)', () => {
  it('never throws anything but a PinbotError and never returns an invalid model id', () => {
    fc.assert(
      fc.property(fc.oneof(hostileCommand, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        const result = outcome(text);
        if (result.command) {
          expect(VERBS).toContain(result.command.verb);
          const ids = 'pins' in result.command ? result.command.pins.map((p) => p.modelId) : 'modelIds' in result.command ? result.command.modelIds : [];
          for (const id of ids) expect(isValidModelId(id), id).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses with a bounded, non-empty sentence that keeps at most a short excerpt of the input', () => {
    fc.assert(
      fc.property(hostileCommand, fc.integer({ min: 0, max: 3 }), (text, repeat) => {
        const input = repeat === 0 ? text : `${text} ${'\u200B'.repeat(repeat * 2000)}`;
        const { error } = outcome(input);
        if (!error) return;
        expect(error.message.length).toBeGreaterThan(0);
        // A refusal is shown to a person: a sentence, not the whole input echoed back.
        expect(error.message.length).toBeLessThanOrEqual(1200);
        expect(['INVALID_COMMAND', 'INVALID_MODEL_ID', 'INVALID_COMPUTE_TYPE', 'DUPLICATE_MODEL']).toContain(error.code);
      }),
      { numRuns: 1500 },
    );
  });

  it('is deterministic: the same text gives the same command or the same refusal', () => {
    fc.assert(
      fc.property(hostileCommand, (text) => {
        const first = outcome(text);
        const second = outcome(text);
        expect(second.command).toEqual(first.command);
        expect(second.error?.code).toBe(first.error?.code);
        expect(second.error?.message).toBe(first.error?.message);
      }),
      { numRuns: 1000 },
    );
  });

  it('does not read fullwidth letters or digits as their ASCII twins', () => {
    fc.assert(
      fc.property(fullwidthVerb, (verb) => {
        const result = outcome(`${verb} gpt2`);
        expect(result.command).toBeUndefined();
        expect(result.error?.code).toBe('INVALID_COMMAND');
      }),
    );
    expect(outcome('add ｇｐｔ２').error?.code).toBe('INVALID_MODEL_ID');
  });

  it('answers any input up to 100k characters quickly', () => {
    const started = performance.now();
    fc.assert(
      fc.property(hostileWord, fc.integer({ min: MAX_COMMAND_LENGTH - 10, max: 100_000 }), (word, length) => {
        const text = `add ${word.repeat(Math.ceil(length / word.length)).slice(0, length)}`;
        expect(outcome(text).error).toBeInstanceOf(PinbotError);
      }),
      { numRuns: 200 },
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
