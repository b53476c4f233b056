import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports.ts';

/** The Slack user groups (`S…` ids) a user belongs to, for principals. */
export type GroupsOf = (userId: string) => Promise<readonly string[]>;

export const noGroups: GroupsOf = async () => [];

const REFRESH_MS = 5 * 60_000;

/**
 * Reads every user group with its members in one `usergroups.list` call (scope `usergroups:read`)
 * and keeps it for a few minutes. When Slack refuses, users count as members of no group, so a
 * group-based policy refuses rather than guesses; the refusal is logged once.
 */
export function slackUserGroups(client: webApi.WebClient, logger: Logger, refreshMs = REFRESH_MS): GroupsOf {
  let members: Map<string, string[]> | undefined;
  let loadedAt = 0;
  let loading: Promise<Map<string, string[]>> | undefined;
  let warned = false;

  const load = async (): Promise<Map<string, string[]>> => {
    const byUser = new Map<string, string[]>();
    const answer = await client.usergroups.list({ include_users: true, include_disabled: false });
    for (const group of answer.usergroups ?? []) {
      if (group.id === undefined) continue;
      for (const user of group.users ?? []) byUser.set(user, [...(byUser.get(user) ?? []), group.id]);
    }
    return byUser;
  };

  return async (userId) => {
    if (members === undefined || Date.now() - loadedAt > refreshMs) {
      loading ??= load().finally(() => {
        loading = undefined;
      });
      try {
        members = await loading;
        loadedAt = Date.now();
      } catch (error) {
        if (!warned) {
          const code = (error as { data?: { error?: string } }).data?.error ?? 'request failed';
          logger.warn({ code }, 'cannot read Slack user groups; group-based approvers will not match');
          warned = true;
        }
        return members?.get(userId) ?? [];
      }
    }
    return members.get(userId) ?? [];
  };
}
