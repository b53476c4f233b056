import type { Pin } from './pin.ts';
import type { DiffLine } from './proposal.ts';

/** What approval would write, checked against the cap. */
export interface Plan {
  readonly base: readonly Pin[];
  readonly baseVersion: string;
  readonly proposed: readonly Pin[];
  readonly diff: readonly DiffLine[];
  readonly allowed: number;
  /** What the backend keeps of the state it planned on, for its checks at approval (stored as the proposal's `seen`). */
  readonly seen?: unknown;
}

/** Added, removed and setting-changed entries, in the order of the lists. */
export function diffLists(before: readonly Pin[], after: readonly Pin[]): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const pin of before) {
    const next = after.find((candidate) => candidate.modelId === pin.modelId);
    if (next === undefined) lines.push({ kind: 'removed', modelId: pin.modelId, computeType: pin.computeType });
    else if (next.computeType !== pin.computeType) lines.push({ kind: 'compute', modelId: pin.modelId, from: pin.computeType, to: next.computeType });
  }
  for (const pin of after) {
    if (!before.some((candidate) => candidate.modelId === pin.modelId)) {
      lines.push({ kind: 'added', modelId: pin.modelId, computeType: pin.computeType });
    }
  }
  return lines;
}

/** True when both lists hold the same entries with the same settings. */
export function sameAssignments(a: readonly Pin[], b: readonly Pin[]): boolean {
  return a.length === b.length && diffLists(a, b).length === 0;
}
