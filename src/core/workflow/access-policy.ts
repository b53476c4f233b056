import type { Decision, Policy } from './policy.ts';
import { samePrincipal, type Principal } from '../domain/principal.ts';
import type { Proposal } from '../domain/proposal.ts';

/**
 * Someone named in a policy: `slack:<user or user-group id>`, `discord:<user id>` or
 * `discord:role:<role id>`.
 */
export type PrincipalPattern =
  | { readonly platform: 'slack'; readonly kind: 'user' | 'group'; readonly id: string }
  | { readonly platform: 'discord'; readonly kind: 'user' | 'role'; readonly id: string };

/** Who may act in one scope. `any` means everyone who can reach a bound channel. */
export interface ScopePolicy {
  readonly proposers: 'any' | readonly PrincipalPattern[];
  readonly approvers: 'any' | readonly PrincipalPattern[];
  readonly approvalsRequired: number;
  /** false: four-eyes, the requester's own click never counts. */
  readonly requesterCanApprove: boolean;
  readonly proposalTtlMs: number;
}

export const DEFAULT_SCOPE_POLICY: ScopePolicy = {
  proposers: 'any',
  approvers: 'any',
  approvalsRequired: 1,
  requesterCanApprove: true,
  proposalTtlMs: 24 * 60 * 60 * 1000,
};

/** Parses `slack:U123`, `slack:S123` (user group), `discord:123`, `discord:role:123`; a reason when it is not one. */
export function parsePrincipalPattern(text: string): PrincipalPattern | string {
  const slack = /^slack:([UWS][A-Z0-9]{2,})$/.exec(text);
  if (slack?.[1] !== undefined) return { platform: 'slack', kind: slack[1].startsWith('S') ? 'group' : 'user', id: slack[1] };
  const role = /^discord:role:(\d{15,21})$/.exec(text);
  if (role?.[1] !== undefined) return { platform: 'discord', kind: 'role', id: role[1] };
  const user = /^discord:(\d{15,21})$/.exec(text);
  if (user?.[1] !== undefined) return { platform: 'discord', kind: 'user', id: user[1] };
  return `"${text}" is not a principal: use slack:<user id>, slack:<user-group id>, discord:<user id> or discord:role:<role id>`;
}

export function matchesPrincipal(pattern: PrincipalPattern, who: Principal): boolean {
  if (pattern.platform !== who.platform) return false;
  if (pattern.kind === 'user') return pattern.id === who.userId;
  return (who.groups ?? []).includes(pattern.id);
}

function listed(patterns: 'any' | readonly PrincipalPattern[], who: Principal): boolean {
  // Whoever runs the console holds the token already; a chat policy cannot restrict them.
  if (patterns === 'any' || who.platform === 'console') return true;
  return patterns.some((pattern) => matchesPrincipal(pattern, who));
}

const ALLOWED: Decision = { allowed: true };

/** The policy of every scope, from configuration. Scopes it does not know get the default. */
export class ScopedPolicy implements Policy {
  constructor(private readonly scopes: ReadonlyMap<string, ScopePolicy>) {}

  settings(scope: string): ScopePolicy {
    return this.scopes.get(scope) ?? DEFAULT_SCOPE_POLICY;
  }

  canPropose(scope: string, who: Principal): Decision {
    return listed(this.settings(scope).proposers, who)
      ? ALLOWED
      : { allowed: false, reason: `You are not on the list of people who may propose pin changes in scope ${scope}.` };
  }

  canApprove(proposal: Proposal, who: Principal): Decision {
    const policy = this.settings(proposal.scope);
    const isRequester = samePrincipal(proposal.requester, who);
    if (isRequester && !policy.requesterCanApprove && who.platform !== 'console') {
      return { allowed: false, reason: 'You asked for this change, and this scope needs someone else to approve it.' };
    }
    return listed(policy.approvers, who)
      ? ALLOWED
      : { allowed: false, reason: `You are not on the list of people who may approve pin changes in scope ${proposal.scope}.` };
  }

  canCancel(proposal: Proposal, who: Principal): Decision {
    const isRequester = samePrincipal(proposal.requester, who);
    return isRequester || listed(this.settings(proposal.scope).approvers, who)
      ? ALLOWED
      : { allowed: false, reason: 'Only the person who asked for this change or an approver may cancel it.' };
  }

  approvalsRequired(scope: string): number {
    return this.settings(scope).approvalsRequired;
  }

  proposalTtlMs(scope: string): number {
    return this.settings(scope).proposalTtlMs;
  }

  describe(scope: string, who: Principal): string[] {
    const policy = this.settings(scope);
    const mayPropose = this.canPropose(scope, who).allowed;
    const mayApprove = listed(policy.approvers, who);
    const rules = [
      `Proposers: ${describePatterns(policy.proposers)}. Approvers: ${describePatterns(policy.approvers)}.`,
      `A change needs ${policy.approvalsRequired} approval${policy.approvalsRequired === 1 ? '' : 's'}` +
        `${policy.requesterCanApprove ? '' : ' from someone other than the requester'}; proposals expire after ${formatDuration(policy.proposalTtlMs)}.`,
      `You may ${mayPropose ? '' : 'not '}propose, and may ${mayApprove ? '' : 'not '}approve` +
        `${mayApprove && !policy.requesterCanApprove ? ' (but not your own proposals)' : ''}.`,
    ];
    return rules;
  }
}

function describePatterns(patterns: 'any' | readonly PrincipalPattern[]): string {
  if (patterns === 'any') return 'anyone';
  if (patterns.length === 0) return 'nobody';
  return patterns.map((p) => (p.platform === 'discord' && p.kind === 'role' ? `discord:role:${p.id}` : `${p.platform}:${p.id}`)).join(', ');
}

export function formatDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** Reads `24h`, `30m`, `90s`, `2d`, `1h30m`; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const [, d, h, m, s] = match;
  return (Number(d ?? 0) * 86_400 + Number(h ?? 0) * 3_600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000;
}
