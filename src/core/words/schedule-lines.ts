import type { BackendWords } from '../backend.ts';
import type { ScheduleChange } from '../domain/command.ts';
import type { Proposal } from '../domain/proposal.ts';
import type { Schedule, ScheduleSpec, SwitchDirection } from '../domain/schedule.ts';
import { nextSwitches, readyHoursPerWeek } from '../domain/schedule-times.ts';
import { describeWindow, formatSwitchTime } from '../domain/schedule-words.ts';
import { code, strong, text, user, type Card, type CardAction, type Line, type Message } from '../domain/ui.ts';
import type { SwitchResult } from '../workflow/schedule-workflow.ts';
import { formatTime } from './format-time.ts';

/** Hours in the 30-day month costs are given for, as on every other card. */
const HOURS_PER_MONTH = 30 * 24;
const WEEKS_PER_MONTH = 30 / 7;
const SWITCHES_SHOWN = 3;

/** `$1,440.00`: an amount to the cent, as every other card gives one. */
const usd = (amount: number): string => `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** `$0.066`: an hourly rate to the tenth of a cent where it has one, as the price lists give them. */
const usdRate = (rate: number): string => (Number(rate.toFixed(2)) === Number(rate.toFixed(3)) ? usd(rate) : `$${rate.toFixed(3)}`);

/** `keep \`x\` warm (2 instances)`: what a window does, in the backend's words. */
function keepsLine(spec: ScheduleSpec, words: BackendWords): Line {
  const setting = spec.scale !== undefined && words.command.scaleOption
    ? ` (${spec.scale} ${words.command.scaleOption.noun})`
    : spec.computeType !== undefined ? ` (${spec.computeType})` : '';
  return [text('keep '), code(spec.entry), text(` ${words.command.readyWord}${setting} `), strong(describeWindow(spec))];
}

/** The next switches after `from`, in the schedule's zone. */
export function switchesLine(spec: ScheduleSpec, from: number, words: BackendWords, count = SWITCHES_SHOWN): Line {
  const upcoming = nextSwitches(spec, from, count);
  return [text(upcoming.map((at) => `${at.to === 'ready' ? words.command.readyWord : 'off'} ${formatSwitchTime(at.at, spec.zone)}`).join(' · '))];
}

/** What the windows cost a month against keeping the entry ready all the time, where its price is known. */
function costLine(spec: ScheduleSpec, costPerHour: number | undefined, from: number): Line {
  if (costPerHour === undefined) return [text('price unknown')];
  const scheduled = costPerHour * readyHoursPerWeek(spec, from) * WEEKS_PER_MONTH;
  const always = costPerHour * HOURS_PER_MONTH;
  return [text(`${usd(scheduled)} a month, against ${usd(always)} kept ready all the time (${usdRate(costPerHour)}/h while ready)`)];
}

/** A schedule's proposal card, in whatever state it is in. */
export function renderScheduleCard(proposal: Proposal, change: ScheduleChange, words: BackendWords, confirm: NonNullable<CardAction['confirm']>): Card {
  const from = proposal.decidedAt ?? proposal.createdAt;
  const adding = change.verb === 'schedule';
  const id = adding ? proposal.id : change.scheduleId;
  const fields: { label: string; value: Line }[] = [
    { label: 'Requested by', value: [user(proposal.requester)] },
    { label: 'Windows', value: keepsLine(change.spec, words) },
  ];
  if (adding) {
    fields.push({ label: 'Next switches', value: switchesLine(change.spec, from, words) });
    // A backend with no price source says so in `usage`; its cards speak of no cost.
    if (words.usageUnavailable === undefined) fields.push({ label: 'Cost', value: costLine(change.spec, change.readyCostPerHour, from) });
  }
  const notes: Line[] = [];
  let title: Line;
  let actions: CardAction[] = [];
  switch (proposal.state) {
    case 'pending':
      title = [strong(adding ? `Proposed schedule ${id}` : `Proposed removal of schedule ${id}`)];
      fields.push({ label: 'Expires', value: [text(formatTime(proposal.expiresAt))] });
      notes.push([text(adding
        ? 'Approving writes nothing now: at each switch pinbot changes this entry alone, checked like any change (caps, what changed meanwhile). A change a person makes in between is never undone.'
        : 'Approving stops these switches; the entry stays as it is then.')]);
      actions = [
        { kind: 'approve', proposalId: proposal.id, label: 'Approve', style: 'primary', confirm },
        { kind: 'cancel', proposalId: proposal.id, label: 'Cancel', style: 'secondary' },
      ];
      break;
    case 'applying':
      title = [strong('Applying…')];
      break;
    case 'applied':
      title = [strong(adding ? `✅ Schedule ${id} is on` : `✅ Schedule ${id} removed`)];
      notes.push(decided('Approved by', proposal));
      if (adding) notes.push([text('Remove it with '), code(`unschedule ${id}`), text('; each switch is told here.')]);
      break;
    case 'failed':
      title = [strong('❌ Not applied')];
      notes.push(decided('Approved by', proposal));
      if (proposal.outcome?.kind === 'failed') notes.push([text(proposal.outcome.message)]);
      break;
    case 'cancelled':
      title = [strong('Cancelled')];
      notes.push(decided('Cancelled by', proposal));
      break;
    case 'expired':
    case 'stale':
      title = [strong('Expired')];
      notes.push([text(`Nobody approved this before ${formatTime(proposal.expiresAt)}. Nothing changed.`)]);
      break;
  }
  return { proposalId: proposal.id, state: proposal.state, title, fields, diff: [], notes, actions };
}

function decided(label: string, proposal: Proposal): Line {
  return [text(`${label} `), ...(proposal.decidedBy ? [user(proposal.decidedBy)] : [text('someone')])];
}

