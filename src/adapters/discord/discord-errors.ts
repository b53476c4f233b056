import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import { isPinbotError } from '../../core/domain/errors.ts';

/** The interaction token can no longer answer: never acknowledged in 3 s, or older than 15 minutes. */
const TOKEN_GONE: ReadonlySet<number | string> = new Set([
  RESTJSONErrorCodes.UnknownInteraction,
  RESTJSONErrorCodes.UnknownWebhook,
  RESTJSONErrorCodes.InvalidWebhookToken,
]);

export function isTokenGone(error: unknown): boolean {
  return error instanceof DiscordAPIError && TOKEN_GONE.has(error.code);
}

export function isAlreadyAcknowledged(error: unknown): boolean {
  return error instanceof DiscordAPIError && error.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged;
}

/**
 * Log fields for a failure. Discord errors carry the request URL, which holds the interaction
 * token, so only codes, status and method are kept; other messages are kept without any secret.
 */
export function errorFields(error: unknown, secrets: readonly string[] = []): Record<string, unknown> {
  if (error instanceof DiscordAPIError) return { discordCode: error.code, status: error.status, method: error.method };
  if (error instanceof HTTPError) return { status: error.status, method: error.method };
  if (error instanceof RateLimitError) return { rateLimited: true, route: error.route, retryAfterMs: error.retryAfter, global: error.global };
  if (isPinbotError(error)) return { code: error.code };
  if (error instanceof Error) return { errorName: error.name, error: redact(error.message, secrets) };
  return { error: 'non-error thrown' };
}

function redact(value: string, secrets: readonly string[]): string {
  return secrets.filter((secret) => secret.length >= 8).reduce((text, secret) => text.replaceAll(secret, '[redacted]'), value);
}
