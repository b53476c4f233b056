import type { Principal } from '../../core/domain/principal.ts';

/** The person behind a Slack payload; the name is for display only, decisions use the id and groups. */
export function slackPrincipal(userId: string, displayName: string | undefined, groups: readonly string[] = []): Principal {
  return {
    platform: 'slack',
    userId,
    ...(displayName !== undefined && displayName !== '' ? { displayName } : {}),
    ...(groups.length > 0 ? { groups } : {}),
  };
}
