/** Where a request came from and where its card lives. */
export interface ChannelRef {
  readonly platform: Platform;
  readonly channelId: string;
  /** Discord's server, so a scope can bind a whole guild. */
  readonly guildId?: string;
}

export type Platform = 'slack' | 'discord' | 'console';
