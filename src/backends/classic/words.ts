import { VERBS, type CommandWords, type Verb } from '../../core/domain/command.ts';
import type { BackendWords, CardWording } from '../../core/backend.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { code, strong, text, type Line } from '../../core/domain/ui.ts';
import type { PinnedList } from './api.ts';

/** One line per verb, for `help` and for usage hints. */
export const USAGE: Readonly<Record<Verb, string>> = {
  list: 'list — show the pinned models and the slots used',
  add: 'add <model>[:cpu|:gpu] … [cpu|gpu] — pin models (default cpu)',
  remove: 'remove <model> … — unpin models',
  set: 'set <model>[:cpu|:gpu] … — replace the whole list with exactly these',
  compute: 'compute <model> … cpu|gpu — move pinned models to another compute type',
  clear: 'clear — unpin everything',
  status: 'status [model] — load state of pinned models',
  pending: 'pending — proposals waiting for approval',
  history: 'history — the last applied changes',
  revert: 'revert <change-id> — propose the list as it was before that change',
  usage: 'usage [model] [24h|7d|30d] — requests and cost over a period (Inference Endpoints scopes only)',
  schedule: 'schedule <model>[:cpu|:gpu] pinned <days> <HH:MM>-<HH:MM> [zone] — keep a model pinned in those hours only (days: mon-fri, daily, sat,sun; zone: Europe/Paris)',
  schedules: 'schedules — the approved schedules and their next switches',
  unschedule: 'unschedule <schedule id> — propose removing a schedule',
  help: 'help — this text',
};


/** The option an Inference Endpoints scope has, refused here. */
export const REPLICAS_REFUSAL = '`replicas=` applies to Inference Endpoints scopes only; this scope manages pinned models.';

export const PINNED_COMMAND_WORDS: CommandWords = {
  usage: USAGE,
  verbs: VERBS,
  thing: 'model',
  idNoun: 'model id',
  clearHint: 'To unpin everything, use `clear`.',
  readyWord: 'pinned',
  foreignOptions: { replicas: REPLICAS_REFUSAL },
};

export const PINNED_WORDING: CardWording = {
  proposedTitle: 'Proposed change to the pinned models',
  countLabel: 'Slots used',
  count: (before, after, allowed) => `${before} → ${after} of ${allowed}`,
  warning: 'Approving replaces the entire pinned list with the list below; anything not in it is unpinned.',
  confirmTitle: 'Replace the whole list?',
  confirmText: (proposal) => `This writes the whole list of ${proposal.proposed.length} model${proposal.proposed.length === 1 ? '' : 's'} to Hugging Face; anything not in it is unpinned.`,
  staleTitle: '⚠️ Not applied: the pinned list changed after this was proposed',
  newList: (count) => `New list (${count}): `,
  emptyList: 'empty (everything is unpinned)',
  appliedSummary: '✅ Pinned models updated (',
  staleSummary: '⚠️ A proposal was not applied because the pinned list changed after it was made. Nothing was written.',
};

/** The classic pinned list's words for every reply. */
export const PINNED_WORDS: BackendWords = {
  command: PINNED_COMMAND_WORDS,
  card: PINNED_WORDING,
  helpIntro: (scope) => `manages the Hugging Face pinned models of scope ${scope}. Changes are proposed, shown as a diff, and written only after someone approves.`,
  historyChange: (before: readonly Pin[], after: readonly Pin[]) => [text(`${before.length} → ${after.length} models`)],
  drift: { what: 'pinned models', read: 'pinned list', previous: 'the previous list', restoreLabel: 'Restore the previous list' },
  current: { label: 'Pinned now: ', nothing: 'nothing' },
  noChange: 'Nothing to change: the pinned list already looks like that.',
  usageUnavailable: 'The classic Inference API has no documented route for usage, so pinbot has no requests or cost to show for pinned models.',
};

/** `list`: the pinned models and the slots used. */
export function listLines(scope: string, list: PinnedList): Line[] {
  const heading: Line = [strong(`Pinned models (${scope})`), text(` — ${list.pins.length} of ${list.allowed} slots used`)];
  if (list.pins.length === 0) return [heading, [text('Nothing is pinned.')]];
  return [heading, ...list.pins.map(pinLine)];
}

function pinLine(pin: Pin): Line {
  return [text('• '), code(pin.modelId), text(` — ${pin.computeType}`)];
}
