import { parseRestore } from '../../core/grammar.ts';
import { isPinbotError } from '../../core/errors.ts';
import type { PinningService, RequestContext } from '../../core/pinning-service.ts';
import { describeError, renderOutcome, renderProposalCard, renderResult, type ReplyStyle } from '../../core/replies.ts';
import { wordsOf } from '../../backends/registry.ts';
import type { Proposal } from '../../core/proposal.ts';
import type { Message } from '../../core/ui.ts';
import { consoleHelpLines } from './console-help.ts';
import { renderCardText, renderMessageText, type TextStyle } from './render-text.ts';

export interface ConsoleIo {
  write(text: string): void;
  /** Prints something pinbot says on its own, between commands; a prompt being shown is shown again after it. */
  notice(text: string): void;
  /** The next line typed, or `undefined` at the end of input. */
  readLine(prompt: string): Promise<string | undefined>;
}

export interface ConsoleSessionOptions {
  readonly service: PinningService;
  readonly context: RequestContext;
  readonly io: ConsoleIo;
  readonly textStyle: TextStyle;
  /** Apply without asking (`--yes`). */
  readonly assumeYes: boolean;
  /** Every scope's name, so that `help` can say how to reach the others. */
  readonly scopes?: readonly string[];
}

const STYLE: ReplyStyle = { commandPrefix: '', wordsOf };
const NO_CONFIRMATION = 'Nothing was applied: the input ended before anyone confirmed the change. Add `--yes` to apply it without asking.';

/** One console user typing commands; every change is shown and confirmed before it is written. */
export class ConsoleSession {
  constructor(private readonly options: ConsoleSessionOptions) {}

  /** Runs one command line. Returns false when the command was refused or failed. */
  async run(line: string): Promise<boolean> {
    const { service, context, io } = this.options;
    try {
      // The console's Restore button: a drift alert prints the command that stands for it.
      const restore = parseRestore(line);
      if (restore !== undefined) {
        return await this.confirm(await service.restoreDrift(restore.alertId, { principal: context.principal, channel: context.channel }));
      }
      const result = await service.execute(service.parse(line, context.scope), context);
      if (result.kind !== 'proposal') {
        let message: Message = renderResult(result, STYLE);
        if (result.kind === 'help') {
          // The console's own commands go with the others, before what this person may do.
          const lines = [...message.lines];
          lines.splice(lines.length - result.rights.length, 0, ...consoleHelpLines(context.scope, this.options.scopes ?? []));
          message = { ...message, lines };
        }
        io.write(renderMessageText(message, this.options.textStyle));
        return true;
      }
      return await this.confirm(result.proposal);
    } catch (error) {
      io.write(renderMessageText(describeError(error, STYLE), this.options.textStyle));
      if (!isPinbotError(error)) throw error;
      return false;
    }
  }

  private async confirm(proposal: Proposal): Promise<boolean> {
    const { service, context, io, textStyle } = this.options;
    io.write(renderCardText(renderProposalCard(proposal, STYLE), textStyle));
    const answer = this.options.assumeYes ? 'y' : await io.readLine('Apply? [y/N] ');
    if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) {
      const cancelled = await service.cancel(proposal.id, context.principal);
      // No one answered (stdin closed, e.g. a script): saying a person cancelled it would mislead.
      io.write(answer === undefined ? NO_CONFIRMATION : renderMessageText(renderOutcome(cancelled, STYLE), textStyle));
      return false;
    }
    const result = await service.approve(proposal.id, context.principal);
    io.write(renderCardText(renderProposalCard(result.proposal, STYLE), textStyle));
    await this.offerRestore(result.proposal);
    return result.kind === 'settled' && result.proposal.state === 'applied';
  }

  /** The console's Restore button: after a write that stopped midway, propose putting back what it changed. */
  private async offerRestore(proposal: Proposal): Promise<void> {
    const { service, context, io } = this.options;
    const outcome = proposal.outcome;
    if (outcome?.kind !== 'failed' || outcome.restoreAlertId === undefined || this.options.assumeYes) return;
    const answer = await io.readLine('Restore the changed endpoints? [y/N] ');
    if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) return;
    await this.confirm(await service.restoreDrift(outcome.restoreAlertId, { principal: context.principal, channel: context.channel }));
  }
}
