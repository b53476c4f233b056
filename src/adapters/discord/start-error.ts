import { DiscordAPIError, DiscordjsErrorCodes } from 'discord.js';
import { networkReason, PlatformStartError } from '../start-with-retry.ts';

/**
 * Turns a failed login into one sentence: a token Discord refuses is a configuration error; a
 * Discord that cannot be reached or answers 5xx is worth waiting for.
 */
export function discordStartError(error: unknown, apiUrl = 'https://discord.com/api'): PlatformStartError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === DiscordjsErrorCodes.TokenInvalid || (error instanceof DiscordAPIError && (error.status === 401 || error.status === 403))) {
    return new PlatformStartError('discord', 'Discord refused the bot token in DISCORD_TOKEN (401 Unauthorized): set the Bot token of the application in DISCORD_APPLICATION_ID.', true);
  }
  if (error instanceof DiscordAPIError) {
    return new PlatformStartError('discord', `Discord's API at ${apiUrl} answered HTTP ${error.status}.`, error.status < 500 && error.status !== 429);
  }
  return new PlatformStartError('discord', `Discord's API at ${apiUrl} could not be reached (${networkReason(error)}).`, false);
}
