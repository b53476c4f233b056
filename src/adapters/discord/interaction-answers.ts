import { MessagePayload, REST, Routes, type ButtonInteraction, type ChatInputCommandInteraction, type InteractionEditReplyOptions, type RESTOptions } from 'discord.js';

/** The interactions pinbot answers by editing their deferred reply. */
export type DeferredInteraction = ChatInputCommandInteraction | ButtonInteraction;

export interface InteractionAnswers {
  /** Its REST client, for listeners (rate limits, 429s). */
  readonly rest: REST;
  /**
   * Edits the interaction's original response, as `interaction.editReply` does. Throws
   * discord.js's `DiscordAPIError` when Discord refuses (an expired token: 50027).
   */
  editOriginal(interaction: DeferredInteraction, payload: InteractionEditReplyOptions): Promise<void>;
  /** Clears the client's sweep timers. */
  stop(): void;
}

/**
 * Interaction answers through a REST client of their own, with no global rate limit. Discord does
 * not count interaction webhooks (`/webhooks/:application/:token/…`: edits and follow-ups) against
 * the bot's global 50 requests per second, but discord.js holds every request of its client to
 * that limit, callbacks excepted: a burst of 200 `/pins list` had its answers edited over ~4 s,
 * each waiting its turn. Each token's own rate limit still applies, from Discord's headers, and a
 * 429 is waited out as on the main client.
 */
export function createInteractionAnswers(options: Pick<Partial<RESTOptions>, 'api' | 'makeRequest'>): InteractionAnswers {
  const rest = new REST({ ...options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
  return {
    rest,
    editOriginal: async (interaction, payload) => {
      const { body, files } = await MessagePayload.create(interaction.webhook, payload).resolveBody().resolveFiles();
      await rest.patch(Routes.webhookMessage(interaction.applicationId, interaction.token, '@original'), { body, files: files ?? [], auth: false });
    },
    stop: () => {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    },
  };
}
