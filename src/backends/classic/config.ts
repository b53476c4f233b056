import { z } from 'zod';

/** The classic backend (the account's pinned list) adds no key to a scope in PINBOT_CONFIG. */
export const classicKeys = z.object({});

/** A scope on the classic pinned list: its token and policy say all there is. */
export interface ClassicSettings {
  readonly kind: 'classic';
}

export function classicSettings(): ClassicSettings {
  return { kind: 'classic' };
}
