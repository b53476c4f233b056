import { parseRestore } from '../../core/domain/grammar.ts';
import { parseUnscheduleArgs } from '../../core/domain/schedule-words.ts';
import { parseDuration } from '../../core/workflow/access-policy.ts';
import { isPinbotError } from '../../core/domain/errors.ts';
import { decideAtOnce, type AskingSurface } from '../../core/interaction/decide-at-once.ts';
import type { PinningService, RequestContext } from '../../core/workflow/pinning-service.ts';
import { describeError, renderResult, type ReplyStyle } from '../../core/words/replies.ts';
import { wordsOf } from '../../backends/registry.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import type { Message } from '../../core/domain/ui.ts';
import { consoleHelpLines } from './console-help.ts';
import type { ConsoleIo } from './console-io.ts';
import { consoleSurface } from './console-surface.ts';
import { renderMessageText, type TextStyle } from './render-text.ts';


export interface ConsoleSessionOptions {
  readonly service: PinningService;
  readonly context: RequestContext;
  readonly io: ConsoleIo;
  readonly textStyle: TextStyle;
  /** Apply without asking (`--yes`). */
  readonly assumeYes: boolean;
  /** Every scope's name, so that `help` can say how to reach the others. */
  readonly scopes?: readonly string[];
  /** The sandbox's `advance <duration>`: moves the console's clock ahead and fires the switches now due. */
  readonly advance?: (ms: number) => Promise<Message>;
}

const RESUME = /^\s*resume(?:\s+(\S+))?\s*$/i;
const ADVANCE = /^\s*advance(?:\s+(\S+))?\s*$/i;

const STYLE: ReplyStyle = { commandPrefix: '', wordsOf };

/** One console user typing commands; every change is shown and confirmed before it is written. */
export class ConsoleSession {
  private readonly surface: AskingSurface;

  constructor(private readonly options: ConsoleSessionOptions) {
    this.surface = consoleSurface({ io: options.io, textStyle: options.textStyle, style: STYLE, assumeYes: options.assumeYes });
  }

  /** Runs one command line. Returns false when the command was refused or failed. */
  async run(line: string): Promise<boolean> {
    const { service, context, io } = this.options;
    try {
      // The console's Restore button: a drift alert prints the command that stands for it.
      const restore = parseRestore(line);
      if (restore !== undefined) {
        return await this.decide(await service.restoreDrift(restore.alertId, { principal: context.principal, channel: context.channel }));
      }
      // The console's Resume schedule button: an override notice prints the command that stands for it.
      const resume = RESUME.exec(line);
      if (resume !== null) {
        if (resume[1] === undefined) {
          io.write('`resume` needs the id of a schedule: the notice that offers it prints the whole command.');
          return false;
        }
        const resumed = await service.resumeSchedule(parseUnscheduleArgs([resume[1]]), context.principal);
        io.write(renderMessageText(resumed.line, this.options.textStyle));
        return true;
      }
      const advance = ADVANCE.exec(line);
      if (advance !== null && this.options.advance !== undefined) {
        const ms = advance[1] !== undefined ? parseDuration(advance[1]) : undefined;
        if (ms === undefined || ms <= 0) {
          io.write('`advance` takes a duration, like `advance 30m` or `advance 8h`: the sandbox clock moves that far ahead.');
          return false;
        }
        io.write(renderMessageText(await this.options.advance(ms), this.options.textStyle));
        return true;
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
      return await this.decide(result.proposal);
    } catch (error) {
      io.write(renderMessageText(describeError(error, STYLE), this.options.textStyle));
      if (!isPinbotError(error)) throw error;
      return false;
    }
  }

  /** The person at the terminal decides at once, as the core's flow for a surface without buttons has it. */
  private decide(proposal: Proposal): Promise<boolean> {
    const { service, context } = this.options;
    return decideAtOnce({ service }, this.surface, proposal, { principal: context.principal, channel: context.channel });
  }
}

export type { ConsoleIo } from './console-io.ts';
