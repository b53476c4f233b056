import { isPinbotError, type PinbotError } from '../domain/errors.ts';
import { hubCheckLines, hubProblemLines } from './hub-lines.ts';
import type { BackendWords, CardWording, WordsOf } from '../backend.ts';
import type { Pin } from '../domain/pin.ts';
import type { Principal } from '../domain/principal.ts';
import type { Proposal } from '../domain/proposal.ts';
import { isScheduleChange } from '../domain/command.ts';
import { describeWindow } from '../domain/schedule-words.ts';
import { renderScheduleCard, scheduleConfirmation, scheduleOutcome, schedulesLines } from './schedule-lines.ts';
import type { CommandResult, HistoryEntry, StatusEntry } from '../workflow/pinning-service.ts';
import { formatTime } from './format-time.ts';
import { usageLines } from './usage-lines.ts';
import { code, diffLine, diffSymbol, diffText, strong, text, user, type Card, type CardAction, type Line, type Message } from '../domain/ui.ts';

/** How a platform writes things: commands (`/pins ` in chat, nothing in the console), and each backend's words. */
export interface ReplyStyle {
  readonly commandPrefix: string;
  /** The words of a backend by its name, as a proposal or an answer carries it. */
  readonly wordsOf: WordsOf;
}

/** The answer to a command that is not a proposal (proposals get a card). */
export function renderResult(result: Exclude<CommandResult, { kind: 'proposal' }>, style: ReplyStyle): Message {
  switch (result.kind) {
    case 'list':
      return { visibility: 'private', lines: result.lines };
    case 'status':
      return { visibility: 'private', lines: statusLines(result.entries, style) };
    case 'pending':
      return { visibility: 'private', lines: pendingLines(result.proposals) };
    case 'history':
      return { visibility: 'private', lines: historyLines(result.changes, style, style.wordsOf(result.backend)) };
    case 'usage':
      return { visibility: 'private', lines: usageLines(result.report, { thing: style.wordsOf(result.backend).command.thing, commandPrefix: style.commandPrefix }) };
    case 'schedules':
      return { visibility: 'private', lines: schedulesLines(result.schedules, result.now, style.wordsOf(result.backend)) };
    case 'help':
      return {
        visibility: 'private',
        lines: [...helpLines(result.scope, style, style.wordsOf(result.backend)), ...result.rights.map((sentence): Line => [text(sentence)])],
      };
  }
}

function statusLines(entries: readonly StatusEntry[], style: ReplyStyle): Line[] {
  if (entries.length === 0) return [[text('Nothing is pinned, so there is no load state to show.')]];
  const [only] = entries;
  if (entries.length === 1 && only !== undefined && 'notPinned' in only) return [notPinnedLine(only.modelId, only.onHub, style)];
  return [
    [strong('Load state')],
    ...entries.map((entry): Line => {
      if ('error' in entry) return [text('• '), code(entry.modelId), text(` — ${entry.error.message}`)];
      if ('notPinned' in entry) return [text('• '), ...notPinnedLine(entry.modelId, entry.onHub, style)];
      const { status } = entry;
      const compute = describeCompute(status.computeType);
      return [text('• '), code(entry.modelId), text(` — ${status.state}${compute ? ` on ${compute}` : ''}`)];
    }),
  ];
}

function notPinnedLine(modelId: string, onHub: boolean | undefined, style: ReplyStyle): Line {
  const notPinned = [code(modelId), text(' is not pinned in this scope')];
  if (onHub === false) return [...notPinned, text(", and it is not on the Hugging Face Hub (or it is private and this scope's token cannot see it).")];
  if (onHub === true) return [...notPinned, text(', so it has no load state here; '), code(`${style.commandPrefix}add ${modelId}`), text(' would pin it.')];
  return [...notPinned, text(', so it has no load state here.')];
}

