import { DEFAULT_SCOPE_POLICY, type ScopePolicy } from './core/workflow/access-policy.ts';
import type { ChannelRef, ScopeResolver } from './core/ports.ts';
import type { BackendSettings } from './backends/registry.ts';

/** One Hugging Face organization: its token, the channels bound to it, and who may do what. */
export interface ScopeConfig {
  readonly name: string;
  /** The name of the variable holding the token, for messages; the token itself is never shown. */
  readonly tokenEnv: string;
  readonly token: string | undefined;
  /** `'*'` binds every channel of the platform. */
  readonly slackChannels: readonly string[] | '*';
  readonly discordChannels: readonly string[] | '*';
  readonly discordGuilds: readonly string[];
  readonly notify: { readonly slack?: string; readonly discord?: string };
  /** The zone schedules typed without one are read in (`timezone:`, default UTC). */
  readonly timezone?: string;
  readonly policy: ScopePolicy;
  /** What the scope manages and how: `backend:` in PINBOT_CONFIG with its own keys. */
  readonly backend: BackendSettings;
}

/** Without a file: one scope named `default` from `HF_TOKEN`, bound to every channel, open policy. */
export function defaultScopes(token: string | undefined): ScopeConfig[] {
  return [{
    name: 'default', tokenEnv: 'HF_TOKEN', token, slackChannels: '*', discordChannels: '*', discordGuilds: [], notify: {}, policy: DEFAULT_SCOPE_POLICY,
    backend: { kind: 'classic' },
  }];
}

/**
 * The scope a channel acts on: the scope listing the channel, else (Discord) the scope listing its
 * guild, else none. A channel bound to nothing gets no scope, never a guess.
 */
export function scopeResolver(scopes: readonly ScopeConfig[]): ScopeResolver {
  return (channel: ChannelRef) => {
    for (const scope of scopes) {
      const channels = channel.platform === 'slack' ? scope.slackChannels : channel.platform === 'discord' ? scope.discordChannels : '*';
      if (channels === '*' || channels.includes(channel.channelId)) return scope.name;
    }
    if (channel.platform === 'discord' && channel.guildId !== undefined) {
      const guildId = channel.guildId;
      return scopes.find((scope) => scope.discordGuilds.includes(guildId))?.name;
    }
    return undefined;
  };
}
