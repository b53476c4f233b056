import { isValidModelId } from './model-id.ts';

/** Levenshtein distance, case-insensitive; model ids are short. */
export function idDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= y.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[y.length] ?? 0;
}

/**
 * The ids among `candidates` close enough to `typed` to be what was meant, nearest first, at most
 * `limit`. "Close" grows with the id's length: a few slipped keys, not a different model.
 */
export function closestIds(typed: string, candidates: readonly string[], limit = 3): string[] {
  const within = Math.max(2, Math.ceil(typed.length / 4));
  // Only ids pinbot itself would accept: a suggestion is shown in chat and may be copied into a command.
  return [...new Set(candidates)]
    .filter((candidate) => candidate !== typed && isValidModelId(candidate))
    .map((candidate, order) => ({ candidate, order, distance: idDistance(typed, candidate) }))
    .filter((entry) => entry.distance <= within)
    .sort((a, b) => a.distance - b.distance || a.order - b.order)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}
