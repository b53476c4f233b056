import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { VERBS, type Command, type CommandWords } from '../../src/core/domain/command.ts';
import { type ErrorCode, isPinbotError, PinbotError } from '../../src/core/domain/errors.ts';
import { MAX_COMMAND_LENGTH, parseCommand as parseWith, parseRestore, suggestVerb } from '../../src/core/domain/grammar.ts';
import { PINNED_COMMAND_WORDS, USAGE } from '../../src/backends/classic/words.ts';
import { ENDPOINT_COMMAND_WORDS } from '../../src/backends/endpoints/words.ts';

/** The parser as a pinned-list scope runs it, unless other words are given. */
function parseCommand(text: string, words: CommandWords = PINNED_COMMAND_WORDS): Command {
  return parseWith(text, words);
}
import { isValidModelId, MODEL_ID_REASONS } from '../../src/core/domain/model-id.ts';

/** Runs the parser on text that must be refused and returns the error it threw. */
function refusal<C extends ErrorCode>(text: string, code: C): PinbotError<C> {
  let thrown: unknown;
  try {
    parseCommand(text);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PinbotError);
  const error = thrown as PinbotError;
  expect(error.code).toBe(code);
  if (!error.is(code)) throw new Error('unreachable');
  return error;
}

function modelIdsOf(command: Command): readonly string[] {
  switch (command.verb) {
    case 'add':
    case 'set':
      return command.pins.map((pin) => pin.modelId);
    case 'remove':
    case 'compute':
      return command.modelIds;
    case 'status':
      return command.modelId === undefined ? [] : [command.modelId];
    default:
      return [];
  }
}

describe('verbs without arguments', () => {
  it.each(['list', 'clear', 'pending', 'history', 'help'] as const)('parses %s', (verb) => {
    expect(parseCommand(verb)).toEqual({ verb });
  });

  it('reads verbs in any case', () => {
    expect(parseCommand('LIST')).toEqual({ verb: 'list' });
    expect(parseCommand('Add gpt2')).toEqual({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] });
  });

  it.each(['list', 'clear', 'pending', 'history'] as const)('refuses extra words after %s and shows its usage', (verb) => {
    const error = refusal(`${verb} gpt2`, 'INVALID_COMMAND');

    expect(error.message).toBe(`\`${verb}\` takes no arguments. Usage: ${USAGE[verb]}`);
    expect(error.details.input).toBe(`${verb} gpt2`);
  });

  it('ignores extra words after help', () => {
    expect(parseCommand('help add please')).toEqual({ verb: 'help' });
  });

  it('treats empty or blank input as help', () => {
    expect(parseCommand('')).toEqual({ verb: 'help' });
    expect(parseCommand(' \t\n\u00A0\u3000 ')).toEqual({ verb: 'help' });
  });
});

describe('whitespace', () => {
  it('splits on tabs, newlines, non-breaking and other unicode spaces, and trims', () => {
    const command = parseCommand('\n  add\tgpt2\u00A0bert-base-uncased\u202Fdistilgpt2\u2003org/model\r\n gpu  ');

    expect(command).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'gpt2', computeType: 'gpu' },
        { modelId: 'bert-base-uncased', computeType: 'gpu' },
        { modelId: 'distilgpt2', computeType: 'gpu' },
        { modelId: 'org/model', computeType: 'gpu' },
      ],
    });
  });
});

