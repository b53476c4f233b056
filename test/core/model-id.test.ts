import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isValidModelId, MODEL_ID_REASONS, modelIdProblem } from '../../src/core/domain/model-id.ts';

const ASCII_REPO_ID = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\/)?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

describe('modelIdProblem accepts Hugging Face repo ids', () => {
  it.each(['foo', 'foo/bar', '123', 'Foo-BAR_foo.bar123', 'gpt2', 'bert-base-uncased', 'meta-llama/Llama-3.1-8B-Instruct', '_private_', 'a', 'a/b'])(
    'accepts %s',
    (id) => {
      expect(modelIdProblem(id)).toBeUndefined();
      expect(isValidModelId(id)).toBe(true);
    },
  );

  it('accepts a name of exactly 96 characters, with or without a namespace', () => {
    const name = 'n'.repeat(96);

    expect(isValidModelId(name)).toBe(true);
    expect(isValidModelId(`org/${name}`)).toBe(true);
  });

  it('limits only the name to 96 characters, not the namespace', () => {
    expect(isValidModelId(`${'n'.repeat(200)}/a`)).toBe(true);
  });
});

describe('modelIdProblem says why an id is refused', () => {
  it('refuses more than one slash with the form rule', () => {
    expect(modelIdProblem('datasets/foo/bar')).toBe(MODEL_ID_REASONS.form);
  });

  it.each(['.repo_id', 'repo_id.', '-foo', 'foo-', 'org/.name', '.org/name', '/foo', 'foo/', 'foo bar', 'foo:bar'])(
    'refuses %s with the character rule',
    (id) => {
      expect(modelIdProblem(id)).toContain(MODEL_ID_REASONS.chars);
    },
  );

  it('refuses a name of 97 characters and says how long it is', () => {
    const problem = modelIdProblem('a'.repeat(97));

    expect(problem).toContain(MODEL_ID_REASONS.chars);
    expect(problem).toContain('the name has 97 characters');
  });

  it("refuses 'a' * 100", () => {
    expect(modelIdProblem('a'.repeat(100))).toContain('the name has 100 characters');
  });

  it.each(['foo--bar', 'foo..bar', 'org--x/bar', 'org/a..b'])('refuses %s for the doubled punctuation', (id) => {
    expect(modelIdProblem(id)).toBe(MODEL_ID_REASONS.doubled);
  });

  it('refuses an id ending in .git', () => {
    expect(modelIdProblem('foo.git')).toBe(MODEL_ID_REASONS.gitSuffix);
  });

  it('refuses the empty string', () => {
    expect(modelIdProblem('')).toBe(MODEL_ID_REASONS.empty);
  });

  it('refuses non-ASCII letters that Python would accept, naming the character', () => {
    const problem = modelIdProblem('modèle');

    expect(problem).toContain(MODEL_ID_REASONS.chars);
    expect(problem).toContain("found 'è'");
  });

  it('names an invisible character by its code point', () => {
    expect(modelIdProblem('gp\u200Bt2')).toContain('found U+200B');
    expect(modelIdProblem('gpt2\uFEFF')).toContain('found U+FEFF');
    expect(modelIdProblem('gpt\u202E2')).toContain('found U+202E');
  });

  it('names the part that starts or ends badly', () => {
    expect(modelIdProblem('org/-name')).toContain("'-name' starts with '-'");
    expect(modelIdProblem('org./name')).toContain("'org.' ends with '.'");
  });
});

describe('isValidModelId matches the stricter ASCII rule exactly (property)', () => {
  it('agrees with the regex plus the --, .. and .git rules for any string', () => {
    const idChars = fc.constantFrom(...'aZ09_.-/:é\u200B'.split(''));
    const idLike = fc.oneof(fc.string(), fc.string({ unit: idChars, maxLength: 110 }));

    fc.assert(
      fc.property(idLike, (id) => {
        const expected = ASCII_REPO_ID.test(id) && !id.includes('--') && !id.includes('..') && !id.endsWith('.git');
        expect(isValidModelId(id)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives a non-empty reason for every refused id', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const problem = modelIdProblem(id);
        expect(problem === undefined || problem.length > 0).toBe(true);
      }),
    );
  });
});
