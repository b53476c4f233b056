import { networkReason, PlatformStartError } from '../start-with-retry.ts';

/** Answers of auth.test that mean the token itself is wrong: retrying cannot help. */
const TOKEN_REFUSALS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

interface WebApiErrorShape {
  readonly code?: unknown;
  readonly data?: { readonly error?: unknown };
  readonly original?: unknown;
  readonly statusCode?: unknown;
}

/**
 * Turns the Web API's failure at start-up (auth.test) into one sentence: a refused token is a
 * configuration error; an unreachable or failing Slack is worth waiting for.
 */
export function slackStartError(error: unknown, apiUrl = 'https://slack.com/api/'): PlatformStartError {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as WebApiErrorShape;
  if (shape.code === 'slack_webapi_platform_error') {
    const answer = typeof shape.data?.error === 'string' ? shape.data.error : 'unknown_error';
    if (TOKEN_REFUSALS.has(answer)) {
      return new PlatformStartError('slack', `Slack refused the bot token in SLACK_BOT_TOKEN (${answer}): set the app's Bot User OAuth Token (xoxb-…) of an installed app.`, true);
    }
    return new PlatformStartError('slack', `Slack answered auth.test with ${answer}.`, true);
  }
  if (shape.code === 'slack_webapi_http_error') {
    return new PlatformStartError('slack', `Slack's Web API at ${apiUrl} answered HTTP ${String(shape.statusCode)}.`, false);
  }
  if (shape.code === 'slack_webapi_rate_limited_error') {
    return new PlatformStartError('slack', `Slack's Web API at ${apiUrl} is rate limiting pinbot.`, false);
  }
  return new PlatformStartError('slack', `Slack's Web API at ${apiUrl} could not be reached (${networkReason(shape.original ?? error)}).`, false);
}
