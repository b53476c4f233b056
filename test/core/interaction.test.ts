import { describe, expect, it } from 'vitest';
import type { ActionKind } from '../../src/core/domain/actions.ts';
import { isChangeCommand, type ChangeCommand } from '../../src/core/domain/command.ts';
import { parseCommand } from '../../src/core/domain/grammar.ts';
import { redrawCard } from '../../src/core/interaction/card-redraw.ts';
import type { ChatSurface, Click, InteractionDeps } from '../../src/core/interaction/chat-surface.ts';
import { handleClick } from '../../src/core/interaction/click-flow.ts';
import { handleCommand } from '../../src/core/interaction/command-flow.ts';
import { decideAtOnce, type Answer, type AskingSurface } from '../../src/core/interaction/decide-at-once.ts';
import { Notifier } from '../../src/core/follow-ups/notifications.ts';
import { openPolicy, type Policy } from '../../src/core/workflow/policy.ts';
import type { ChannelRef, Platform } from '../../src/core/ports.ts';
import type { Principal } from '../../src/core/domain/principal.ts';
import type { Proposal } from '../../src/core/domain/proposal.ts';
import type { ReplyStyle } from '../../src/core/words/replies.ts';
import { plainText, type Card, type Message } from '../../src/core/domain/ui.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { manualClock, TOKEN, usePinbotHarness, type PinbotHarness } from '../helpers/pinbot-harness.ts';
import { recordingChannel } from '../helpers/recording-channel.ts';
import { CHAT_STYLE } from '../helpers/reply-style.ts';
import { PINNED_COMMAND_WORDS } from '../../src/backends/classic/words.ts';

const STYLE: ReplyStyle = CHAT_STYLE;
const CHANNEL: ChannelRef = { platform: 'slack', channelId: 'C0PINS' };
const alice: Principal = { platform: 'slack', userId: 'UALICE', displayName: 'alice' };
const bob: Principal = { platform: 'slack', userId: 'UBOB', displayName: 'bob' };

/** One thing a flow did on the surface, as the person in the channel would see it. */
type Call =
  | { readonly call: 'answerPrivately'; readonly text: string; readonly isError: boolean }
  | { readonly call: 'postCard' | 'editCard'; readonly proposalId: string; readonly state: string; readonly actions: readonly ActionKind[] }
  | { readonly call: 'announce'; readonly proposalId: string; readonly text: string }
  | { readonly call: 'askToConfirm'; readonly actions: readonly ActionKind[] };

/**
 * A small real chat surface that keeps what it was asked to show: a card it posts gets a message
 * ref recorded through the service, as a platform's would.
 */
function recordingSurface(h: PinbotHarness, options: { asksToConfirm?: boolean; platform?: Platform } = {}): ChatSurface & { calls: Call[] } {
  const calls: Call[] = [];
  const cardCall = (call: 'postCard' | 'editCard', proposal: Proposal, card: Card): Call =>
    ({ call, proposalId: proposal.id, state: card.state, actions: card.actions.map((action) => action.kind) });
  let posted = 0;
  return {
    calls,
    platform: options.platform ?? 'slack',
    style: STYLE,
    answerPrivately: async (message) => {
      calls.push({ call: 'answerPrivately', text: textOf(message), isError: message.isError === true });
    },
    postCard: async (proposal, card) => {
      calls.push(cardCall('postCard', proposal, card));
      await h.service.attachMessage(proposal.id, `C0PINS:${++posted}`);
    },
    editCard: async (proposal, card) => {
      calls.push(cardCall('editCard', proposal, card));
    },
    announce: async (proposal, message) => {
      calls.push({ call: 'announce', proposalId: proposal.id, text: textOf(message) });
    },
    failureFields: (error) => ({ error: error instanceof Error ? error.message : 'unknown' }),
    ...(options.asksToConfirm === true
      ? { askToConfirm: async (question: { readonly actions: readonly { readonly kind: ActionKind }[] }) => {
        calls.push({ call: 'askToConfirm', actions: question.actions.map((action) => action.kind) });
      } }
      : {}),
  };
}

