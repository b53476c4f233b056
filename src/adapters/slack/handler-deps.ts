import type { Notifier } from '../../core/follow-ups/notifications.ts';
import type { PinningService } from '../../core/workflow/pinning-service.ts';
import type { Logger, ScopeResolver } from '../../core/ports.ts';
import type { ReplyStyle } from '../../core/words/replies.ts';
import { wordsOf } from '../../backends/registry.ts';
import type { Line } from '../../core/domain/ui.ts';
import type { GroupsOf } from './user-groups.ts';

/** The slash command pinbot registers (manifest.yml declares the same). */
export const SLASH_COMMAND = '/pins';

export const SLACK_STYLE: ReplyStyle = { commandPrefix: `${SLASH_COMMAND} `, wordsOf };

/** What the command and button handlers share. */
export interface SlackHandlerDeps {
  readonly service: PinningService;
  readonly scopeFor: ScopeResolver;
  readonly logger: Logger;
  /** Runs work that continues after the ack, so that `stop()` can wait for it. */
  readonly track: (work: () => Promise<void>) => Promise<void>;
  /** Waits for the next stretch of acknowledged work to be allowed (acks go first: ack-first.ts). */
  readonly turn: () => Promise<void>;
  /** The user groups a user is in, for policies that name `slack:S…` groups. */
  readonly groupsOf: GroupsOf;
  /** When set, a click's outcome message goes through it (once per proposal, as a reply to the card). */
  readonly notifier?: Notifier;
  /** Said first in everything this app posts (the sandbox's marker), or nothing. */
  readonly marker: Line | undefined;
}
