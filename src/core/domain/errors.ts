import type { HubProblem } from './model-catalog.ts';
import type { Pin } from './pin.ts';
import type { Principal } from './principal.ts';
import type { ProposalState } from './proposal.ts';

/** What each error code carries for the sentence the user sees. */
export interface ErrorDetails {
  /** The text did not parse. `suggestion` is the nearest verb when there is one. */
  INVALID_COMMAND: { input: string; suggestion?: string };
  INVALID_MODEL_ID: { modelId: string; reason: string };
  INVALID_COMPUTE_TYPE: { value: string };
  DUPLICATE_MODEL: { modelId: string };
  NOT_PINNED: { modelIds: string[]; current: Pin[] };
  /** `said`: the backend's words for it, when they are not the pinned list's. */
  NO_CHANGE: { current: Pin[]; said?: NoChangeWords };
  QUOTA_EXCEEDED: { allowed: number; requested: number; current: Pin[] };
  PROPOSAL_NOT_FOUND: { proposalId: string };
  /** Someone already approved, cancelled, or it failed; `by` is who acted, when known. */
  ALREADY_DECIDED: { proposalId: string; state: ProposalState; by?: Principal };
  EXPIRED: { proposalId: string; expiredAt: number };
  /** This approver's approval is already counted; `missing` more are needed from others. */
  ALREADY_APPROVED: { proposalId: string; missing: number };
  /** "Propose again" on a proposal that did not go stale (a forged or replayed click). */
  NOT_STALE: { proposalId: string; state: ProposalState };
  /** A stale card's "propose again" was already used. */
  ALREADY_REPROPOSED: { proposalId: string; newProposalId: string; by: Principal };
  NOT_ALLOWED: { action: 'propose' | 'approve' | 'cancel'; reason: string };
  CHANGE_NOT_FOUND: { changeId: string };
  ALERT_NOT_FOUND: { alertId: string };
  /** `usage <entry>` named an entry the scope neither has nor kept usage of; `known`: those it has. */
  UNKNOWN_USAGE_ENTRY: { entry: string; known: string[] };
  /** Hugging Face rejected the token. */
  HF_BAD_TOKEN: HfErrorDetails;
  /** The account or organization has no plan that allows pinning. */
  HF_NO_PINNING_PLAN: HfErrorDetails;
  /** Hugging Face refused the list as over the plan's quota. */
  HF_QUOTA: HfErrorDetails;
  HF_UNKNOWN_MODEL: HfErrorDetails & { modelId?: string };
  HF_RATE_LIMITED: HfErrorDetails & { retryAfterSeconds?: number };
  /** Network errors, timeouts or 5xx answers, after the bounded retries. */
  HF_UNAVAILABLE: HfErrorDetails;
  /** A 2xx answer whose body is not what the API documents. */
  HF_BAD_RESPONSE: HfErrorDetails;
  /** Any other refusal from Hugging Face. */
  HF_REJECTED: HfErrorDetails;
  /** The scope's lock was no longer held when the write was due, so nothing was written. */
  LOCK_LOST: { scope: string };
  /** The Hub does not have a model the change adds, or the scope's token may not use it. */
  MODEL_NOT_AVAILABLE: { problems: HubProblem[] };
  /** What a stored proposal saw cannot be read back, so nothing can be checked or written on it. */
  PROPOSAL_UNREADABLE: Record<string, never>;
  /** No schedule of the scope has that id (or it was removed). */
  SCHEDULE_NOT_FOUND: { scheduleId: string };
  /** The schedule's windows overlap those of another schedule of the same entry. */
  SCHEDULE_OVERLAP: { entry: string; otherId: string };
  /** A schedule's own proposal cannot be reverted or proposed again: it is removed with `unschedule`. */
  NOT_A_LIST_CHANGE: { changeId: string; scheduleId: string };
  /** The write was answered, but the list it reports is not the one sent. */
  WRITE_NOT_CONFIRMED: { sent: Pin[]; reported: Pin[] };
}

export interface HfErrorDetails {
  /** HTTP status, when there was an answer. */
  status?: number;
  /** Hugging Face's own `error` text, as it came. */
  hfMessage?: string;
  attempts?: number;
}

/**
 * Each backend adds the codes of its own refusals to `ErrorDetails` from its folder (a module
 * augmentation), so the core knows every code's details without naming any backend.
 */
export type ErrorCode = keyof ErrorDetails;

/** How a backend words "nothing to change" and the entries it has now. */
export interface NoChangeWords {
  readonly noChange: string;
  readonly label: string;
  readonly nothing: string;
}

export class PinbotError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'PinbotError';
  readonly code: C;
  readonly details: ErrorDetails[C];

  constructor(code: C, message: string, details: ErrorDetails[C], options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }

  is<K extends ErrorCode>(code: K): this is PinbotError<K> {
    return (this.code as ErrorCode) === code;
  }
}

export function isPinbotError(error: unknown): error is PinbotError {
  return error instanceof PinbotError;
}

export function hasCode<K extends ErrorCode>(error: unknown, code: K): error is PinbotError<K> {
  return isPinbotError(error) && error.is(code);
}
