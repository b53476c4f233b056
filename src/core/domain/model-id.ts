/**
 * Hugging Face repo-id rules, in pinbot's stricter ASCII form (notes/hf-api.md §4).
 * The reasons follow huggingface_hub's `validate_repo_id` messages, in its order of checks.
 */

const NAME_MAX_LENGTH = 96;

/** Namespace optional; each part starts and ends with a letter, digit or '_'; the name is 1–96 chars. */
const REPO_ID = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?\/)?[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?$/;

const ALLOWED_CHAR = /[A-Za-z0-9_.\-/]/;
/** Control, format (zero-width, bidi marks), unassigned, and separator characters other than the plain space. */
const INVISIBLE_CHAR = /[\p{C}\p{Z}]/u;

export const MODEL_ID_REASONS = {
  empty: 'is empty',
  form: "must be in the form 'name' or 'namespace/name'",
  chars:
    "may use only letters, digits, '-', '_' and '.', cannot start or end with '-' or '.', and the name is at most 96 characters",
  doubled: "cannot contain '--' or '..'",
  gitSuffix: "cannot end with '.git'",
} as const;

/**
 * Why `id` is not a model id pinbot accepts, as a phrase that reads after "it"
 * ("it cannot contain '--' or '..'"); `undefined` when the id is valid.
 */
export function modelIdProblem(id: string): string | undefined {
  if (id === '') return MODEL_ID_REASONS.empty;
  if (id.split('/').length > 2) return MODEL_ID_REASONS.form;
  if (!REPO_ID.test(id)) {
    const detail = charsDetail(id);
    return detail === undefined ? MODEL_ID_REASONS.chars : `${MODEL_ID_REASONS.chars} (${detail})`;
  }
  if (id.includes('--') || id.includes('..')) return MODEL_ID_REASONS.doubled;
  if (id.endsWith('.git')) return MODEL_ID_REASONS.gitSuffix;
  return undefined;
}

export function isValidModelId(id: string): boolean {
  return modelIdProblem(id) === undefined;
}

/** Names the first thing that broke the character rule, so an invisible character is not a mystery. */
function charsDetail(id: string): string | undefined {
  for (const char of id) {
    if (!ALLOWED_CHAR.test(char)) return `found ${describeChar(char)}`;
  }
  const slash = id.indexOf('/');
  const name = slash === -1 ? id : id.slice(slash + 1);
  if (name.length > NAME_MAX_LENGTH) return `the name has ${name.length} characters`;
  const parts = slash === -1 ? [id] : [id.slice(0, slash), name];
  for (const part of parts) {
    if (part === '') return slash === -1 ? undefined : "a part around '/' is empty";
    const first = part.charAt(0);
    const last = part.charAt(part.length - 1);
    if (first === '-' || first === '.') return `'${part}' starts with '${first}'`;
    if (last === '-' || last === '.') return `'${part}' ends with '${last}'`;
  }
  return undefined;
}

/** A character as a person can read it in a message: quoted, or as U+XXXX when invisible. */
export function describeChar(char: string): string {
  if (INVISIBLE_CHAR.test(char) && char !== ' ') {
    const codePoint = char.codePointAt(0) ?? 0;
    return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return `'${char}'`;
}