describe('add', () => {
  it('pins one model on cpu by default', () => {
    expect(parseCommand('add gpt2')).toEqual({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] });
  });

  it('pins several models in the order given', () => {
    const command = parseCommand('add gpt2 org/a org/b');

    expect(command).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'gpt2', computeType: 'cpu' },
        { modelId: 'org/a', computeType: 'cpu' },
        { modelId: 'org/b', computeType: 'cpu' },
      ],
    });
  });

  it('reads a :gpu suffix on one model, in any case', () => {
    expect(parseCommand('add a:gpu b:GPU c:Cpu')).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'a', computeType: 'gpu' },
        { modelId: 'b', computeType: 'gpu' },
        { modelId: 'c', computeType: 'cpu' },
      ],
    });
  });

  it('applies a trailing compute type to every model', () => {
    expect(parseCommand('add a b GPU')).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'a', computeType: 'gpu' },
        { modelId: 'b', computeType: 'gpu' },
      ],
    });
  });

  it('lets a model suffix win over the trailing compute type', () => {
    expect(parseCommand('add a b:gpu cpu')).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'a', computeType: 'cpu' },
        { modelId: 'b', computeType: 'gpu' },
      ],
    });
    expect(parseCommand('add a:cpu b gpu')).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'a', computeType: 'cpu' },
        { modelId: 'b', computeType: 'gpu' },
      ],
    });
  });

  it('refuses an unknown suffix as a compute type error', () => {
    const error = refusal('add gpt2:tpu', 'INVALID_COMPUTE_TYPE');

    expect(error.details).toEqual({ value: 'tpu' });
    expect(error.message).toBe('`tpu` is not a compute type: use `cpu` or `gpu`, as in `gpt2:gpu`.');
  });

  it('keeps the suffix as typed in the compute type error', () => {
    expect(refusal('add gpt2:GPU2', 'INVALID_COMPUTE_TYPE').details).toEqual({ value: 'GPU2' });
  });

  it('reports a URL or link as a bad model id, not as a bad compute type', () => {
    const error = refusal('add https://huggingface.co/gpt2', 'INVALID_MODEL_ID');

    expect(error.details).toEqual({ modelId: 'https://huggingface.co/gpt2', reason: MODEL_ID_REASONS.form });
    expect(error.message).toBe(`\`https://huggingface.co/gpt2\` is not a valid model id: it ${MODEL_ID_REASONS.form}.`);
  });

  it('refuses an empty suffix', () => {
    const error = refusal('add gpt2:', 'INVALID_COMPUTE_TYPE');

    expect(error.details).toEqual({ value: '' });
    expect(error.message).toContain("nothing after ':'");
  });

  it('needs at least one model and shows its usage', () => {
    for (const text of ['add', 'add gpu', 'ADD   cpu']) {
      const error = refusal(text, 'INVALID_COMMAND');

      expect(error.message).toBe(`\`add\` needs at least one model. Usage: ${USAGE.add}`);
    }
  });

  it('refuses a bare compute type anywhere but last, and says how to name such a model', () => {
    const error = refusal('add cpu gpt2', 'INVALID_COMMAND');

    expect(error.message).toContain('`cpu` can only come last');
    expect(error.message).toContain('`cpu:cpu`');
  });

  it('reads a model literally named cpu when it carries a suffix', () => {
    expect(parseCommand('add cpu:gpu')).toEqual({ verb: 'add', pins: [{ modelId: 'cpu', computeType: 'gpu' }] });
  });

  it('refuses the same model twice, comparing ids without their suffix', () => {
    const error = refusal('add gpt2 org/x gpt2:gpu', 'DUPLICATE_MODEL');

    expect(error.details).toEqual({ modelId: 'gpt2' });
    expect(error.message).toBe('`gpt2` is named twice; name each model once.');
  });

  it('compares ids case-sensitively', () => {
    expect(parseCommand('add GPT2 gpt2')).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'GPT2', computeType: 'cpu' },
        { modelId: 'gpt2', computeType: 'cpu' },
      ],
    });
  });
});

describe('remove', () => {
  it('unpins one or several models', () => {
    expect(parseCommand('remove gpt2')).toEqual({ verb: 'remove', modelIds: ['gpt2'] });
    expect(parseCommand('remove gpt2 org/a')).toEqual({ verb: 'remove', modelIds: ['gpt2', 'org/a'] });
  });

  it('ignores a valid compute type on a model or at the end', () => {
    expect(parseCommand('remove gpt2:gpu org/a cpu')).toEqual({ verb: 'remove', modelIds: ['gpt2', 'org/a'] });
  });

  it('still refuses an unknown suffix', () => {
    expect(refusal('remove gpt2:tpu', 'INVALID_COMPUTE_TYPE').details).toEqual({ value: 'tpu' });
  });

  it('needs at least one model', () => {
    expect(refusal('remove', 'INVALID_COMMAND').message).toBe(`\`remove\` needs at least one model. Usage: ${USAGE.remove}`);
  });

  it('refuses duplicates', () => {
    expect(refusal('remove a a', 'DUPLICATE_MODEL').details).toEqual({ modelId: 'a' });
  });
});

