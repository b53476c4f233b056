import type { Notifier } from '../../core/follow-ups/notifications.ts';
import type { PinningService } from '../../core/workflow/pinning-service.ts';
import type { Logger, ScopeResolver } from '../../core/ports.ts';
import type { Line } from '../../core/domain/ui.ts';
import type { ChannelMessages } from './channel-messages.ts';
import type { InteractionAnswers } from './interaction-answers.ts';

/** What every interaction handler is given, built once in `startDiscord`. */
export interface HandlerDeps {
  readonly service: PinningService;
  readonly scopeFor: ScopeResolver;
  readonly channels: ChannelMessages;
  /** Edits a deferred interaction's answer (its own REST client: interaction-answers.ts). */
  readonly editOriginal: InteractionAnswers['editOriginal'];
  readonly logger: Logger;
  /** Longer work than this is acknowledged first (deferred), then finished by an edit. */
  readonly ackDeadlineMs: number;
  /** Waits for the next stretch of acknowledged work to be allowed (acks go first: ack-first.ts). */
  readonly turn: () => Promise<void>;
  /** Strings that must never reach a log line (the bot token). */
  readonly secrets: readonly string[];
  /** When set, a click's outcome message goes through it (once per proposal, as a reply to the card). */
  readonly notifier?: Notifier;
  /** Said first in everything the bot posts (the sandbox's marker), or nothing. */
  readonly marker: Line | undefined;
}
