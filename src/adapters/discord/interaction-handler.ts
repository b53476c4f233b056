import type { Interaction } from 'discord.js';
import { handleAutocomplete } from './autocomplete.ts';
import { handleButton } from './button-click.ts';
import type { HandlerDeps } from './deps.ts';
import { errorFields } from './discord-errors.ts';
import { handleSlashCommand } from './slash-command.ts';

/** The single `interactionCreate` listener: routes slash commands, button clicks and autocomplete. */
export function createInteractionHandler(deps: HandlerDeps): (interaction: Interaction) => Promise<void> {
  return async (interaction) => {
    const log = deps.logger.child({
      platform: 'discord',
      interactionId: interaction.id,
      user: interaction.user.id,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
    });
    try {
      if (interaction.isChatInputCommand()) await handleSlashCommand(interaction, deps, log);
      else if (interaction.isButton()) await handleButton(interaction, deps, log);
      else if (interaction.isAutocomplete()) await handleAutocomplete(interaction, deps, log);
    } catch (error) {
      log.error(errorFields(error, deps.secrets), 'interaction handler failed');
    }
  };
}