describe('set', () => {
  it('takes the full desired list with per-model and trailing compute types', () => {
    expect(parseCommand('set a b:gpu c')).toEqual({
      verb: 'set',
      pins: [
        { modelId: 'a', computeType: 'cpu' },
        { modelId: 'b', computeType: 'gpu' },
        { modelId: 'c', computeType: 'cpu' },
      ],
    });
    expect(parseCommand('set a b:cpu gpu')).toEqual({
      verb: 'set',
      pins: [
        { modelId: 'a', computeType: 'gpu' },
        { modelId: 'b', computeType: 'cpu' },
      ],
    });
  });

  it('refuses an empty list and points at clear', () => {
    const error = refusal('set', 'INVALID_COMMAND');

    expect(error.message).toBe(`\`set\` needs at least one model. To unpin everything, use \`clear\`. Usage: ${USAGE.set}`);
  });

  it('refuses duplicates', () => {
    expect(refusal('set a:cpu a:gpu', 'DUPLICATE_MODEL').details).toEqual({ modelId: 'a' });
  });
});

describe('compute', () => {
  it('moves one or several models to the trailing compute type', () => {
    expect(parseCommand('compute gpt2 gpu')).toEqual({ verb: 'compute', modelIds: ['gpt2'], computeType: 'gpu' });
    expect(parseCommand('compute a org/b CPU')).toEqual({ verb: 'compute', modelIds: ['a', 'org/b'], computeType: 'cpu' });
  });

  it('requires the trailing compute type', () => {
    const error = refusal('compute gpt2', 'INVALID_COMMAND');

    expect(error.message).toBe(`\`compute\` needs the compute type as its last word: \`cpu\` or \`gpu\`. Usage: ${USAGE.compute}`);
  });

  it('requires at least one model', () => {
    expect(refusal('compute gpu', 'INVALID_COMMAND').message).toBe(`\`compute\` needs at least one model. Usage: ${USAGE.compute}`);
    expect(refusal('compute', 'INVALID_COMMAND').message).toContain('needs the compute type');
  });

  it('accepts a suffix that agrees with the trailing type and refuses one that does not', () => {
    expect(parseCommand('compute a:gpu gpu')).toEqual({ verb: 'compute', modelIds: ['a'], computeType: 'gpu' });
    expect(refusal('compute a:cpu gpu', 'INVALID_COMMAND').message).toContain('`a:cpu` disagrees with `gpu`');
  });

  it('refuses duplicates', () => {
    expect(refusal('compute a a gpu', 'DUPLICATE_MODEL').details).toEqual({ modelId: 'a' });
  });
});

describe('status', () => {
  it('asks about every model or one model', () => {
    expect(parseCommand('status')).toEqual({ verb: 'status' });
    expect(parseCommand('status org/model')).toEqual({ verb: 'status', modelId: 'org/model' });
  });

  it('ignores a valid compute type on the model', () => {
    expect(parseCommand('status gpt2:gpu')).toEqual({ verb: 'status', modelId: 'gpt2' });
  });

  it('refuses more than one model', () => {
    expect(refusal('status a b', 'INVALID_COMMAND').message).toBe(`\`status\` takes at most one model. Usage: ${USAGE.status}`);
  });

  it('refuses a bare compute type', () => {
    expect(refusal('status gpu', 'INVALID_COMMAND').message).toContain('is a compute type, not a model');
  });

  it('refuses an invalid id', () => {
    expect(refusal('status foo--bar', 'INVALID_MODEL_ID').details.modelId).toBe('foo--bar');
  });
});

describe('revert', () => {
  it('takes one change id', () => {
    expect(parseCommand('revert chg_01-ABC')).toEqual({ verb: 'revert', changeId: 'chg_01-ABC' });
  });

  it('strips code marks around the id', () => {
    expect(parseCommand('revert `chg_01`')).toEqual({ verb: 'revert', changeId: 'chg_01' });
  });

  it('accepts 64 characters and refuses 65', () => {
    expect(parseCommand(`revert ${'c'.repeat(64)}`)).toEqual({ verb: 'revert', changeId: 'c'.repeat(64) });
    expect(refusal(`revert ${'c'.repeat(65)}`, 'INVALID_COMMAND').message).toContain('is not a change id');
  });

  it('refuses a missing id and points at history', () => {
    expect(refusal('revert', 'INVALID_COMMAND').message).toBe(`\`revert\` needs the id of a change; \`history\` lists them. Usage: ${USAGE.revert}`);
  });

  it('refuses two ids', () => {
    expect(refusal('revert a b', 'INVALID_COMMAND').message).toBe(`\`revert\` takes exactly one change id. Usage: ${USAGE.revert}`);
  });

  it.each(['a.b', 'a/b', '<@U123>', 'abc\u200B'])('refuses %s as a change id', (id) => {
    expect(refusal(`revert ${id}`, 'INVALID_COMMAND').message).toContain('is not a change id');
  });
});

