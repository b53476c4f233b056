import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, RESTEvents, type APIRequest, type ResponseLike } from 'discord.js';
import type { DiscordConfig } from '../../config.ts';
import type { Notification, Notifier } from '../../core/follow-ups/notifications.ts';
import type { PinningService } from '../../core/workflow/pinning-service.ts';
import type { Logger, ScopeResolver } from '../../core/ports.ts';
import type { Proposal } from '../../core/domain/proposal.ts';
import type { Line } from '../../core/domain/ui.ts';
import { createAckFirst } from '../ack-first.ts';
import { redrawCard } from '../../core/interaction/card-redraw.ts';
import { ChannelMessages, parseMessageRef } from './channel-messages.ts';
import { errorFields } from './discord-errors.ts';
import { discordStartError } from './start-error.ts';
import { createInteractionAnswers } from './interaction-answers.ts';
import { createInteractionHandler } from './interaction-handler.ts';
import { createRateLimitLog } from './rate-limit-log.ts';
import { discordCardSurface } from './discord-surface.ts';
import { NO_MENTIONS, renderNotification } from './render-embed.ts';
import { SecretScrubber } from '../../secrets.ts';
import { escapeText } from './escape.ts';
import { scrubbingRequest } from './scrubbing-request.ts';

/** Discord wants a first answer within 3 s; work still running after this is deferred first. */
const ACK_DEADLINE_MS = 1500;
const INTERACTION_CALLBACK = /^\/interactions\/(\d+)\/[^/]+\/callback(?:\?|$)/;

/** The interaction a REST request acknowledges (`POST /interactions/:id/:token/callback`), if any. */
export function interactionAcknowledgedBy(path: string): string | undefined {
  return INTERACTION_CALLBACK.exec(path)?.[1];
}

export interface StartDiscordOptions {
  readonly service: PinningService;
  readonly scopeFor: ScopeResolver;
  readonly config: DiscordConfig;
  readonly logger: Logger;
  /** Tests shorten it to exercise the deferred path. */
  readonly ackDeadlineMs?: number;
  /**
   * Announces a clicked proposal's outcome through this notifier (keyed `settled:<id>`), so a
   * proposal settled elsewhere too is told once. Without it the click posts the outcome itself.
   */
  readonly notifier?: Notifier;
  /** Every configured secret, scrubbed from each body sent to Discord; the bot token always is. */
  readonly secrets?: SecretScrubber;
  /** Said first in every card and message the bot posts: the sandbox's marker (`SANDBOX_MARKER`). */
  readonly marker?: Line;
}

export interface DiscordAdapter {
  readonly client: Client;
  /**
   * Redraws a proposal's card in its current state (after an expiry sweep, a restart recovery…),
   * through the channel with the bot token; does nothing for cards that live elsewhere.
   */
  refreshCard(proposal: Proposal): Promise<void>;
  /**
   * Posts a notification to its channel with the bot token, as a reply to the card it follows up
   * (`channel:message`); no mentions. Throws when it could not be posted.
   */
  deliver(notification: Notification): Promise<void>;
  /** Waits for the interactions being handled, then disconnects. */
  stop(): Promise<void>;
}

/**
 * Connects a discord.js client (Guilds intent only: interactions need no privileged intent) and
 * serves `/pins` and its buttons through the shared core. Resolves once the client is ready.
 */
export async function startDiscord(options: StartDiscordOptions): Promise<DiscordAdapter> {
  const { config } = options;
  const logger = options.logger.child({ platform: 'discord' });
  const secrets = [config.token];
  const scrubber = options.secrets ?? new SecretScrubber();
  scrubber.add(secrets);
  const rest = {
    makeRequest: scrubbingRequest(scrubber.encodedAs(escapeText)),
    ...(config.apiUrl !== undefined ? { api: config.apiUrl } : {}),
  };
  const client = new Client({ intents: [GatewayIntentBits.Guilds], allowedMentions: NO_MENTIONS, rest });

  const channels = new ChannelMessages(client, logger);
  const cards = discordCardSurface(channels, options.marker);
  const answers = createInteractionAnswers(rest);
  const ackFirst = createAckFirst();
  const handle = createInteractionHandler({
    service: options.service,
    scopeFor: options.scopeFor,
    channels,
    editOriginal: answers.editOriginal,
    logger,
    ackDeadlineMs: options.ackDeadlineMs ?? ACK_DEADLINE_MS,
    turn: ackFirst.turn,
    secrets,
    ...(options.notifier !== undefined ? { notifier: options.notifier } : {}),
    marker: options.marker,
  });
  const inFlight = new Set<Promise<void>>();
  /** Interactions not yet acknowledged, by id: their first callback is answered, or their handler ends. */
  const unanswered = new Map<string, () => void>();
  const answered = (interactionId: string): void => {
    unanswered.get(interactionId)?.();
    unanswered.delete(interactionId);
  };
  client.on(Events.InteractionCreate, (interaction) => {
    unanswered.set(interaction.id, ackFirst.hold());
    const work: Promise<void> = handle(interaction).finally(() => {
      answered(interaction.id);
      inFlight.delete(work);
    });
    inFlight.add(work);
  });
  client.on(Events.Error, (error) => logger.error(errorFields(error, secrets), 'discord client error'));
  client.on(Events.ShardError, (error) => logger.warn(errorFields(error, secrets), 'discord gateway connection error'));
  const rateLimits = createRateLimitLog(logger);
  const logRetried429 = (request: APIRequest, response: ResponseLike): void => {
    if (response.status === 429) {
      logger.warn({ route: request.route, method: request.method, retryAfter: response.headers.get('retry-after') }, 'discord answered 429: request retried after the wait');
    }
  };
  client.rest.on(RESTEvents.RateLimited, rateLimits.queued);
  client.rest.on(RESTEvents.Response, (request, response) => {
    const acknowledged = interactionAcknowledgedBy(request.path);
    if (acknowledged !== undefined) answered(acknowledged);
    logRetried429(request, response);
  });
  answers.rest.on(RESTEvents.RateLimited, rateLimits.queued);
  answers.rest.on(RESTEvents.Response, logRetried429);

  const ready = once(client, Events.ClientReady);
  try {
    await client.login(config.token);
    await ready;
  } catch (error) {
    answers.stop();
    await client.destroy();
    logger.debug(errorFields(error, secrets), 'discord login failed');
    throw discordStartError(error, config.apiUrl);
  }
  logger.info({ bot: client.user?.id, applicationId: config.applicationId }, 'discord connected');

  return {
    client,
    refreshCard: (proposal) => redrawCard(cards, proposal),
    deliver: async (notification) => {
      const { channelId } = notification.channel;
      const card = parseMessageRef(notification.replyTo);
      const posted = await channels.send(channelId, {
        ...renderNotification(notification.message, notification.actions ?? [], options.marker),
        ...(card?.channelId === channelId ? { reply: { messageReference: card.messageId, failIfNotExists: false } } : {}),
      });
      if (!posted) throw new Error(`discord: the notification could not be posted in channel ${channelId}`);
    },
    stop: async () => {
      await Promise.allSettled([...inFlight]);
      rateLimits.flush();
      answers.stop();
      await client.destroy();
      logger.info({}, 'discord disconnected');
    },
  };
}
