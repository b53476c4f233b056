import { VERBS, type CommandWords, type Verb } from '../../core/domain/command.ts';
import type { BackendWords, CardWording } from '../../core/backend.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { diffLists } from '../../core/domain/plan.ts';
import type { EndpointInfo, NamespaceState } from './api.ts';
import type { DiffLine, PartialWrite } from '../../core/domain/proposal.ts';
import { code, strong, text, type Inline, type Line } from '../../core/domain/ui.ts';
import { endpointCostText, warmCostField, warmTotalLine } from './cost-words.ts';
import { NO_CHANGE } from './plan.ts';

/** More than any endpoint's `maxReplica` allows in practice; the endpoint's own maximum is checked when planning. */
const MAX_REPLICAS = 100;

/** The same verbs as they act on Inference Endpoints, for `help` and usage hints there. */
export const ENDPOINTS_USAGE: Readonly<Record<Verb, string>> = {
  list: 'list — every endpoint, warm or cold, and how many are warm of max_warm',
  add: 'add <endpoint> … [replicas=N] — keep endpoints warm (min replicas 1, or N); an endpoint may be named by the one repository it serves',
  remove: 'remove <endpoint> … — let endpoints go cold (min replicas 0; they scale to zero when idle)',
  set: 'set <endpoint> … [replicas=N] — exactly these warm; every other endpoint goes cold',
  compute: "compute — not on Inference Endpoints: the instance is the endpoint's own",
  clear: 'clear — every endpoint cold',
  status: 'status [endpoint] — the state of warm endpoints',
  pending: 'pending — proposals waiting for approval',
  history: 'history — the last applied changes',
  revert: 'revert <change-id> — propose the warm set as it was before that change',
  usage: 'usage [endpoint] [24h|7d|30d] — requests, errors and warm cost per endpoint over a period (default 24h)',
  schedule: 'schedule <endpoint> warm <days> <HH:MM>-<HH:MM> [zone] [replicas=N] — keep an endpoint warm in those hours only (days: mon-fri, daily, sat,sun; zone: Europe/Paris)',
  schedules: 'schedules — the approved schedules and their next switches',
  unschedule: 'unschedule <schedule id> — propose removing a schedule',
  help: 'help — this text',
};

/** What `compute`, `cpu`/`gpu` or a `:gpu` suffix gets on an Inference Endpoints scope. */
export const ENDPOINT_COMPUTE_REFUSAL = "Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed. "
  + 'Change how many replicas stay warm with `add <endpoint> replicas=N`.';

export const ENDPOINT_COMMAND_WORDS: CommandWords = {
  usage: ENDPOINTS_USAGE,
  verbs: VERBS.filter((verb) => verb !== 'compute'),
  thing: 'endpoint',
  idNoun: 'endpoint name or model repository',
  clearHint: 'To let every endpoint go cold, use `clear`.',
  readyWord: 'warm',
  computeRefusal: ENDPOINT_COMPUTE_REFUSAL,
  scaleOption: { key: 'replicas', noun: 'replicas', max: MAX_REPLICAS },
};

export const ENDPOINTS_WORDING: CardWording = {
  proposedTitle: 'Proposed change to the warm Inference Endpoints',
  countLabel: 'Warm endpoints',
  count: (before, after, allowed) => `${before} → ${after} of ${allowed} (max_warm)`,
  warning: 'Approving updates the scaling of each endpoint in the diff, one at a time; no other endpoint is touched. Cold endpoints scale to zero when idle.',
  confirmTitle: 'Update these endpoints?',
  confirmText: (proposal) => `This sends ${proposal.diff.length} scaling update${proposal.diff.length === 1 ? '' : 's'} to Hugging Face.`,
  staleTitle: '⚠️ Not applied: an endpoint changed after this was proposed',
  newList: (count) => `Warm after (${count}): `,
  emptyList: 'none (every endpoint can scale to zero)',
  appliedSummary: '✅ Warm endpoints updated (',
  staleSummary: '⚠️ A proposal was not applied because an endpoint it touches changed after it was made. Nothing was written.',
};

/** Inference Endpoints' words for every reply. */
export const ENDPOINTS_WORDS: BackendWords = {
  command: ENDPOINT_COMMAND_WORDS,
  card: ENDPOINTS_WORDING,
  helpIntro: (scope) => `keeps the Inference Endpoints of scope ${scope} warm or cold. Changes are proposed, shown as a diff, and written only after someone approves.`,
  historyChange: (before, after) => endpointChangesText(before, after),
  extraField: (proposal) => warmCostField(proposal),
  partialWrite: {
    cardLines: (partial, restore, style) => partialWriteLines(partial, restore, style),
    summary: (partial, approvedBy, restore) => partialWriteSummary(partial, approvedBy, restore),
    restoreLabel: 'Restore the changed endpoints',
  },
  drift: { what: 'warm Inference Endpoints', read: 'warm endpoints', previous: 'the endpoints as they were', restoreLabel: 'Restore the endpoints as they were' },
  current: { label: 'Warm now: ', nothing: 'none' },
  noChange: NO_CHANGE,
};