describe('unknown words get the nearest command', () => {
  it.each([
    ['lsit', 'list'],
    ['lst', 'list'],
    ['ad', 'add'],
    ['remvoe', 'remove'],
    ['stauts', 'status'],
    ['pendng', 'pending'],
    ['histroy', 'history'],
    ['revret', 'revert'],
    ['hlep', 'help'],
    ['computer', 'compute'],
    ['clr', 'clear'],
    ['LSIT', 'list'],
  ])('suggests %s → %s', (word, verb) => {
    const error = refusal(`${word} gpt2`, 'INVALID_COMMAND');

    expect(error.details).toEqual({ input: `${word} gpt2`, suggestion: verb });
    expect(error.message).toBe(`Unknown command \`${word}\`. Did you mean \`${verb}\`?`);
  });

  it.each([
    ['pin', 'add'],
    ['unpin', 'remove'],
    ['rm', 'remove'],
    ['delete', 'remove'],
    ['ls', 'list'],
    ['show', 'list'],
    ['replace', 'set'],
    ['reset', 'clear'],
    ['undo', 'revert'],
    ['approve', 'pending'],
  ])('suggests the verb for the synonym %s → %s, without accepting it', (word, verb) => {
    const error = refusal(word, 'INVALID_COMMAND');

    expect(error.details.suggestion).toBe(verb);
    expect(error.message).toBe(`Unknown command \`${word}\`. Did you mean \`${verb}\`?`);
  });

  it('lists the commands when nothing is close', () => {
    const error = refusal('frobnicate gpt2', 'INVALID_COMMAND');

    expect(error.details).toEqual({ input: 'frobnicate gpt2' });
    expect(error.message).toBe(`Unknown command \`frobnicate\`. Commands: ${VERBS.join(', ')}.`);
  });

  it('does not suggest a verb for one-letter words or object property names', () => {
    expect(suggestVerb('a')).toBeUndefined();
    expect(suggestVerb('x')).toBeUndefined();
    expect(refusal('constructor', 'INVALID_COMMAND').details.suggestion).toBeUndefined();
    expect(refusal('__proto__', 'INVALID_COMMAND').details.suggestion).toBeUndefined();
    expect(refusal('toString', 'INVALID_COMMAND').details.suggestion).toBeUndefined();
  });

  it('does not read a model id as a command', () => {
    expect(refusal('gpt2', 'INVALID_COMMAND').details.input).toBe('gpt2');
  });
});

describe('model ids follow the Hugging Face rules', () => {
  it.each(['foo', 'foo/bar', '123', 'Foo-BAR_foo.bar123', 'n'.repeat(96)])('accepts %s', (id) => {
    expect(parseCommand(`add ${id}`)).toEqual({ verb: 'add', pins: [{ modelId: id, computeType: 'cpu' }] });
  });

  it.each([
    ['datasets/foo/bar', MODEL_ID_REASONS.form],
    ['.repo_id', MODEL_ID_REASONS.chars],
    ['repo_id.', MODEL_ID_REASONS.chars],
    ['foo--bar', MODEL_ID_REASONS.doubled],
    ['foo..bar', MODEL_ID_REASONS.doubled],
    ['foo.git', MODEL_ID_REASONS.gitSuffix],
    ['a'.repeat(100), MODEL_ID_REASONS.chars],
    ['n'.repeat(97), MODEL_ID_REASONS.chars],
  ])('refuses %s', (id, reason) => {
    const error = refusal(`add ${id}`, 'INVALID_MODEL_ID');

    expect(error.details.modelId).toBe(id);
    expect(error.details.reason).toContain(reason);
  });

  it('says why in a sentence', () => {
    expect(refusal('add foo--bar', 'INVALID_MODEL_ID').message).toBe("`foo--bar` is not a valid model id: it cannot contain '--' or '..'.");
  });

  it('reports a bad id before a good suffix, without the suffix', () => {
    const error = refusal('add foo--bar:gpu', 'INVALID_MODEL_ID');

    expect(error.details.modelId).toBe('foo--bar');
  });
});

