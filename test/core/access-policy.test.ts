import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parsePrincipalPattern, ScopedPolicy, type ScopePolicy } from '../../src/core/workflow/access-policy.ts';
import type { ChangeCommand } from '../../src/core/domain/command.ts';
import { PinbotError } from '../../src/core/domain/errors.ts';
import type { RequestContext } from '../../src/core/workflow/pinning-service.ts';
import type { Principal } from '../../src/core/domain/principal.ts';
import { usePinbotHarness } from '../helpers/pinbot-harness.ts';

const alice: Principal = { platform: 'slack', userId: 'UALICE' };
const bob: Principal = { platform: 'slack', userId: 'UBOB', groups: ['SPLATFORM'] };
const carol: Principal = { platform: 'slack', userId: 'UCAROL', groups: ['SPLATFORM'] };
const mallory: Principal = { platform: 'slack', userId: 'UMALLORY' };
const dave: Principal = { platform: 'discord', userId: '110000000000000001', groups: ['110000000000000042'] };

function pattern(text: string) {
  const parsed = parsePrincipalPattern(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

const fourEyes: ScopePolicy = {
  proposers: [pattern('slack:UALICE'), pattern('slack:SPLATFORM')],
  approvers: [pattern('slack:SPLATFORM'), pattern('slack:UALICE'), pattern('discord:role:110000000000000042')],
  approvalsRequired: 2,
  requesterCanApprove: false,
  proposalTtlMs: 3_600_000,
};

describe('principal patterns', () => {
  it('reads Slack users and user groups, Discord users and roles', () => {
    expect(parsePrincipalPattern('slack:U0ALICE')).toEqual({ platform: 'slack', kind: 'user', id: 'U0ALICE' });
    expect(parsePrincipalPattern('slack:S0MLPLATFORM')).toEqual({ platform: 'slack', kind: 'group', id: 'S0MLPLATFORM' });
    expect(parsePrincipalPattern('discord:1100000000000000001')).toEqual({ platform: 'discord', kind: 'user', id: '1100000000000000001' });
    expect(parsePrincipalPattern('discord:role:1100000000000000042')).toEqual({ platform: 'discord', kind: 'role', id: '1100000000000000042' });
  });

  it('explains what a principal looks like when one is malformed', () => {
    for (const bad of ['alice', 'slack:alice', 'discord:role:abc', 'teams:U1']) {
      expect(parsePrincipalPattern(bad)).toMatch(/is not a principal: use slack:<user id>/);
    }
  });
});

describe('durations', () => {
  it('parses and formats the TTL notation', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(5_400_000)).toBe('90m');
  });
});

describe('ScopedPolicy decisions', () => {
  const policy = new ScopedPolicy(new Map([['prod', fourEyes]]));

  it('lets listed users and group members propose, and refuses others with a sentence', () => {
    expect(policy.canPropose('prod', alice).allowed).toBe(true);
    expect(policy.canPropose('prod', bob).allowed).toBe(true);
    const refused = policy.canPropose('prod', mallory);
    expect(refused).toEqual({ allowed: false, reason: 'You are not on the list of people who may propose pin changes in scope prod.' });
  });

  it('matches Discord roles from the principal the adapter built', () => {
    const proposal = { scope: 'prod', requester: alice } as Parameters<ScopedPolicy['canApprove']>[0];
    expect(policy.canApprove(proposal, dave).allowed).toBe(true);
    expect(policy.canApprove(proposal, { ...dave, groups: [] }).allowed).toBe(false);
  });

  it('describes the rules and the caller’s own rights', () => {
    expect(policy.describe('prod', bob)).toEqual([
      'Proposers: slack:UALICE, slack:SPLATFORM. Approvers: slack:SPLATFORM, slack:UALICE, discord:role:110000000000000042.',
      'A change needs 2 approvals from someone other than the requester; proposals expire after 1h.',
      'You may propose, and may approve (but not your own proposals).',
    ]);
    expect(policy.describe('prod', mallory)[2]).toBe('You may not propose, and may not approve.');
  });

  it('gives unknown scopes the open default', () => {
    expect(policy.canPropose('other', mallory).allowed).toBe(true);
    expect(policy.approvalsRequired('other')).toBe(1);
  });
});

describe('four-eyes approval through the service', () => {
  const start = usePinbotHarness();
  const context = (principal: Principal): RequestContext => ({ scope: 'prod', principal, channel: { platform: 'slack', channelId: 'CPROD' } });
  const add: ChangeCommand = { verb: 'add', pins: [{ modelId: 'bert-base-uncased', computeType: 'cpu' }] };

  it('applies only after two distinct allowed approvers, never on the requester’s click', async () => {
    const h = await start({ policy: new ScopedPolicy(new Map([['prod', fourEyes]])) });
    const proposal = await h.service.propose(add, context(alice));
    expect(proposal.approvalsRequired).toBe(2);

    await expect(h.service.approve(proposal.id, alice)).rejects.toMatchObject({ code: 'NOT_ALLOWED' });
    const first = await h.service.approve(proposal.id, bob);
    expect(first.kind).toBe('approval-recorded');
    expect(first.proposal.approvals.map((p) => p.userId)).toEqual(['UBOB']);
    await expect(h.service.approve(proposal.id, bob)).rejects.toMatchObject({ code: 'ALREADY_APPROVED', details: { missing: 1 } });
    await expect(h.service.checkApprovable(proposal.id, bob)).rejects.toMatchObject({ code: 'ALREADY_APPROVED' });
    expect(h.writes()).toHaveLength(0);

    const second = await h.service.approve(proposal.id, carol);

    expect(second.kind).toBe('settled');
    expect(second.proposal.state).toBe('applied');
    expect(second.proposal.approvals.map((p) => p.userId)).toEqual(['UBOB', 'UCAROL']);
    expect(h.writes()).toHaveLength(1);
  });

  it('applies once when the two needed approvals arrive at the same moment', async () => {
    const h = await start({ policy: new ScopedPolicy(new Map([['prod', fourEyes]])) });
    const proposal = await h.service.propose(add, context(alice));

    await Promise.allSettled([h.service.approve(proposal.id, bob), h.service.approve(proposal.id, carol)]);

    expect(h.writes()).toHaveLength(1);
    expect((await h.service.getProposal(proposal.id)).state).toBe('applied');
  });

  it('refuses a proposer who is not listed, and proposes nothing', async () => {
    const h = await start({ policy: new ScopedPolicy(new Map([['prod', fourEyes]])) });
    const error = await h.service.propose(add, context(mallory)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PinbotError);
    expect((error as PinbotError).code).toBe('NOT_ALLOWED');
    expect(h.clientRequests()).toHaveLength(0);
  });

  it('uses the scope’s TTL for expiry', async () => {
    const h = await start({ policy: new ScopedPolicy(new Map([['prod', fourEyes]])) });
    const proposal = await h.service.propose(add, context(alice));
    expect(proposal.expiresAt - proposal.createdAt).toBe(3_600_000);
  });
});
