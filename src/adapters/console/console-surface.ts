import type { Answer, AskingSurface } from '../../core/interaction/decide-at-once.ts';
import type { ReplyStyle } from '../../core/words/replies.ts';
import { text, type Message } from '../../core/domain/ui.ts';
import type { ConsoleIo } from './console-io.ts';
import { renderCardText, renderMessageText, type TextStyle } from './render-text.ts';

export interface ConsoleSurfaceOptions {
  readonly io: ConsoleIo;
  readonly textStyle: TextStyle;
  /** How commands are written in the console. */
  readonly style: ReplyStyle;
  /** Apply without asking (`--yes`); a restore is then never offered, as nobody is there to answer. */
  readonly assumeYes: boolean;
}

const NO_CONFIRMATION: Message = {
  visibility: 'private',
  lines: [[text('Nothing was applied: the input ended before anyone confirmed the change. Add `--yes` to apply it without asking.')]],
};

const YES = /^\s*y(es)?\s*$/i;

/** The terminal as the core's flows see it: cards and answers printed, questions asked on the prompt. */
export function consoleSurface(options: ConsoleSurfaceOptions): AskingSurface {
  const { io, textStyle } = options;
  const print = async (said: string): Promise<void> => io.write(said);
  return {
    platform: 'console',
    style: options.style,
    postCard: (_proposal, card) => print(renderCardText(card, textStyle)),
    editCard: (_proposal, card) => print(renderCardText(card, textStyle)),
    answerPrivately: (message) => print(renderMessageText(message, textStyle)),
    ask: async (question, proposal): Promise<Answer> => {
      if (question === 'restore') {
        if (options.assumeYes) return { kind: 'no' };
        // The question is the Restore button's label, in the words of the backend that wrote.
        const restore = options.style.wordsOf(proposal.backend).partialWrite?.restoreLabel ?? 'Restore what was changed';
        return YES.test((await io.readLine(`${restore}? [y/N] `)) ?? '') ? { kind: 'yes' } : { kind: 'no' };
      }
      const answer = options.assumeYes ? 'y' : await io.readLine('Apply? [y/N] ');
      if (answer === undefined) return { kind: 'unanswered', note: NO_CONFIRMATION };
      return YES.test(answer) ? { kind: 'yes' } : { kind: 'no' };
    },
  };
}