describe('chat autoformatting', () => {
  it.each(['`gpt2`', '```gpt2```', '"gpt2"', "'gpt2'", '\u201Cgpt2\u201D', '\u2018gpt2\u2019', '`"gpt2"`'])(
    'strips the quotes or code marks in %s',
    (token) => {
      expect(parseCommand(`add ${token}`)).toEqual({ verb: 'add', pins: [{ modelId: 'gpt2', computeType: 'cpu' }] });
    },
  );

  it('strips code marks around a model with its suffix, or around the id alone', () => {
    expect(parseCommand('add `gpt2:gpu` `org/x`:gpu')).toEqual({
      verb: 'add',
      pins: [
        { modelId: 'gpt2', computeType: 'gpu' },
        { modelId: 'org/x', computeType: 'gpu' },
      ],
    });
  });

  it('strips code marks around the verb', () => {
    expect(parseCommand('`list`')).toEqual({ verb: 'list' });
  });

  it('refuses unbalanced quotes', () => {
    expect(refusal('add `gpt2', 'INVALID_MODEL_ID').details.modelId).toBe('`gpt2');
    expect(refusal('add "gpt2\'', 'INVALID_MODEL_ID').details.modelId).toBe('"gpt2\'');
  });

  it('keeps underscores, which a repo id may start and end with, rather than reading them as italics', () => {
    expect(parseCommand('add _gpt2_')).toEqual({ verb: 'add', pins: [{ modelId: '_gpt2_', computeType: 'cpu' }] });
  });
});

describe('markup, mentions and injection characters are invalid model ids', () => {
  it.each([
    '<@U123>',
    '<!here>',
    '<!channel>',
    '<#C123|general>',
    '@everyone',
    '@here',
    '*bold*',
    '~strike~',
    '_a_b_|x',
    'a|b',
    '&lt;script&gt;',
    '<https://huggingface.co/gpt2|gpt2>',
    'https://huggingface.co/gpt2',
    'gpt2:gpu/x',
    'gpt2:g\u200Bpu',
    '<https://x|y>',
    '``',
    'gpt2;rm',
    'a$(b)',
    '<:emoji:123>',
    ':rocket:',
  ])('refuses %s with a PinbotError', (token) => {
    const error = refusal(`add ${token}`, 'INVALID_MODEL_ID');

    expect(isPinbotError(error)).toBe(true);
    expect(error.details.reason.length).toBeGreaterThan(0);
    expect(error.message).toMatch(/ is not a valid model id: it .+\.$/);
  });

  it('never echoes a backtick from the input inside the message code span', () => {
    const error = refusal('add a`b', 'INVALID_MODEL_ID');

    expect(error.message).toBe(`\`a'b\` is not a valid model id: it ${error.details.reason}.`);
    expect(error.details.modelId).toBe('a`b');
  });
});

describe('unicode', () => {
  it.each([
    ['modèle', "found 'è'"],
    ['🤗', "found '🤗'"],
    ['gpt2🚀', "found '🚀'"],
    ['\u05DE\u05D5\u05D3\u05DC', "found '\u05DE'"],
    ['gpt\u202E2', 'found U+202E'],
    ['gp\u200Bt2', 'found U+200B'],
    ['gp\u200Dt2', 'found U+200D'],
    ['gp\u2060t2', 'found U+2060'],
    ['gp\uFEFFt2', 'found U+FEFF'],
    ['\uFF47pt2', "found '\uFF47'"],
  ])('refuses %s and names the character', (id, found) => {
    const error = refusal(`add ${id}`, 'INVALID_MODEL_ID');

    expect(error.details.modelId).toBe(id);
    expect(error.details.reason).toContain(found);
  });

  it('shows invisible characters by code point in the message', () => {
    expect(refusal('add gp\u200Bt2', 'INVALID_MODEL_ID').message).toMatch(/^`gp<U\+200B>t2` is not a valid model id/);
  });

  it('does not suggest anything for an unknown verb in another script', () => {
    expect(refusal('添加 gpt2', 'INVALID_COMMAND').details.suggestion).toBeUndefined();
  });
});

