import { GuildMember, type APIInteractionGuildMember, type BaseInteraction } from 'discord.js';
import type { Principal } from '../../core/domain/principal.ts';

/**
 * The person behind an interaction, with their role ids as `groups` so the core's policy can decide.
 * The member is a cached `GuildMember` when the guild is cached (GUILD_CREATE), else the raw payload.
 */
export function principalOf(interaction: BaseInteraction): Principal {
  const { user, member, guildId } = interaction;
  return {
    platform: 'discord',
    userId: user.id,
    displayName: displayNameOf(member) ?? user.globalName ?? user.username,
    groups: roleIdsOf(member, guildId),
  };
}

function displayNameOf(member: GuildMember | APIInteractionGuildMember | null): string | undefined {
  if (member === null) return undefined;
  if (member instanceof GuildMember) return member.displayName;
  return member.nick ?? undefined;
}

/** Role ids without @everyone, whose id is the guild's and which every member holds. */
function roleIdsOf(member: GuildMember | APIInteractionGuildMember | null, guildId: string | null): string[] {
  if (member === null) return [];
  const ids = member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles;
  return ids.filter((id) => id !== guildId);
}
