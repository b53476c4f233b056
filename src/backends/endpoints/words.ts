import { ENDPOINT_COMMAND_WORDS, ENDPOINTS_USAGE } from '../../core/command.ts';
import type { Pin } from '../../core/pin.ts';
import { diffLists } from '../../core/plan.ts';
import type { EndpointInfo, PinnedList } from '../../core/ports.ts';
import type { DiffLine, PartialWrite, Proposal } from '../../core/proposal.ts';
import { code, strong, text, type Inline, type Line } from '../../core/ui.ts';
import { isEndpointsProposal, warmCostChange } from './plan.ts';

/** The card's cost field on an endpoints proposal, when the prices are known. */
export function warmCostField(proposal: Proposal): { label: string; value: Line } | undefined {
  if (!isEndpointsProposal(proposal)) return undefined;
  const cost = warmCostChange(proposal);
  if (cost === undefined) return undefined;
  return { label: 'Warm cost', value: [text(`$${cost.before.toFixed(2)} → $${cost.after.toFixed(2)} per hour`)] };
}

/** `help` on an endpoints scope: the same verbs, as they act on endpoints. */
export function endpointHelpLines(scope: string, style: { readonly commandPrefix: string }): Line[] {
  return [
    [strong('pinbot'), text(` keeps the Inference Endpoints of scope ${scope} warm or cold. Changes are proposed, shown as a diff, and written only after someone approves.`)],
    ...ENDPOINT_COMMAND_WORDS.verbs.map((verb): Line => {
      const [usage = verb, meaning = ''] = ENDPOINTS_USAGE[verb].split(' — ');
      return [text('• '), code(`${style.commandPrefix}${usage}`), text(` — ${meaning}`)];
    }),
  ];
}

/** The words a card uses, which differ between the classic pinned list and warm endpoints. */
export interface CardWording {
  readonly proposedTitle: string;
  readonly countLabel: string;
  readonly count: (before: number, after: number, allowed: number) => string;
  readonly warning: string;
  readonly confirmTitle: string;
  readonly confirmText: (proposal: Proposal) => string;
  readonly staleTitle: string;
  readonly newList: (count: number) => string;
  readonly emptyList: string;
  readonly appliedSummary: string;
  readonly staleSummary: string;
}

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

export function wordingOf(proposal: Pick<Proposal, 'baseVersion'>): CardWording {
  return isEndpointsProposal(proposal) ? ENDPOINTS_WORDING : PINNED_WORDING;
}

/** `list` on an endpoints scope: every endpoint of the namespace, warm first. */
export function endpointListLines(scope: string, list: PinnedList): Line[] {
  const endpoints = list.endpoints ?? [];
  const heading: Line = [strong(`Inference Endpoints (${scope})`), text(` — ${list.pins.length} of ${list.allowed} warm (max_warm)`)];
  if (endpoints.length === 0) return [heading, [text('This namespace has no endpoints.')]];
  const ordered = [...endpoints].sort((a, b) => Number(b.minReplica >= 1) - Number(a.minReplica >= 1));
  const lines: Line[] = [heading, ...ordered.map(endpointLine)];
  const cost = warmCost(endpoints);
  if (cost !== undefined) lines.push([text(`Warm cost: $${cost.toFixed(2)} per hour at minimum replicas.`)]);
  return lines;
}

function endpointLine(endpoint: EndpointInfo): Line {
  const warmth = endpoint.minReplica >= 1 ? `warm, min ${endpoint.minReplica}` : `cold, min 0${endpoint.scaleToZeroTimeout !== undefined ? `, scales to zero after ${endpoint.scaleToZeroTimeout} min` : ''}`;
  const price = endpoint.pricePerHour !== undefined ? `, $${endpoint.pricePerHour.toFixed(2)}/h per replica` : '';
  return [
    text('• '), code(endpoint.name),
    text(` — ${warmth}, max ${endpoint.maxReplica}; ${endpoint.state}; ${endpoint.instance}${price}; serves `), code(endpoint.repository),
  ];
}

/** Hourly cost of the warm replicas, when every warm endpoint's price is known. */
export function warmCost(endpoints: readonly EndpointInfo[]): number | undefined {
  const warm = endpoints.filter((endpoint) => endpoint.minReplica >= 1);
  let total = 0;
  for (const endpoint of warm) {
    if (endpoint.pricePerHour === undefined) return undefined;
    total += endpoint.pricePerHour * endpoint.minReplica;
  }
  return warm.length === 0 ? undefined : total;
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
