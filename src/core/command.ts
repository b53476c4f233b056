import type { ComputeType } from './pin.ts';

/** A model named in a command, with the compute type asked for. */
export interface RequestedPin {
  readonly modelId: string;
  readonly computeType: ComputeType;
}

export type Command =
  | { readonly verb: 'list' }
  | { readonly verb: 'add'; readonly pins: readonly RequestedPin[]; readonly replicas?: number }
  | { readonly verb: 'remove'; readonly modelIds: readonly string[] }
  | { readonly verb: 'set'; readonly pins: readonly RequestedPin[]; readonly replicas?: number }
  | { readonly verb: 'compute'; readonly modelIds: readonly string[]; readonly computeType: ComputeType }
  | { readonly verb: 'clear' }
  | { readonly verb: 'status'; readonly modelId?: string }
  | { readonly verb: 'pending' }
  | { readonly verb: 'history' }
  | { readonly verb: 'revert'; readonly changeId: string }
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
  'list', 'add', 'remove', 'set', 'compute', 'clear', 'status', 'pending', 'history', 'revert', 'help',
];

export function isChangeCommand(command: Command | RestoreCommand): command is ChangeCommand {
  return ['add', 'remove', 'set', 'compute', 'clear', 'revert'].includes(command.verb);
}

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
  help: 'help — this text',
};

/** The console's stand-in for a Restore button (chat platforms have the button). */
export const RESTORE_USAGE = 'restore <alert id> — propose putting back what a drift alert, or a write that stopped midway, says was changed';
