import type { ActionKind } from '../domain/actions.ts';
import type { Notifier } from '../follow-ups/notifications.ts';
import type { PinningService } from '../workflow/pinning-service.ts';
import type { ChannelRef, Logger, Platform } from '../ports.ts';
import type { Principal } from '../domain/principal.ts';
import type { Proposal } from '../domain/proposal.ts';
import type { ReplyStyle } from '../words/replies.ts';
import type { Card, CardAction, Message } from '../domain/ui.ts';
import type { UsageReport } from '../domain/usage.ts';

/**
 * Where a proposal's card can be drawn again: all a platform needs to show a proposal settled
 * outside a click (the expiry sweep, recovery, another proposal's apply).
 */
export interface CardSurface {
  /** The platform whose cards this draws; a card lives on its proposal's platform only. */
  readonly platform: Platform;
  /** How commands are written here, for the sentences in cards and answers. */
  readonly style: ReplyStyle;
  /** Draws the proposal's card again as `card`. Never throws: a card that cannot be edited is logged. */
  editCard(proposal: Proposal, card: Card): Promise<void>;
}

/**
 * One request's view of a chat platform: what the flows in this folder do there. Each adapter
 * implements it for the request it is serving, rendering the core's cards and messages its own way
 * (the sandbox's marker included), so that what a click leads to is decided once, here.
 */
export interface ChatSurface extends CardSurface {
  /** Shows `message` to the person who clicked or typed only. Never throws. */
  answerPrivately(message: Message): Promise<void>;
  /**
   * Posts a new proposal's card where the request came from and records where it went
   * (`PinningService.attachMessage`), so the card can be edited when the proposal settles.
   */
  postCard(proposal: Proposal, card: Card): Promise<void>;
  /** Posts how a proposal ended in its channel, when no notifier does. Never throws. */
  announce(proposal: Proposal, message: Message): Promise<void>;
  /** Log fields that describe a failure without any secret in them. */
  failureFields(error: unknown): Record<string, unknown>;
  /**
   * Platforms that ask "replace the whole list?" with buttons of their own (Discord): asks the
   * clicker privately; the answer comes back as a `confirm` or `back` click. Without it an
   * `approve` click approves at once (Slack asks in a dialog before the click is sent).
   */
  askToConfirm?(question: { readonly message: Message; readonly actions: readonly CardAction[] }): Promise<void>;
  /**
   * Called with an approval or cancellation once it runs, for platforms that must answer a click
   * within seconds: acknowledge it here if the work runs long, and edit afterwards.
   */
  acknowledgeDecision?(work: Promise<unknown>): Promise<void>;
  /**
   * Called before a click makes a new proposal, which can take a while: acknowledge it here. False
   * when the click can no longer be answered; nothing is done then.
   */
  acknowledgeProposal?(): Promise<boolean>;
  /** Called between a command's work and its answer: lets requests still waiting for their acknowledgement go first. */
  turn?(): Promise<void>;
  /**
   * Platforms that can show a picture: sends a usage report's chart to the asker, after the usage
   * answer, as privately as the platform allows (each adapter says where). Does nothing for a
   * report with nothing to draw. Never throws.
   */
  sendUsageChart?(report: UsageReport): Promise<void>;
}

/** What the flows act through, built once per adapter. */
export interface InteractionDeps {
  readonly service: PinningService;
  /**
   * Announces a proposal's outcome (keyed `settled:<id>`), so that however it settled (a click,
   * recovery, the sweep, another pinbot process) it is told once. Without it the surface announces.
   */
  readonly notifier?: Notifier;
}

/** A button click, as every platform's adapter reads it from its payload. */
export interface Click {
  readonly kind: ActionKind;
  /** The proposal on the clicked card or confirmation; for `restore`, the id of the drift alert. */
  readonly id: string;
  readonly principal: Principal;
  /** Where the click happened, where a proposal it makes is posted; undefined when the platform did not say. */
  readonly channel: ChannelRef | undefined;
  /** The click's own logger (who, which action, which proposal). */
  readonly logger: Logger;
}