function textOf(message: Message): string {
  return message.lines.map(plainText).join('\n');
}

function change(text: string): ChangeCommand {
  const command = parseCommand(text, PINNED_COMMAND_WORDS);
  if (!isChangeCommand(command)) throw new Error(`${text} is not a change`);
  return command;
}

function click(h: PinbotHarness, kind: ActionKind, id: string, who: Principal = bob): Click {
  return { kind, id, principal: who, channel: CHANNEL, logger: h.logger };
}

const twoApprovals: Policy = { ...openPolicy, approvalsRequired: () => 2 };

describe('a click, decided once for every platform', () => {
  const start = usePinbotHarness();

  async function proposed(h: PinbotHarness, text = 'add bigscience/bloom gpu'): Promise<Proposal> {
    return h.service.propose(change(text), { scope: 'default', principal: alice, channel: CHANNEL });
  }

  it('approve: writes once, draws the card as applied and tells the channel once', async () => {
    const h = await start();
    const proposal = await proposed(h);
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'approve', proposal.id));

    expect(h.writes()).toHaveLength(1);
    expect(surface.calls).toEqual([
      { call: 'editCard', proposalId: proposal.id, state: 'applied', actions: [] },
      { call: 'announce', proposalId: proposal.id, text: expect.stringContaining('approved by bob') },
    ]);
  });

  it('approve with a notifier: the outcome goes through it, keyed by the proposal, and the surface posts nothing', async () => {
    const h = await start();
    const proposal = await proposed(h);
    const surface = recordingSurface(h);
    const channel = recordingChannel('slack');
    const notifier = new Notifier(new MemoryOnceLedger(), h.logger);
    notifier.addChannel(channel);
    const deps: InteractionDeps = { service: h.service, notifier };

    await handleClick(deps, surface, click(h, 'approve', proposal.id));
    await handleClick(deps, surface, click(h, 'approve', proposal.id));

    expect(surface.calls.filter((call) => call.call === 'announce')).toEqual([]);
    expect(channel.delivered.map((notice) => [notice.key, notice.replyTo])).toEqual([[`settled:${proposal.id}`, undefined]]);
    expect(surface.calls.at(-1)).toMatchObject({ call: 'answerPrivately', isError: true });
  });

  it('an approval that is not yet enough: the card is drawn with the count, and the channel is not told', async () => {
    const h = await start({ policy: twoApprovals });
    const proposal = await proposed(h);
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'approve', proposal.id));

    expect(h.writes()).toHaveLength(0);
    expect(surface.calls).toEqual([{ call: 'editCard', proposalId: proposal.id, state: 'pending', actions: ['approve', 'cancel'] }]);
  });

  it('where the platform asks first, approve only asks; confirm approves, answers the confirmation, draws the card and tells the channel', async () => {
    const h = await start();
    const proposal = await proposed(h);
    const surface = recordingSurface(h, { asksToConfirm: true });

    await handleClick({ service: h.service }, surface, click(h, 'approve', proposal.id));
    expect(surface.calls).toEqual([{ call: 'askToConfirm', actions: ['confirm', 'back'] }]);
    expect(h.writes()).toHaveLength(0);

    await handleClick({ service: h.service }, surface, click(h, 'confirm', proposal.id));
    expect(surface.calls.slice(1)).toEqual([
      { call: 'answerPrivately', text: 'Approved; the card shows what happened.', isError: false },
      { call: 'editCard', proposalId: proposal.id, state: 'applied', actions: [] },
      { call: 'announce', proposalId: proposal.id, text: expect.stringContaining('approved by bob') },
    ]);
    expect(h.writes()).toHaveLength(1);
  });

  it('back answers the confirmation and leaves the proposal pending', async () => {
    const h = await start();
    const proposal = await proposed(h);
    const surface = recordingSurface(h, { asksToConfirm: true });

    await handleClick({ service: h.service }, surface, click(h, 'back', proposal.id));

    expect(surface.calls).toEqual([{ call: 'answerPrivately', text: expect.stringContaining('Not approved; nothing was written.'), isError: false }]);
    expect((await h.service.getProposal(proposal.id)).state).toBe('pending');
  });

  it('cancel: draws the card as cancelled and tells the channel', async () => {
    const h = await start();
    const proposal = await proposed(h);
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'cancel', proposal.id));

    expect(surface.calls).toEqual([
      { call: 'editCard', proposalId: proposal.id, state: 'cancelled', actions: [] },
      { call: 'announce', proposalId: proposal.id, text: expect.stringContaining('cancelled') },
    ]);
    expect(h.writes()).toHaveLength(0);
  });

  it('propose again on a stale card: posts the new card, then draws the stale one without its button', async () => {
    const h = await start();
    const proposal = await proposed(h);
    h.simulator.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'someone/else', compute_type: 'gpu' }]);
    await h.service.approve(proposal.id, bob);
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'repropose', proposal.id));

    const [posted, redrawn, ...rest] = surface.calls;
    expect(posted).toMatchObject({ call: 'postCard', state: 'pending', actions: ['approve', 'cancel'] });
    expect(posted).not.toMatchObject({ proposalId: proposal.id });
    expect(redrawn).toEqual({ call: 'editCard', proposalId: proposal.id, state: 'stale', actions: [] });
    expect(rest).toEqual([]);
    expect((await h.service.getProposal(posted?.call === 'postCard' ? posted.proposalId : '')).messageRef).toBe('C0PINS:1');
  });

  it('propose again a second time: the clicker is told privately, the card is drawn again, nothing is posted', async () => {
    const h = await start();
    const proposal = await proposed(h);
    h.simulator.setPins(TOKEN, [{ model_id: 'someone/else', compute_type: 'gpu' }]);
    await h.service.approve(proposal.id, bob);
    await handleClick({ service: h.service }, recordingSurface(h), click(h, 'repropose', proposal.id));
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'repropose', proposal.id, alice));

    expect(surface.calls).toEqual([
      { call: 'answerPrivately', text: expect.stringContaining('already proposed again'), isError: true },
      { call: 'editCard', proposalId: proposal.id, state: 'stale', actions: [] },
    ]);
  });

  it('restore from a drift alert: a new proposal putting back the list the alert saw, with its card posted', async () => {
    const h = await start({ pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] });
    h.simulator.setPins(TOKEN, []);
    await h.storage.snapshots.saveAlert({
      id: 'alert1', scope: 'default', detectedAt: 0,
      previous: { pins: [{ modelId: 'gpt2', computeType: 'cpu' }], allowed: 5, at: 0 },
      current: { pins: [], allowed: 5, at: 0 },
    });
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'restore', 'alert1'));

    expect(surface.calls).toEqual([{ call: 'postCard', proposalId: expect.any(String), state: 'pending', actions: ['approve', 'cancel'] }]);
    expect(h.writes()).toHaveLength(0);
  });

  it('a refusal is answered privately with the reason, and nothing is posted, drawn or written', async () => {
    const h = await start({ policy: { ...openPolicy, canCancel: () => ({ allowed: false, reason: 'Only alice may cancel this.' }) } });
    const proposal = await proposed(h);
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'cancel', proposal.id));
    await handleClick({ service: h.service }, surface, click(h, 'restore', 'no-such-alert'));

    expect(surface.calls).toEqual([
      { call: 'answerPrivately', text: expect.stringContaining('Only alice may cancel this.'), isError: true },
      { call: 'answerPrivately', text: expect.stringContaining('no longer knows that alert'), isError: true },
    ]);
    expect((await h.service.getProposal(proposal.id)).state).toBe('pending');
  });

  it('a click that finds the proposal expired: answered privately, and the card loses its buttons', async () => {
    const clock = manualClock();
    const h = await start({ clock, proposalTtlMs: 1000 });
    const proposal = await proposed(h);
    clock.advance(2000);
    const surface = recordingSurface(h);

    await handleClick({ service: h.service }, surface, click(h, 'approve', proposal.id));

    expect(surface.calls).toEqual([
      { call: 'answerPrivately', text: expect.stringContaining('expired'), isError: true },
      { call: 'editCard', proposalId: proposal.id, state: 'expired', actions: [] },
    ]);
    expect(h.writes()).toHaveLength(0);
  });
});

