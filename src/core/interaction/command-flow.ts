import type { Command } from '../domain/command.ts';
import { isPinbotError } from '../domain/errors.ts';
import type { RequestContext } from '../workflow/pinning-service.ts';
import type { Logger } from '../ports.ts';
import { describeError, renderProposalCard, renderResult } from '../words/replies.ts';
import type { ChatSurface, InteractionDeps } from './chat-surface.ts';

/** A command from a channel bound to a scope, as every chat platform's adapter reads it. */
export interface CommandRequest {
  /** Reads the command from the platform's input; what it throws is answered like any refusal. */
  readonly command: () => Command;
  readonly context: RequestContext;
  readonly logger: Logger;
}

/**
 * A chat command: a change becomes a card posted in the channel for review; any other answer, and
 * every refusal, is shown to the asker only (usage with its chart, where the platform has one). Never throws.
 */
export async function handleCommand(deps: InteractionDeps, surface: ChatSurface, request: CommandRequest): Promise<void> {
  try {
    const result = await deps.service.execute(request.command(), request.context);
    await surface.turn?.();
    if (result.kind === 'proposal') await surface.postCard(result.proposal, renderProposalCard(result.proposal, surface.style));
    else await surface.answerPrivately(renderResult(result, surface.style));
    // Usage comes with its chart where the platform can show an image, after the text it illustrates.
    if (result.kind === 'usage' && result.report.kind === 'report') await surface.sendUsageChart?.(result.report);
  } catch (error) {
    if (isPinbotError(error)) request.logger.info({ code: error.code }, 'command refused');
    else request.logger.error(surface.failureFields(error), 'command failed');
    await surface.answerPrivately(describeError(error, surface.style));
  }
}
