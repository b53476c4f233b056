import type { ComputeType } from './pin.ts';
import type { ScheduleSpec, TypedScheduleSpec } from './schedule.ts';
import type { UsagePeriod } from './usage.ts';

/** A model named in a command, with the compute type asked for. */
export interface RequestedPin {
  readonly modelId: string;
  readonly computeType: ComputeType;
}

export type Command =
  | { readonly verb: 'list' }
  | { readonly verb: 'add'; readonly pins: readonly RequestedPin[]; readonly scale?: number }
  | { readonly verb: 'remove'; readonly modelIds: readonly string[] }
  | { readonly verb: 'set'; readonly pins: readonly RequestedPin[]; readonly scale?: number }
  | { readonly verb: 'compute'; readonly modelIds: readonly string[]; readonly computeType: ComputeType }
  | { readonly verb: 'clear' }
  | { readonly verb: 'status'; readonly modelId?: string }
  | { readonly verb: 'pending' }
  | { readonly verb: 'history' }
  | { readonly verb: 'revert'; readonly changeId: string }
  /** Requests, errors and what keeping ready cost over a period, for one entry or all. */
  | { readonly verb: 'usage'; readonly entry?: string; readonly period: UsagePeriod }
  /** Keep an entry ready in windows of time: a proposal, approved like any change. */
  | { readonly verb: 'schedule'; readonly spec: TypedScheduleSpec }
  /** The scope's schedules, with their next switches. */
  | { readonly verb: 'schedules' }
  /** Proposes removing a schedule. */
  | { readonly verb: 'unschedule'; readonly scheduleId: string }
  | { readonly verb: 'help' };

export type Verb = Command['verb'];

/**
 * Put back the list a drift alert saw replaced; proposed from the alert's Restore button, which the
 * console, having no buttons, prints as the command `restore <alert id>`.
 */
export interface RestoreCommand {
  readonly verb: 'restore';
  readonly alertId: string;
}

/** Commands that propose a new list and so go through approval. */
export type ChangeCommand = Extract<Command, { verb: 'add' | 'remove' | 'set' | 'compute' | 'clear' | 'revert' }> | RestoreCommand;

export const VERBS: readonly Verb[] = [
  'list', 'add', 'remove', 'set', 'compute', 'clear', 'status', 'pending', 'history', 'revert', 'usage', 'schedule', 'schedules', 'unschedule', 'help',
];

/**
 * A schedule's proposal, as kept: approving it starts (or removes) a schedule and writes nothing to
 * the live state. `readyCostPerHour`: what keeping the entry ready cost per hour when proposed, where known.
 */
export type ScheduleChange =
  | { readonly verb: 'schedule'; readonly spec: ScheduleSpec; readyCostPerHour?: number }
  | { readonly verb: 'unschedule'; readonly scheduleId: string; readonly spec: ScheduleSpec };

/** What a proposal proposes: a new list, or a schedule. */
export type ProposalCommand = ChangeCommand | ScheduleChange;

export function isScheduleChange(command: ProposalCommand): command is ScheduleChange {
  return command.verb === 'schedule' || command.verb === 'unschedule';
}

export function isChangeCommand(command: Command | RestoreCommand): command is ChangeCommand {
  return ['add', 'remove', 'set', 'compute', 'clear', 'revert'].includes(command.verb);
}

/** The console's stand-in for a Restore button (chat platforms have the button). */
export const RESTORE_USAGE = 'restore <alert id> — propose putting back what a drift alert, or a write that stopped midway, says was changed';

/** The words the parser uses, and its refusals, which differ from one backend to another. */
export interface CommandWords {
  /** One line per verb, `usage — meaning`, for `help` and for usage hints. */
  readonly usage: Readonly<Record<Verb, string>>;
  /** The verbs that mean something here, listed for an unknown command. */
  readonly verbs: readonly Verb[];
  /** What a command names: `model`, say. */
  readonly thing: string;
  /** What a word that fails the repo-id rules is not. */
  readonly idNoun: string;
  /** Said when `set` is given nothing. */
  readonly clearHint: string;
  /** Set where compute types mean nothing: the sentence that refuses `compute`, a bare `cpu`/`gpu` or a `:gpu` suffix. */
  readonly computeRefusal?: string;
  /** The `key=N` option of `add` and `set` that sets how many instances an entry keeps ready, where there is one. */
  readonly scaleOption?: ScaleOption;
  /** The word a schedule uses for keeping an entry ready (`warm`, `pinned`). */
  readonly readyWord: string;
  /** Options of other backends, each refused with its sentence: `key` → sentence. */
  readonly foreignOptions?: Readonly<Record<string, string>>;
}

/** `key=N` on add and set: its form is checked by the parser, its bounds per entry by the backend. */
export interface ScaleOption {
  readonly key: string;
  /** What N counts, for sentences: `instances`, say. */
  readonly noun: string;
  /** More than any entry allows in practice. */
  readonly max: number;
}

