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
  help: 'help — this text',
};

/** What `compute`, `cpu`/`gpu` or a `:gpu` suffix gets on an Inference Endpoints scope. */
export const ENDPOINT_COMPUTE_REFUSAL = "Compute types do not apply to Inference Endpoints: the instance is the endpoint's own, so nothing was proposed. "
  + 'Change how many replicas stay warm with `add <endpoint> replicas=N`.';

/** The words the parser uses in its refusals, which differ between a pinned list and warm endpoints. */
export interface CommandWords {
  readonly usage: Readonly<Record<Verb, string>>;
  /** The verbs that mean something here, listed for an unknown command. */
  readonly verbs: readonly Verb[];
  /** What a command names: `model` or `endpoint`. */
  readonly thing: string;
  /** What a word that fails the repo-id rules is not. */
  readonly idNoun: string;
  /** Said when `set` is given nothing. */
  readonly clearHint: string;
  /** False where compute types mean nothing: `compute`, a bare `cpu`/`gpu` or a `:gpu` suffix is refused. */
  readonly computeTypes: boolean;
}

export const PINNED_COMMAND_WORDS: CommandWords = {
  usage: USAGE,
  verbs: VERBS,
  thing: 'model',
  idNoun: 'model id',
  clearHint: 'To unpin everything, use `clear`.',
  computeTypes: true,
};

export const ENDPOINT_COMMAND_WORDS: CommandWords = {
  usage: ENDPOINTS_USAGE,
  verbs: VERBS.filter((verb) => verb !== 'compute'),
  thing: 'endpoint',
  idNoun: 'endpoint name or model repository',
  clearHint: 'To let every endpoint go cold, use `clear`.',
  computeTypes: false,
};
