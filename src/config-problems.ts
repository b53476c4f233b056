import type { z } from 'zod';

/**
 * zod's own wording ("Invalid input: expected object, received null") is for programmers. This is
 * the error map pinbot parses its configuration with: each rule a schema does not word itself is
 * said in words a person can act on. It says what was expected and what kind of value was found,
 * never the value, which may be a secret. Messages written in a schema take precedence over it.
 */
export const plainIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return wrongType(issue.expected, issue.input);
    case 'unrecognized_keys':
      return `has ${issue.keys.length === 1 ? 'a setting' : 'settings'} pinbot does not know: ${issue.keys.join(', ')} (check the spelling)`;
    case 'invalid_value':
      return `must be ${oneOf(issue.values.map((value) => JSON.stringify(value)))}`;
    case 'invalid_union':
      return `must be ${oneOf(issue.errors.map((branch) => branchExpects(branch[0])))}, not ${kindOf(issue.input)}`;
    case 'too_small':
      return issue.origin === 'array' ? `must list at least ${String(issue.minimum)}` : issue.origin === 'string' ? 'must not be empty' : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' ? `must list at most ${String(issue.maximum)}` : issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return 'is not in the expected format';
    default:
      return 'is not valid here';
  }
};

/** `scopes.0.name must be …`: the path in the file or environment, then the rule. */
export function issueSentence(issue: z.core.$ZodIssue, whole: string): string {
  return `${issue.path.join('.') || whole} ${issue.message}`;
}

function wrongType(expected: string, input: unknown): string {
  const wanted = EXPECTED[expected] ?? expected;
  if (input === undefined) return `is missing (it must be ${wanted})`;
  // A YAML id written without quotes is read as a number, and long ones lose digits.
  const hint = expected === 'string' && typeof input === 'number' ? ': write it in quotes' : '';
  return `must be ${wanted}, not ${kindOf(input)}${hint}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of settings (key: value lines)',
};

function branchExpects(issue: z.core.$ZodIssue | undefined): string {
  if (issue === undefined) return 'something else';
  if (issue.code === 'invalid_value') return oneOf(issue.values.map((value) => JSON.stringify(value)));
  if (issue.code === 'invalid_type') return EXPECTED[issue.expected] ?? issue.expected;
  return 'something else';
}

/** `a, b or c`. */
export function oneOf(options: readonly string[]): string {
  return wordList(options, 'or');
}

/** `a, b and c`. */
export function allOf(items: readonly string[]): string {
  return wordList(items, 'and');
}

function wordList(words: readonly string[], conjunction: 'and' | 'or'): string {
  if (words.length <= 1) return words[0] ?? 'something else';
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1] ?? ''}`;
}

/** What kind of value was found, without the value. */
export function kindOf(input: unknown): string {
  if (input === null || input === undefined) return 'empty';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return input.trim() === '' ? 'empty text' : 'text';
  if (typeof input === 'number') return Number.isInteger(input) ? 'a whole number' : 'a decimal number';
  if (typeof input === 'boolean') return input ? 'true' : 'false';
  if (typeof input === 'object') return 'a mapping of settings';
  return typeof input;
}
