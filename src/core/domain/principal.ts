import type { Platform } from './channel.ts';

/** Someone acting through a chat platform, as the adapter saw them. Policy decides on this alone. */
export interface Principal {
  readonly platform: Platform;
  readonly userId: string;
  /** A name to show; never used for decisions. */
  readonly displayName?: string;
  /** Slack user-group ids or Discord role ids the user holds. */
  readonly groups?: readonly string[];
}

export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.platform === b.platform && a.userId === b.userId;
}