/** What Approve asks of a schedule's proposal. */
export function scheduleConfirmation(change: ScheduleChange): NonNullable<CardAction['confirm']> {
  return change.verb === 'schedule'
    ? { title: 'Start this schedule?', text: `pinbot will switch ${change.spec.entry} at ${describeWindow(change.spec)}, without asking again.`, confirm: 'Confirm', deny: 'Back' }
    : { title: 'Remove this schedule?', text: `pinbot will stop switching ${change.spec.entry}; it stays as it is then.`, confirm: 'Confirm', deny: 'Back' };
}

/** The channel's one message when a schedule's proposal ends. */
export function scheduleOutcome(proposal: Proposal, change: ScheduleChange): Message {
  const outcome = proposal.outcome;
  const what = change.verb === 'schedule' ? `schedule ${proposal.id} for ${change.spec.entry}` : `the removal of schedule ${change.scheduleId}`;
  switch (outcome?.kind) {
    case 'applied':
      return { visibility: 'channel', lines: [[text(outcome.message), text(' Approved by '), ...(proposal.decidedBy ? [user(proposal.decidedBy)] : [text('someone')]), text('.')]] };
    case 'failed':
      return { visibility: 'channel', isError: true, lines: [[text(`❌ ${what} was not applied: ${outcome.message}`)]] };
    case 'cancelled':
      return { visibility: 'channel', lines: [[text(`The proposal of ${what} was cancelled. Nothing changed.`)]] };
    default:
      return { visibility: 'channel', lines: [[text(`The proposal of ${what} expired without approval. Nothing changed.`)]] };
  }
}

/** `schedules`: each active schedule, its windows and its next switches. */
export function schedulesLines(schedules: readonly Schedule[], now: number, words: BackendWords): Line[] {
  if (schedules.length === 0) return [[text('This scope has no schedules. Propose one with '), code(words.command.usage.schedule.split(' — ')[0] ?? 'schedule'), text('.')]];
  return [
    [strong('Schedules')],
    ...schedules.flatMap((schedule): Line[] => [
      [text('• '), code(schedule.id), text(': '), ...keepsLine(schedule.spec, words), text(' — approved by '), user(schedule.approver)],
      [text('   next: '), ...switchesLine(schedule.spec, now, words),
        ...(schedule.overriddenUntil !== undefined ? [text(` — held by a person's change until ${formatSwitchTime(schedule.overriddenUntil, schedule.spec.zone)}`)] : [])],
    ]),
  ];
}

/** The one line under a schedule's card that says what a switch did. */
export function switchLine(schedule: Schedule, to: SwitchDirection, at: number, result: SwitchResult, words: BackendWords): Message {
  const wanted = to === 'ready' ? `${words.command.readyWord}` : `off (not ${words.command.readyWord})`;
  const when = formatSwitchTime(at, schedule.spec.zone);
  const head = [text(`Schedule ${schedule.id}, ${when}: `)];
  switch (result.kind) {
    case 'already':
      return { visibility: 'channel', lines: [[...head, code(schedule.spec.entry), text(` is already ${wanted}; nothing written.`)]] };
    case 'overridden':
      return { visibility: 'channel', lines: [[...head, code(schedule.spec.entry), text(` was changed since the schedule left it, so it was not switched ${wanted}.`)]] };
    case 'refused':
      return { visibility: 'channel', isError: true, lines: [[...head, code(schedule.spec.entry), text(` was not switched ${wanted}: `), text(result.error.message)]] };
    case 'handed-over':
      return { visibility: 'channel', lines: [[...head, code(schedule.spec.entry), text(` stays ${words.command.readyWord}: schedule `), code(result.to), text(` keeps it ${words.command.readyWord} from here; nothing written.`)]] };
    case 'written': {
      const { proposal } = result;
      if (proposal.state === 'applied') {
        return { visibility: 'channel', lines: [[...head, code(schedule.spec.entry), text(` switched ${wanted}, approved by `), user(proposal.decidedBy ?? schedule.approver), text('; change '), code(proposal.outcome?.kind === 'applied' ? proposal.outcome.changeId : proposal.id), text('.')]] };
      }
      const why = proposal.outcome?.kind === 'failed' || proposal.outcome?.kind === 'unconfirmed' ? proposal.outcome.message
        : proposal.outcome?.kind === 'stale' ? 'the entries changed while it was being written' : proposal.state;
      return { visibility: 'channel', isError: true, lines: [[...head, code(schedule.spec.entry), text(` was not switched ${wanted}: ${why}`)]] };
    }
  }
}

/** The notice of a person's change met by a switch: not undone; Resume or Remove. */
export function overrideNotice(schedule: Schedule, to: SwitchDirection, resumesAt: number | undefined, words: BackendWords): { message: Message; actions: CardAction[] } {
  const wanted = to === 'ready' ? words.command.readyWord : `off (not ${words.command.readyWord})`;
  return {
    message: {
      visibility: 'channel',
      lines: [
        [strong(`Schedule ${schedule.id}`), text(': '), code(schedule.spec.entry), text(` was changed since the schedule last switched it, so pinbot did not switch it ${wanted}; a person's change is never undone.`)],
        [text(resumesAt !== undefined
          ? `The schedule resumes by itself at its next window, ${formatSwitchTime(resumesAt, schedule.spec.zone)}. Resume now, or remove the schedule.`
          : 'Resume now, or remove the schedule.')],
      ],
    },
    actions: [
      { kind: 'resume', proposalId: schedule.id, label: 'Resume schedule', style: 'primary', typed: `resume ${schedule.id}` },
      { kind: 'unschedule', proposalId: schedule.id, label: 'Remove schedule', style: 'danger', typed: `unschedule ${schedule.id}` },
    ],
  };
}
