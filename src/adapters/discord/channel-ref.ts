import type { ChannelRef } from '../../core/ports.ts';

/**
 * Where an interaction happened, as the core and the scope resolver see it: the channel and, in a
 * server, its guild, so a scope bound by `discord_guilds` resolves. Every interaction path builds
 * it here, so none can leave the guild out.
 */
export function channelRefOf(interaction: { readonly channelId: string; readonly guildId: string | null }): ChannelRef {
  return {
    platform: 'discord',
    channelId: interaction.channelId,
    ...(interaction.guildId !== null ? { guildId: interaction.guildId } : {}),
  };
}
