import type { ButtonInteraction } from 'discord.js';
import { decodeAction } from '../../core/domain/actions.ts';
import { handleClick } from '../../core/interaction/click-flow.ts';
import type { Logger } from '../../core/ports.ts';
import { text } from '../../core/domain/ui.ts';
import { channelRefOf } from './channel-ref.ts';
import type { HandlerDeps } from './deps.ts';
import { DiscordSurface } from './discord-surface.ts';
import { principalOf } from './principal.ts';
import { renderMessage } from './render-embed.ts';
import { tellClicker } from './respond.ts';

const UNKNOWN_BUTTON = 'This button is not one pinbot understands (it may be from an older version); nothing was done.';

/**
 * A click on a card's button, routed by its custom id alone: no in-memory state, so cards
 * posted before a restart keep working. The core decides who may act, whether anything is
 * written and what is shown after.
 */
export async function handleButton(interaction: ButtonInteraction, deps: HandlerDeps, baseLog: Logger): Promise<void> {
  const action = decodeAction(interaction.customId);
  if (action === undefined) {
    await tellClicker(interaction, renderMessage({ visibility: 'private', lines: [[text(UNKNOWN_BUTTON)]] }, deps.marker), baseLog);
    return;
  }
  const log = baseLog.child({ proposalId: action.proposalId, action: action.kind });
  const onConfirmation = action.kind === 'confirm' || action.kind === 'back';
  const surface = new DiscordSurface(interaction, deps, log, onConfirmation ? 'confirmation' : 'card');
  await handleClick(deps, surface, {
    kind: action.kind,
    id: action.proposalId,
    principal: principalOf(interaction),
    channel: channelRefOf(interaction),
    logger: log,
  });
}