describe('a command, decided once for every platform', () => {
  const start = usePinbotHarness();
  const context = { scope: 'default', principal: alice, channel: CHANNEL };

  it('a change posts its card; any other answer, and a refusal, go to the asker only', async () => {
    const h = await start();
    const surface = recordingSurface(h);
    const run = (text: string) => handleCommand({ service: h.service }, surface, { command: () => h.service.parse(text, 'default'), context, logger: h.logger });

    await run('add bigscience/bloom gpu');
    await run('list');
    await run('remove not/pinned');

    expect(surface.calls).toEqual([
      { call: 'postCard', proposalId: expect.any(String), state: 'pending', actions: ['approve', 'cancel'] },
      { call: 'answerPrivately', text: expect.stringContaining('gpt2'), isError: false },
      { call: 'answerPrivately', text: expect.stringContaining('not/pinned'), isError: true },
    ]);
  });
});

describe('a card drawn again after the proposal settled elsewhere', () => {
  const start = usePinbotHarness();

  it('is drawn on the platform its card was posted on, once its place is known', async () => {
    const h = await start();
    const posted = await h.service.propose(change('add bigscience/bloom gpu'), { scope: 'default', principal: alice, channel: CHANNEL });
    const slack = recordingSurface(h);
    const discord = recordingSurface(h, { platform: 'discord' });

    await redrawCard(slack, posted);
    await h.service.attachMessage(posted.id, 'C0PINS:1');
    const placed = await h.service.getProposal(posted.id);
    await redrawCard(discord, placed);
    await redrawCard(slack, placed);

    expect(discord.calls).toEqual([]);
    expect(slack.calls).toEqual([{ call: 'editCard', proposalId: posted.id, state: 'pending', actions: ['approve', 'cancel'] }]);
  });
});

