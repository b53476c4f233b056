import { REST, Routes } from 'discord.js';
import type { DiscordConfig } from '../../config.ts';
import { commandDefinitions } from './command-definitions.ts';

export interface Registration {
  /** `guild`: instant, one server. `global`: every server the app is in, may take a while to show. */
  readonly target: 'guild' | 'global';
  readonly guildId?: string;
  readonly route: string;
  readonly commands: readonly string[];
}

/**
 * Registers `/pins` by bulk overwrite (PUT replaces all of the application's commands there):
 * to `config.guildId` when set, else globally.
 */
export async function registerCommands(config: DiscordConfig): Promise<Registration> {
  const rest = new REST(config.apiUrl !== undefined ? { api: config.apiUrl } : {}).setToken(config.token);
  const body = commandDefinitions();
  const route = config.guildId !== undefined
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  await rest.put(route, { body });
  return {
    target: config.guildId !== undefined ? 'guild' : 'global',
    ...(config.guildId !== undefined ? { guildId: config.guildId } : {}),
    route,
    commands: body.map((command) => command.name),
  };
}

export function describeRegistration(registration: Registration): string {
  const names = registration.commands.map((name) => `/${name}`).join(', ');
  return registration.target === 'guild'
    ? `Registered ${names} in guild ${registration.guildId ?? ''} (PUT ${registration.route}); it is usable there now.`
    : `Registered ${names} globally (PUT ${registration.route}); Discord clients may need a reload (Ctrl+R) to show it.`;
}
