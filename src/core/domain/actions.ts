/**
 * What a button does. Buttons carry an id and nothing to be parsed back from text: a proposal id,
 * or for `restore` the id of a drift alert, for `letgocold` the id of an idle alert, for `resume` and
 * `unschedule` a schedule's id. `confirm` and
 * `back` answer the "replace the whole list?" step where a platform asks it with buttons of its own (Discord).
 */
export type ActionKind = 'approve' | 'cancel' | 'repropose' | 'restore' | 'letgocold' | 'resume' | 'unschedule' | 'confirm' | 'back';

const KINDS: readonly ActionKind[] = ['approve', 'cancel', 'repropose', 'restore', 'letgocold', 'resume', 'unschedule', 'confirm', 'back'];

const PREFIX = 'pinbot';
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A compact, stable id for a button: `pinbot:approve:<proposal id>`. Fits Discord's 100-char custom id. */
export function encodeAction(kind: ActionKind, proposalId: string): string {
  return `${PREFIX}:${kind}:${proposalId}`;
}

export function decodeAction(value: string): { kind: ActionKind; proposalId: string } | undefined {
  const [prefix, kind, proposalId, ...rest] = value.split(':');
  if (prefix !== PREFIX || rest.length > 0 || proposalId === undefined || !ID_PATTERN.test(proposalId)) return undefined;
  const known = KINDS.find((candidate) => candidate === kind);
  if (known === undefined) return undefined;
  return { kind: known, proposalId };
}

export function isProposalId(value: string): boolean {
  return ID_PATTERN.test(value);
}