describe('a change decided at once where there are no buttons', () => {
  const start = usePinbotHarness();
  const request = { principal: alice, channel: { platform: 'console', channelId: 'terminal' } satisfies ChannelRef };

  function askingSurface(answers: Answer[]): AskingSurface & { said: string[] } {
    const said: string[] = [];
    return {
      said,
      platform: 'console',
      style: STYLE,
      postCard: async (_proposal, card) => void said.push(`card ${card.state}`),
      editCard: async (_proposal, card) => void said.push(`card ${card.state}`),
      answerPrivately: async (message) => void said.push(textOf(message)),
      ask: async (question) => {
        said.push(`ask ${question}`);
        return answers.shift() ?? { kind: 'no' };
      },
    };
  }

  it('yes applies it and shows the card as it ended', async () => {
    const h = await start();
    const proposal = await h.service.propose(change('add bigscience/bloom gpu'), { scope: 'default', ...request });
    const surface = askingSurface([{ kind: 'yes' }]);

    expect(await decideAtOnce({ service: h.service }, surface, proposal, request)).toBe(true);
    expect(surface.said).toEqual(['card pending', 'ask apply', 'card applied']);
    expect(h.writes()).toHaveLength(1);
  });

  it('no cancels it and says so; no answer cancels it with the surface’s own words', async () => {
    const h = await start();
    const declined = await h.service.propose(change('add bigscience/bloom gpu'), { scope: 'default', ...request });
    const surface = askingSurface([{ kind: 'no' }, { kind: 'unanswered', note: { visibility: 'private', lines: [[{ text: 'No answer came.' }]] } }]);

    expect(await decideAtOnce({ service: h.service }, surface, declined, request)).toBe(false);
    const unanswered = await h.service.propose(change('add bigscience/bloom gpu'), { scope: 'default', ...request });
    expect(await decideAtOnce({ service: h.service }, surface, unanswered, request)).toBe(false);

    expect(surface.said).toEqual(['card pending', 'ask apply', expect.stringContaining('cancelled'), 'card pending', 'ask apply', 'No answer came.']);
    expect((await h.service.getProposal(unanswered.id)).state).toBe('cancelled');
    expect(h.writes()).toHaveLength(0);
  });
});