/** `list` on an endpoints scope: every endpoint of the namespace, warm first. */
export function endpointListLines(scope: string, list: NamespaceState): Line[] {
  const { endpoints } = list;
  const heading: Line = [strong(`Inference Endpoints (${scope})`), text(` — ${list.pins.length} of ${list.allowed} warm (max_warm)`)];
  if (endpoints.length === 0) return [heading, [text('This namespace has no endpoints.')]];
  const ordered = [...endpoints].sort((a, b) => Number(b.minReplica >= 1) - Number(a.minReplica >= 1));
  return [heading, ...ordered.map(endpointLine), warmTotalLine(list)];
}

function endpointLine(endpoint: EndpointInfo): Line {
  const warmth = endpoint.minReplica >= 1 ? `warm, min ${endpoint.minReplica}` : `cold, min 0${endpoint.scaleToZeroTimeout !== undefined ? `, scales to zero after ${endpoint.scaleToZeroTimeout} min` : ''}`;
  return [
    text('• '), code(endpoint.name),
    text(` — ${warmth}, max ${endpoint.maxReplica}; ${endpoint.state}; ${endpoint.instance}; serves `), code(endpoint.repository),
    text(`; ${endpointCostText(endpoint)}`),
  ];
}

/** What a written change did to one endpoint: `cold → warm (1 replica)`. */
function changedText(line: DiffLine): string {
  switch (line.kind) {
    case 'added': return `cold → warm (${line.computeType})`;
    case 'removed': return `warm (${line.computeType}) → cold`;
    case 'compute': return `warm, ${line.from} → ${line.to}`;
  }
}

/** What an unwritten change left as it was: `still cold (was to go warm, 1 replica)`. */
function unchangedText(line: DiffLine): string {
  switch (line.kind) {
    case 'added': return `still cold (was to go warm, ${line.computeType})`;
    case 'removed': return `still warm (${line.computeType}; was to go cold)`;
    case 'compute': return `still ${line.from} (was to go to ${line.to})`;
  }
}

function endpointsList(lines: readonly DiffLine[], describe: (line: DiffLine) => string): Inline[] {
  if (lines.length === 0) return [text('none')];
  return lines.flatMap((line, index) => [...(index > 0 ? [text('; ')] : []), code(line.modelId), text(` ${describe(line)}`)]);
}

function warmNowLine(warm: readonly Pin[]): Line {
  if (warm.length === 0) return [text('Warm now: none.')];
  return [text('Warm now: '), ...warm.flatMap((pin, index) => [...(index > 0 ? [text(', ')] : []), code(pin.modelId), text(` (${pin.computeType})`)]), text('.')];
}

function restoreLine(partial: PartialWrite, restore: boolean, commandPrefix: string): Line {
  const recorded = [text('Recorded as change '), code(partial.changeId), text('. ')];
  if (restore) return [...recorded, text('Restore proposes putting the changed endpoints back; nothing is written until someone approves it.')];
  return [...recorded, text('Undo the changed endpoints with '), code(`${commandPrefix}revert ${partial.changeId}`), text('.')];
}

function whyLine(partial: PartialWrite): Line {
  if (partial.failed === undefined) return [text(`It stopped because ${partial.reason}.`)];
  return [text('The update of '), code(partial.failed), text(` failed: ${partial.reason}`)];
}

/** The card's notes on endpoint writes that stopped midway: exactly which changed, which did not, and the warm set now. */
export function partialWriteLines(partial: PartialWrite, restore: boolean, style: { readonly commandPrefix: string }): Line[] {
  return [
    [text('Changed: '), ...endpointsList(partial.changed, changedText), text('.')],
    [text('Not changed: '), ...endpointsList(partial.unchanged, unchangedText), text('.')],
    whyLine(partial),
    warmNowLine(partial.after),
    restoreLine(partial, restore, style.commandPrefix),
  ];
}

/** The channel's (or thread's) message about endpoint writes that stopped midway. */
export function partialWriteSummary(partial: PartialWrite, approvedBy: Line, restore: boolean): Line[] {
  return [
    [text('⚠️ The change was partly applied, approved by '), ...approvedBy, text(': changed '), ...endpointsList(partial.changed, changedText),
      text('; not changed '), ...endpointsList(partial.unchanged, unchangedText), text('.')],
    whyLine(partial),
    warmNowLine(partial.after),
    restoreLine(partial, restore, ''),
  ];
}

/** One `history` entry's change on an endpoints scope: each endpoint made warm, cold, or given other replicas. */
export function endpointChangesText(before: readonly Pin[], after: readonly Pin[]): Inline[] {
  return endpointsList(diffLists(before, after), changedText);
}
