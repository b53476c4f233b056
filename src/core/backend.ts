import type { ApplyContext, RecordContext } from './apply-context.ts';
import type { ChangeCommand, CommandWords } from './domain/command.ts';
import type { Pin } from './domain/pin.ts';
import type { Plan } from './domain/plan.ts';
import type { ModelStatus } from './ports.ts';
import type { PartialWrite, Proposal } from './domain/proposal.ts';
import type { Inline, Line } from './domain/ui.ts';
import type { UsageReading } from './domain/usage.ts';

/**
 * The port every backend implements: what "keep this model ready" means for one scope, how it is
 * read, planned, written and reconciled. The workflow (proposals, approvals, locks, history,
 * notifications) is the core's; everything that depends on which Hugging Face API a scope uses
 * is here, so the core never asks which backend it talks to.
 */
export interface ScopeBackend<Live extends LiveState = LiveState> {
  /** The registry's name for this backend; stored on each proposal, so its card keeps its words. */
  readonly kind: string;
  readonly words: BackendWords;
  /** What it reads, for sentences about a read that failed, such as `the pinned list`. */
  readonly target: string;
  /** The live state, read now. */
  read(): Promise<Live>;
  /** What `list` shows of the live state. */
  describe(scope: string, live: Live): Line[];
  /**
   * The full proposed state a change implies, with its diff and the cap before → after; throws a
   * coded `PinbotError` to refuse (nothing proposed).
   */
  plan(request: PlanRequest<Live>): Promise<Plan>;
  /** The model repositories the Hub check looks up for this plan. */
  modelsToCheck(plan: Plan, live: Live): string[];
  /**
   * Applies a proposal under the scope's lock (the proposal is `applying`): reads the live state
   * again, settles stale when what it rests on moved, checks the cap again against the state being
   * written, writes (each write after `confirmLock`), records exactly what was written, and settles.
   */
  apply(proposal: Proposal, context: ApplyContext): Promise<Proposal>;
  /**
   * Settles a proposal found `applying` after a crash or an unconfirmed write, from the live state
   * read under the scope's lock: written, partly written (saying which), or not written.
   */
  recover(proposal: Proposal, live: Live, context: RecordContext): Promise<Proposal>;
  /**
   * A version of a set of entries: equal exactly when the entries are, as this backend compares
   * them (drift checks compare what pinbot last saw with what is live by it).
   */
  version(pins: readonly Pin[]): string;
  /**
   * Whether `status <id>` asks the API about `id`, or answers that the scope does not hold it (an
   * API that reports on anything it knows would otherwise read as if the scope held it).
   */
  holds(id: string, live: Live): boolean;
  /** The API's load state of one entry, as sent. */
  status(id: string): Promise<ModelStatus>;
  /** Whether an entry a change brought in is ready, still loading, or will not load. */
  loadState(id: string): Promise<LoadState>;
  /** Where this backend reads how much its entries are used; absent when it has no such source. */
  readonly usage?: UsageSource<Live>;
  /** Releases connections. */
  close?(): Promise<void>;
}

/**
 * An optional capability: counters of the requests each entry answered, read now, from which the
 * core keeps hourly counts by sampling; and what keeping an entry ready costs per hour.
 */
export interface UsageSource<Live extends LiveState = LiveState> {
  /** Every entry whose usage can be sampled, as named in commands. */
  entries(): Promise<readonly string[]>;
  /** The same, as the live state already read shows them: no second read. */
  entriesIn(live: Live): readonly string[];
  /** One entry's counters now, or a sentence saying the account may not read them. */
  sample(entry: string): Promise<UsageReading>;
  /**
   * What keeping this entry ready with its setting costs per hour, in USD, by the prices in the
   * live state; undefined when its price is unknown.
   */
  readyCostPerHour(entry: Pin, live: Live): number | undefined;
  /**
   * How long an entry kept ready may go without requests before its scope is told once, with a
   * button to let it go cold; absent: never told.
   */
  readonly idleAfterMs?: number;
}

/** A scope's live state as its backend reads it. */
export interface LiveState {
  /** The entries the scope's cap counts, each with its setting: what a change plans over and drift compares. */
  readonly pins: readonly Pin[];
  /** The cap on `pins`. */
  readonly allowed: number;
}

export interface PlanRequest<Live extends LiveState = LiveState> {
  readonly command: ChangeCommand;
  readonly live: Live;
  /** For `revert` and `restore`: the entries as they were. */
  readonly restoreTo?: readonly Pin[];
  /**
   * What the proposals behind the scope's recent changes saw, newest first, for settings the live
   * state no longer shows; asked only when the plan needs it.
   */
  readonly earlierSeen: () => Promise<readonly SeenByProposal[]>;
}

/** What one earlier proposal of this backend kept of the state it saw. */
export interface SeenByProposal {
  readonly proposalId: string;
  readonly seen: unknown;
}

export type LoadState =
  | { readonly kind: 'ready'; readonly status: ModelStatus }
  | { readonly kind: 'loading'; readonly state: string }
  | { readonly kind: 'failed'; readonly reason: string };

/**
 * A backend's words, for every reply that speaks of its things. Static, so a card is drawn from a
 * stored proposal alone (its `backend` names the words).
 */
export interface BackendWords {
  /** The parser's words: usage lines, what a command names, options. */
  readonly command: CommandWords;
  readonly card: CardWording;
  /** `help`'s opening line (the verbs follow, from `command.usage`). */
  readonly helpIntro: (scope: string) => string;
  /** What one change in `history` did. */
  readonly historyChange: (before: readonly Pin[], after: readonly Pin[]) => Inline[];
  /** A card's extra field drawn from what the proposal saw (a cost), when there is one. */
  readonly extraField?: (proposal: Proposal) => { label: string; value: Line } | undefined;
  /** A write in several steps that stopped midway: the card's lines and the channel's message. */
  readonly partialWrite?: {
    readonly cardLines: (partial: PartialWrite, restore: boolean, style: { readonly commandPrefix: string }) => Line[];
    readonly summary: (partial: PartialWrite, approvedBy: Line, restore: boolean) => Line[];
    readonly restoreLabel: string;
  };
  readonly drift: {
    /** `pinned models`: what changed outside pinbot. */
    readonly what: string;
    /** `pinned list`: what a drift check reads, for its log lines. */
    readonly read: string;
    /** `the previous list`: what Restore proposes. */
    readonly previous: string;
    readonly restoreLabel: string;
  };
  /** `Pinned now: `, and what it says when there is nothing. */
  readonly current: { readonly label: string; readonly nothing: string };
  /** `Nothing to change: …`. */
  readonly noChange: string;
  /** Why `usage` has nothing to show, for a backend with no usage source. */
  readonly usageUnavailable?: string;
}

/** The words a card uses. */
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

/** Finds a backend's words by the name a proposal stores. */
export type WordsOf = (kind: string) => BackendWords;
