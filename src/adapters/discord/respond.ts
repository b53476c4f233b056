import { MessageFlags, type ButtonInteraction } from 'discord.js';
import type { Logger } from '../../core/ports.ts';
import { errorFields, isAlreadyAcknowledged, isTokenGone } from './discord-errors.ts';
import type { TextPayload } from './render-embed.ts';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export function outcomeOf<T>(work: Promise<T>): Promise<Outcome<T>> {
  return work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** The outcome if `work` finishes within `ms`, else `undefined` (and `work` keeps running). */
export async function within<T>(work: Promise<Outcome<T>>, ms: number): Promise<Outcome<T> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs one Discord call; a failure is logged and reported as `false`, never thrown. Unknown
 * interaction (10062), already acknowledged (40060) and expired tokens (50027) are expected here.
 */
export async function attempt(log: Logger, what: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (error) {
    const fields = { what, ...errorFields(error) };
    if (isTokenGone(error)) log.warn(fields, 'interaction token no longer valid');
    else if (isAlreadyAcknowledged(error)) log.warn(fields, 'interaction already acknowledged elsewhere');
    else log.error(fields, 'discord call failed');
    return false;
  }
}

/** A note only the clicker sees: the first answer to the click, or a follow-up once acknowledged. */
export async function tellClicker(interaction: ButtonInteraction, payload: TextPayload, log: Logger): Promise<boolean> {
  const options = { ...payload, flags: MessageFlags.Ephemeral } as const;
  if (interaction.deferred || interaction.replied) return attempt(log, 'followUp', () => interaction.followUp(options));
  return attempt(log, 'reply', () => interaction.reply(options));
}