describe('very long input', () => {
  it(`accepts a command of exactly ${MAX_COMMAND_LENGTH} characters`, () => {
    const ids = Array.from({ length: 400 }, (_, index) => `m${String(index).padStart(6, '0')}`);
    const text = `add ${ids.join(' ')}`.padEnd(MAX_COMMAND_LENGTH, ' ');

    const command = parseCommand(text);

    expect(text.length).toBe(MAX_COMMAND_LENGTH);
    expect(command.verb === 'add' ? command.pins.length : 0).toBe(400);
  });

  it('refuses 5000 characters as too long, keeping only the start in the details', () => {
    const text = `add ${'a '.repeat(2500)}`;

    const error = refusal(text, 'INVALID_COMMAND');

    expect(error.message).toBe(`That message is too long (${text.length} characters); a command is at most ${MAX_COMMAND_LENGTH}.`);
    expect(error.details.input.length).toBeLessThanOrEqual(101);
  });

  it('refuses a 100k string fast', () => {
    const text = 'x'.repeat(100_000);
    const started = performance.now();

    const error = refusal(text, 'INVALID_COMMAND');

    expect(performance.now() - started).toBeLessThan(50);
    expect(error.message).toContain('too long');
  });

  it('parses the worst case under the limit fast', () => {
    const worst = [
      `add ${'a'.repeat(3990)}`,
      `add ${'a-'.repeat(1995)}`,
      `add ${'a/'.repeat(1995)}`,
      `add ${'x '.repeat(1995)}`,
      `${'l'.repeat(MAX_COMMAND_LENGTH)}`,
      `add ${'`'.repeat(3990)}`,
    ];
    const started = performance.now();

    for (const text of worst) {
      expect(() => parseCommand(text)).toThrow(PinbotError);
    }

    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('properties', () => {
  const idPart = fc.stringMatching(/^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,20}[A-Za-z0-9_])?$/);
  const validId = fc
    .tuple(fc.option(idPart, { nil: undefined }), idPart)
    .map(([namespace, name]) => (namespace === undefined ? name : `${namespace}/${name}`))
    .filter((id) => isValidModelId(id) && !['cpu', 'gpu'].includes(id.toLowerCase()));
  const compute = fc.constantFrom('cpu', 'gpu');
  const anyWord = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
    fc.constantFrom('cpu', 'GPU', ':gpu', 'a:tpu', '`x`', '<@U1>', 'gp\u200Bt2', 'a--b', '"', '\u00A0'),
    validId,
    validId.map((id) => `${id}:gpu`),
  );
  const commandLike = fc
    .tuple(fc.constantFrom(...VERBS, 'ADD', 'lsit', ''), fc.array(anyWord, { maxLength: 6 }), fc.constantFrom(' ', '\t', '\n', '\u00A0'))
    .map(([verb, words, space]) => [verb, ...words].join(space));

  it('either returns a command or throws a PinbotError, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), commandLike), (text) => {
        try {
          const command = parseCommand(text);
          expect(VERBS).toContain(command.verb);
        } catch (error) {
          expect(error).toBeInstanceOf(PinbotError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('add round-trips generated valid ids and their compute types', () => {
    const entry = fc.record({ id: validId, suffix: fc.option(compute, { nil: undefined }) });
    const entries = fc.uniqueArray(entry, { minLength: 1, maxLength: 8, selector: (item) => item.id });

    fc.assert(
      fc.property(entries, fc.option(compute, { nil: undefined }), (items, trailing) => {
        const words = items.map(({ id, suffix }) => (suffix === undefined ? id : `${id}:${suffix}`));
        const text = ['add', ...words, ...(trailing === undefined ? [] : [trailing])].join(' ');

        const command = parseCommand(text);

        expect(command).toEqual({
          verb: 'add',
          pins: items.map(({ id, suffix }) => ({ modelId: id, computeType: suffix ?? trailing ?? 'cpu' })),
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('never returns a model id that fails isValidModelId', () => {
    fc.assert(
      fc.property(commandLike, (text) => {
        let command: Command;
        try {
          command = parseCommand(text);
        } catch (error) {
          expect(error).toBeInstanceOf(PinbotError);
          return;
        }
        for (const id of modelIdsOf(command)) expect(isValidModelId(id)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('restore (the console\'s Restore button)', () => {
  function restoreRefusal(text: string): string {
    try {
      parseRestore(text);
    } catch (error) {
      expect(isPinbotError(error) && error.code).toBe('INVALID_COMMAND');
      return (error as Error).message;
    }
    throw new Error(`expected ${text} to be refused`);
  }

  it('reads `restore <alert id>` in any case, with the id quoted or not', () => {
    expect(parseRestore('restore a1B2-c_3')).toEqual({ verb: 'restore', alertId: 'a1B2-c_3' });
    expect(parseRestore('  RESTORE   `a1b2` ')).toEqual({ verb: 'restore', alertId: 'a1b2' });
  });

  it('leaves every other command to parseCommand', () => {
    expect(parseRestore('list')).toBeUndefined();
    expect(parseRestore('')).toBeUndefined();
    expect(parseRestore('restored x')).toBeUndefined();
  });

  it('says how to use it when the alert id is missing, doubled or malformed, instead of "Unknown command"', () => {
    expect(restoreRefusal('restore')).toMatch(/^`restore` needs the id of an alert.*Usage: restore <alert id>$/);
    expect(restoreRefusal('restore a b')).toBe('`restore` takes exactly one alert id. Usage: restore <alert id>');
    expect(restoreRefusal('restore a/b')).toMatch(/^`a\/b` is not an alert id/);
  });
});

describe('on an Inference Endpoints scope (its own words)', () => {
  const endpointRefusal = (text: string): PinbotError => {
    let thrown: unknown;
    try {
      parseCommand(text, ENDPOINT_COMMAND_WORDS);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PinbotError);
    return thrown as PinbotError;
  };
  const computeRefusal = "Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed. "
    + 'Change how many replicas stay warm with `add <endpoint> replicas=N`.';

  it.each([
    'add b gpu', 'add b cpu replicas=2', 'set a b gpu', 'add b:gpu', 'add org/name:cpu', 'add gpu b', 'remove b gpu', 'status gpu', 'compute b gpu', 'add b:tpu',
  ])('refuses a compute type in `%s` with one sentence, instead of dropping it', (text) => {
    const error = endpointRefusal(text);
    expect(error.code).toBe('INVALID_COMMAND');
    expect(error.message).toBe(computeRefusal);
  });

  it('parses endpoints and replicas as before', () => {
    expect(parseCommand('add embedder replicas=2', ENDPOINT_COMMAND_WORDS)).toEqual({ verb: 'add', pins: [{ modelId: 'embedder', computeType: 'cpu' }], scale: 2 });
    expect(parseCommand('remove a b', ENDPOINT_COMMAND_WORDS)).toEqual({ verb: 'remove', modelIds: ['a', 'b'] });
  });

  it('gives the endpoints usage, never the `:cpu|:gpu` one', () => {
    expect(endpointRefusal('set').message).toBe(
      '`set` needs at least one endpoint. To let every endpoint go cold, use `clear`. Usage: set <endpoint> … [replicas=N] — exactly these warm; every other endpoint goes cold',
    );
    expect(endpointRefusal('add').message).toContain('`add` needs at least one endpoint. Usage: add <endpoint> … [replicas=N]');
    expect(endpointRefusal('list all').message).toBe('`list` takes no arguments. Usage: list — every endpoint, warm or cold, and how many are warm of max_warm');
    expect(endpointRefusal('status a b').message).toBe('`status` takes at most one endpoint. Usage: status [endpoint] — the state of warm endpoints');
    expect(endpointRefusal('add a a').message).toBe('`a` is named twice; name each endpoint once.');
    expect(endpointRefusal('add a!b').message).toMatch(/^`a!b` is not a valid endpoint name or model repository: it /);
    expect(endpointRefusal('frobnicate').message).toBe(`Unknown command \`frobnicate\`. Commands: ${VERBS.filter((v) => v !== 'compute').join(', ')}.`);
    for (const text of ['set', 'add', 'list all', 'status a b', 'revert', 'frobnicate', 'add a replicas=1 replicas=2']) {
      expect(endpointRefusal(text).message).not.toMatch(/:cpu|:gpu|\bmodels?\b|unpin|compute/);
    }
  });

  it('keeps the pinned-list words by default', () => {
    expect(refusal('set', 'INVALID_COMMAND').message).toBe(`\`set\` needs at least one model. To unpin everything, use \`clear\`. Usage: ${USAGE.set}`);
    expect(parseCommand('add b gpu')).toEqual({ verb: 'add', pins: [{ modelId: 'b', computeType: 'gpu' }] });
  });
});
