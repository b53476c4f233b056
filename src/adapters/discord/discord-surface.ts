import { MessageFlags, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { CardSurface, ChatSurface } from '../../core/interaction/chat-surface.ts';
import type { Logger } from '../../core/ports.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import type { Card, CardAction, Line, Message } from '../../core/domain/ui.ts';
import type { UsageReport } from '../../core/domain/usage.ts';
import { messageRefOf, type ChannelMessages } from './channel-messages.ts';
import type { HandlerDeps } from './deps.ts';
import { errorFields } from './discord-errors.ts';
import { postProposal } from './post-proposal.ts';
import { DISCORD_STYLE, renderCard, renderMessage, renderNotification } from './render-embed.ts';
import { attempt, outcomeOf, tellClicker, within } from './respond.ts';
import { sendUsageChart } from './usage-chart.ts';

/**
 * The message a button was on: a card (or a notice, such as a drift alert) in the channel, or the
 * private "replace the whole list?" confirmation, whose answers replace it.
 */
export type ClickedMessage = 'card' | 'confirmation';

/**
 * The chat surface of one Discord interaction. Where an answer goes depends on how the interaction
 * was acknowledged: an update of the clicked card, a private reply deferred first, or a note only
 * the clicker sees; a card the interaction can no longer update is edited through the channel.
 */
export class DiscordSurface implements ChatSurface {
  readonly platform = 'discord';
  readonly style = DISCORD_STYLE;
  /** The interaction can still answer by updating the clicked card. */
  private tokenOnCard: boolean;
  /** Answers edit the private reply the interaction was deferred with. */
  private privateReply = false;

  constructor(
    private readonly interaction: ChatInputCommandInteraction | ButtonInteraction,
    private readonly deps: HandlerDeps,
    private readonly log: Logger,
    private readonly clicked?: ClickedMessage,
  ) {
    this.tokenOnCard = clicked === 'card';
  }

  /** Acknowledges with a private reply, which answers then edit; false when Discord no longer takes the answer. */
  async deferPrivately(): Promise<boolean> {
    this.tokenOnCard = false;
    this.privateReply = await attempt(this.log, 'deferReply', () => this.interaction.deferReply({ flags: MessageFlags.Ephemeral }));
    return this.privateReply;
  }

  async answerPrivately(message: Message): Promise<void> {
    const { interaction, deps, log } = this;
    const payload = renderMessage(message, deps.marker);
    this.tokenOnCard = false;
    if (this.clicked === 'confirmation' && interaction.isButton()) {
      const replacement = { ...payload, components: [] };
      await attempt(log, interaction.deferred ? 'editReply' : 'update', interaction.deferred
        ? () => deps.editOriginal(interaction, replacement)
        : () => interaction.update(replacement));
    } else if (this.privateReply) {
      await attempt(log, 'editReply', () => deps.editOriginal(interaction, payload));
    } else if (interaction.isButton()) {
      await tellClicker(interaction, payload, log);
    }
  }

  async postCard(proposal: Proposal, card: Card): Promise<void> {
    await postProposal(this.interaction, proposal, card, this.deps, this.log);
  }

  async editCard(proposal: Proposal, card: Card): Promise<void> {
    const { interaction, deps, log } = this;
    const payload = renderCard(card, deps.marker);
    if (!interaction.isButton() || this.clicked === 'confirmation') {
      // The card is a message of its own, found where it was recorded.
      if (proposal.messageRef !== undefined) await deps.channels.edit(proposal.messageRef, payload);
      return;
    }
    const ref = proposal.messageRef ?? messageRefOf(interaction.message);
    if (!this.tokenOnCard) {
      await deps.channels.edit(ref, payload);
      return;
    }
    const viaToken = interaction.deferred ? () => deps.editOriginal(interaction, payload) : () => interaction.update(payload);
    if (await attempt(log, interaction.deferred ? 'editReply' : 'update', viaToken)) return;
    const edited = await deps.channels.edit(ref, payload);
    log.info({ edited }, 'card edited through the channel instead');
  }

  async announce(_proposal: Proposal, message: Message): Promise<void> {
    await this.deps.channels.send(this.interaction.channelId, renderMessage(message, this.deps.marker));
  }

  failureFields(error: unknown): Record<string, unknown> {
    return errorFields(error, this.deps.secrets);
  }

  /** Approve asks first, privately, with the core's wording (as in Slack's dialog); nothing is written until Confirm. */
  async askToConfirm(question: { readonly message: Message; readonly actions: readonly CardAction[] }): Promise<void> {
    const { interaction, deps } = this;
    if (!interaction.isButton()) return;
    this.tokenOnCard = false;
    await attempt(this.log, 'reply', () => interaction.reply({ ...renderNotification(question.message, question.actions, deps.marker), flags: MessageFlags.Ephemeral }));
  }

  /** Fast work answers with `update()`; work that runs past the deadline is deferred first and finished with an edit. */
  async acknowledgeDecision(work: Promise<unknown>): Promise<void> {
    const { interaction } = this;
    if (!interaction.isButton()) return;
    if ((await within(outcomeOf(work), this.deps.ackDeadlineMs)) === undefined) await attempt(this.log, 'deferUpdate', () => interaction.deferUpdate());
  }

  acknowledgeProposal(): Promise<boolean> {
    return this.deferPrivately();
  }

  turn(): Promise<void> {
    return this.deps.turn();
  }

  /** A private follow-up with the chart attached, as private as the answer it follows. */
  sendUsageChart(report: UsageReport): Promise<void> {
    return sendUsageChart(this.interaction, report, this.deps.marker, this.log);
  }
}

/** Where Discord cards are drawn again outside an interaction: through the channel, with the bot token. */
export function discordCardSurface(channels: ChannelMessages, marker: Line | undefined): CardSurface {
  return {
    platform: 'discord',
    style: DISCORD_STYLE,
    editCard: async (proposal, card) => {
      if (proposal.messageRef !== undefined) await channels.edit(proposal.messageRef, renderCard(card, marker));
    },
  };
}
