import type { Principal } from '../../core/principal.ts';

/** The person behind a Slack payload; the name is for display only, decisions use the id. */
export function slackPrincipal(userId: string, displayName: string | undefined): Principal {
  return { platform: 'slack', userId, ...(displayName !== undefined && displayName !== '' ? { displayName } : {}) };
}