/** `compute_type` in status answers is a string or an object such as `{ gpu: { gpu: 'a100', count: 8 } }`. */
export function describeCompute(computeType: unknown): string | undefined {
  if (typeof computeType === 'string') return computeType;
  if (computeType === null || typeof computeType !== 'object') return undefined;
  const parts = Object.entries(computeType as Record<string, unknown>).map(([kind, detail]) => {
    if (detail !== null && typeof detail === 'object') {
      const { gpu, count } = detail as Record<string, unknown>;
      const model = typeof gpu === 'string' ? gpu : undefined;
      const times = typeof count === 'number' && count > 1 ? `${count}× ` : '';
      return model ? `${kind} (${times}${model})` : kind;
    }
    return kind;
  });
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function pendingLines(proposals: readonly Proposal[]): Line[] {
  if (proposals.length === 0) return [[text('No proposals are waiting for approval.')]];
  return [
    [strong('Waiting for approval')],
    ...proposals.map((p): Line => [
      text('• '), code(p.id), text(` by `), user(p.requester), text(`: ${changeSummary(p)}`),
    ]),
  ];
}

/** A proposal's change in a few words: its diff, or the schedule it starts or removes. */
function changeSummary(proposal: Proposal): string {
  const command = proposal.command;
  if (isScheduleChange(command)) {
    return command.verb === 'schedule'
      ? `schedule ${command.spec.entry} ${describeWindow(command.spec)}`
      : `remove schedule ${command.scheduleId} (${command.spec.entry})`;
  }
  return proposal.diff.map((d) => `${diffSymbol(d)} ${diffText(d)}`).join(', ');
}

function historyLines(changes: readonly HistoryEntry[], style: ReplyStyle, words: BackendWords): Line[] {
  if (changes.length === 0) return [[text('No changes have been applied through pinbot yet.')]];
  return [
    [strong('Recent changes'), text(` (undo one with `), code(`${style.commandPrefix}revert <change-id>`), text(')')],
    ...changes.map((change): Line => [
      text('• '), code(change.id), text(` ${formatTime(change.appliedAt)} — approved by `), user(change.approver),
      text(': '), ...(change.schedule !== undefined
        ? [text(change.schedule.verb === 'schedule'
          ? `schedule ${change.proposalId} started — ${change.schedule.spec.entry} ${describeWindow(change.schedule.spec)}`
          : `schedule ${change.schedule.scheduleId} removed — ${change.schedule.spec.entry}`)]
        : words.historyChange(change.before, change.after)),
      ...(change.requester.userId.startsWith('schedule:') ? [text(` — switched by ${change.requester.displayName ?? change.requester.userId}`)] : []),
      ...(change.partial ? [text(' — partly applied: the change stopped midway, so only these were written')] : []),
      ...(change.revertOf !== undefined ? [text(' — revert of '), code(change.revertOf)] : []),
    ]),
  ];
}

function helpLines(scope: string, style: ReplyStyle, words: BackendWords): Line[] {
  const { usage, verbs } = words.command;
  return [
    [strong('pinbot'), text(` ${words.helpIntro(scope)}`)],
    ...verbs.map((verb): Line => {
      const [form = verb, meaning = ''] = usage[verb].split(' — ');
      return [text('• '), code(`${style.commandPrefix}${form}`), text(` — ${meaning}`)];
    }),
  ];
}

/** The proposal card, in whatever state the proposal is in. */
export function renderProposalCard(proposal: Proposal, style: ReplyStyle): Card {
  const command = proposal.command;
  if (isScheduleChange(command)) return renderScheduleCard(proposal, command, style.wordsOf(proposal.backend), scheduleConfirmation(command));
  const before = proposal.base.length;
  const partial = proposal.outcome?.kind === 'failed' ? proposal.outcome.partial : undefined;
  // A write that stopped midway is counted as it really left the list, not as proposed.
  const after = partial ? partial.after.length : proposal.proposed.length;
  const backendWords = style.wordsOf(proposal.backend);
  const words = backendWords.card;
  const fields: { label: string; value: Line }[] = [
    { label: 'Requested by', value: [user(proposal.requester)] },
    { label: words.countLabel, value: [text(words.count(before, after, proposal.allowed))] },
  ];
  const extra = backendWords.extraField?.(proposal);
  if (extra) fields.push(extra);
  const notes: Line[] = [];
  let title: Line;
  let actions: CardAction[] = [];

  switch (proposal.state) {
    case 'pending':
      title = [strong(words.proposedTitle)];
      fields.push({ label: 'Expires', value: [text(formatTime(proposal.expiresAt))] });
      if (proposal.approvalsRequired > 1) {
        fields.push({ label: 'Approvals', value: approvalsLine(proposal) });
      }
      notes.push(...hubCheckLines(proposal.hubChecks ?? []));
      notes.push([text('⚠️ '), text(words.warning)]);
      notes.push(proposedListLine(proposal, words));
      actions = [
        { kind: 'approve', proposalId: proposal.id, label: 'Approve', style: 'primary', confirm: approveConfirmation(proposal, style) },
        { kind: 'cancel', proposalId: proposal.id, label: 'Cancel', style: 'secondary' },
      ];
      break;
    case 'applying':
      title = [strong('Applying…')];
      notes.push(decidedLine('Approved by', proposal.decidedBy));
      if (proposal.outcome?.kind === 'unconfirmed') notes.push([text(proposal.outcome.message)]);
      break;
    case 'applied':
      title = [strong('✅ Applied')];
      notes.push(decidedLine('Approved by', proposal.decidedBy));
      notes.push(proposedListLine(proposal, words));
      if (proposal.outcome?.kind === 'applied') {
        notes.push([text(`Hugging Face: ${proposal.outcome.message}`)]);
        notes.push([text('Change '), code(proposal.outcome.changeId), text(' — undo with '), code(`${style.commandPrefix}revert ${proposal.outcome.changeId}`)]);
      }
      break;
    case 'stale':
      title = [strong(words.staleTitle)];
      notes.push([text('Nothing was written. Changed since the proposal:')]);
      if (proposal.outcome?.kind === 'stale') {
        for (const line of proposal.outcome.changedUnderneath) notes.push(diffLine(line));
        if (proposal.outcome.allowedNow !== proposal.outcome.allowedBefore) {
          notes.push([text(`Slots allowed: ${proposal.outcome.allowedBefore} → ${proposal.outcome.allowedNow}`)]);
        }
      }
      if (proposal.outcome?.kind === 'stale' && proposal.outcome.reproposed) {
        const { reproposed } = proposal.outcome;
        notes.push([text('Proposed again by '), user(reproposed.by), text(' as '), code(reproposed.proposalId), text(' on the current list.')]);
      } else {
        actions = [{ kind: 'repropose', proposalId: proposal.id, label: 'Propose again on the current list', style: 'secondary' }];
      }
      break;
    case 'failed':
      title = [strong(partial ? '⚠️ Partly applied' : '❌ Not applied')];
      notes.push(decidedLine('Approved by', proposal.decidedBy));
      if (proposal.outcome?.kind === 'failed') {
        const partialWords = backendWords.partialWrite;
        if (partial && partialWords) notes.push(...partialWords.cardLines(partial, proposal.outcome.restoreAlertId !== undefined, style));
        else notes.push([text(proposal.outcome.message)]);
        if (proposal.outcome.restoreAlertId !== undefined) {
          actions = [{ kind: 'restore', proposalId: proposal.outcome.restoreAlertId, label: partialWords?.restoreLabel ?? 'Restore', style: 'primary' }];
        }
      }
      break;
    case 'cancelled':
      title = [strong('Cancelled')];
      notes.push(decidedLine('Cancelled by', proposal.decidedBy));
      notes.push([text('Nothing was written.')]);
      break;
    case 'expired':
      title = [strong('Expired')];
      notes.push([text(`Nobody approved this before ${formatTime(proposal.expiresAt)}. Nothing was written.`)]);
      break;
  }
  return { proposalId: proposal.id, state: proposal.state, title, fields, diff: proposal.diff, notes, actions };
}

/** What Approve asks before anything is written, on every platform: Slack's dialog, Discord's private step. */
export function approveConfirmation(proposal: Proposal, style: ReplyStyle): NonNullable<CardAction['confirm']> {
  if (isScheduleChange(proposal.command)) return scheduleConfirmation(proposal.command);
  const words = style.wordsOf(proposal.backend).card;
  return {
    title: words.confirmTitle,
    text: words.confirmText(proposal),
    confirm: 'Confirm',
    deny: 'Back',
  };
}

/** The confirmation as a private message with its own two buttons, for platforms without a dialog. */
export function renderApproveConfirmation(proposal: Proposal, style: ReplyStyle): { readonly message: Message; readonly actions: readonly CardAction[] } {
  const confirm = approveConfirmation(proposal, style);
  return {
    message: { visibility: 'private', lines: [[strong(confirm.title)], [text(confirm.text)], proposedListLine(proposal, style.wordsOf(proposal.backend).card)] },
    actions: [
      { kind: 'confirm', proposalId: proposal.id, label: confirm.confirm, style: 'primary' },
      { kind: 'back', proposalId: proposal.id, label: confirm.deny, style: 'secondary' },
    ],
  };
}

/** The confirmation step once answered, so its buttons can go. */
export function confirmationAnswered(answer: 'confirmed' | 'back'): Message {
  return {
    visibility: 'private',
    lines: [[text(answer === 'confirmed'
      ? 'Approved; the card shows what happened.'
      : 'Not approved; nothing was written. The card can still be approved.')]],
  };
}

/** The one message posted to the channel when a proposal reaches its final state. */
export function renderOutcome(proposal: Proposal, style: Pick<ReplyStyle, 'wordsOf'>): Message {
  const words = style.wordsOf(proposal.backend);
  if (isScheduleChange(proposal.command)) return scheduleOutcome(proposal, proposal.command);
  const diffSummary = proposal.diff.map((d) => `${diffSymbol(d)} ${diffText(d)}`).join(', ');
  switch (proposal.outcome?.kind) {
    case 'applied':
      return {
        visibility: 'channel',
        lines: [
          [text(words.card.appliedSummary), text(diffSummary), text('), approved by '), ...approvedBy(proposal), text('.')],
          [text(`Hugging Face: ${proposal.outcome.message}`)],
        ],
      };
    case 'stale':
      return { visibility: 'channel', isError: true, lines: [[text(words.card.staleSummary)]] };
    case 'failed':
      if (proposal.outcome.partial && words.partialWrite) {
        const { partial, restoreAlertId } = proposal.outcome;
        return { visibility: 'channel', isError: true, lines: words.partialWrite.summary(partial, approvedBy(proposal), restoreAlertId !== undefined) };
      }
      return { visibility: 'channel', isError: true, lines: [[text(`❌ The change (${diffSummary}) was not applied: `), text(proposal.outcome.message)]] };
    case 'cancelled':
      return { visibility: 'channel', lines: [[text('The proposal was cancelled by '), ...(proposal.decidedBy ? [user(proposal.decidedBy)] : [text('someone')]), text('. Nothing was written.')]] };
    case 'expired':
      return { visibility: 'channel', lines: [[text('A proposal expired without approval. Nothing was written.')]] };
    case 'unconfirmed':
    case undefined:
      return { visibility: 'channel', lines: [[text(`Proposal ${proposal.id} is ${proposal.state}.`)]] };
  }
}

function approvedBy(proposal: Proposal): Line {
  return proposal.decidedBy ? [user(proposal.decidedBy)] : [text('someone')];
}

/** The sentence a person sees for a refusal or failure; never a stack trace. */
export function describeError(error: unknown, style: ReplyStyle): Message {
  if (!isPinbotError(error)) {
    return { visibility: 'private', isError: true, lines: [[text('Something went wrong on our side; nothing was written. Please try again.')]] };
  }
  return { visibility: 'private', isError: true, lines: errorLines(error, style) };
}

function errorLines(error: PinbotError, style: ReplyStyle): Line[] {
  if (error.is('QUOTA_EXCEEDED')) {
    const { allowed, requested, current } = error.details;
    return [
      [text(`Can't pin ${requested} models: your plan allows ${allowed}. Nothing was proposed.`)],
      currentLine(current),
      [text('Remove one in the same change, e.g. '), code(`${style.commandPrefix}set …`), text(' with the full list you want.')],
    ];
  }
  if (error.is('MODEL_NOT_AVAILABLE')) return hubProblemLines(error.details.problems);
  if (error.is('NO_CHANGE')) {
    const { said } = error.details;
    if (said === undefined) return [[text(error.message)]];
    return [[text(said.noChange)], currentLine(error.details.current, said.label, said.nothing)];
  }
  if (error.is('NOT_PINNED')) return [[text(error.message)], currentLine(error.details.current)];
  if (error.is('INVALID_COMMAND')) {
    return [[text(error.message)], [text('See '), code(`${style.commandPrefix}help`), text(' for every command.')]];
  }
  if (error.is('ALREADY_DECIDED')) {
    const { state, by } = error.details;
    return [[text(`This proposal was already ${state}`), ...(by ? [text(' by '), user(by)] : []), text('. Nothing more was written.')]];
  }
  if (error.code.startsWith('HF_')) {
    // The client's sentence already quotes Hugging Face's own text.
    return [[text(error.message), text(' Nothing was written.')]];
  }
  return [[text(error.message)]];
}

function currentLine(current: readonly Pin[], label = 'Pinned now: ', nothing = 'nothing'): Line {
  if (current.length === 0) return [text(`${label}${nothing}.`)];
  const parts: Line[number][] = [text(label)];
  current.forEach((pin, index) => {
    if (index > 0) parts.push(text(', '));
    parts.push(code(pin.modelId), text(` (${pin.computeType})`));
  });
  return parts;
}

function proposedListLine(proposal: Proposal, words: CardWording): Line {
  const { proposed } = proposal;
  if (proposed.length === 0) return [strong(words.newList(0).replace(' (0)', '')), text(words.emptyList)];
  const parts: Line[number][] = [strong(words.newList(proposed.length))];
  proposed.forEach((pin, index) => {
    if (index > 0) parts.push(text(', '));
    parts.push(code(pin.modelId), text(` (${pin.computeType})`));
  });
  return parts;
}

function approvalsLine(proposal: Proposal): Line {
  const parts: Line[number][] = [text(`${proposal.approvals.length} of ${proposal.approvalsRequired}`)];
  proposal.approvals.forEach((approver, index) => parts.push(text(index === 0 ? ': ' : ', '), user(approver)));
  return parts;
}

function decidedLine(label: string, who: Principal | undefined): Line {
  return who ? [text(`${label} `), user(who)] : [text(`${label} someone`)];
}

export { formatTime };
