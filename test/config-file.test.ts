import { describe, expect, it } from 'vitest';
import { backendConfigs } from '../src/backends/registry.ts';
import { ConfigError } from '../src/config.ts';
import { parseScopes } from '../src/config-file.ts';
import { defaultScopes, scopeResolver } from '../src/scopes.ts';

const env = { HF_TOKEN_RESEARCH: 'hf_research_secret_value', HF_TOKEN_PROD: 'hf_prod_secret_value' };

const twoScopes = `
scopes:
  - name: research
    token_env: HF_TOKEN_RESEARCH
    slack_channels: [C0123RSRCH]
    discord_channels: ["1100000000000000001"]
    notify: { slack: C0123ALERTS, discord: "1100000000000000009" }
  - name: production
    token_env: HF_TOKEN_PROD
    slack_channels: [C0PROD]
    discord_guilds: ["1200000000000000000"]
    policy:
      proposers: any
      approvers: [slack:U0ALICE, slack:S0MLPLATFORM, discord:role:1100000000000000042]
      approvals_required: 2
      requester_can_approve: false
      proposal_ttl: 4h
`;

function problems(text: string, environment: Record<string, string> = env): readonly string[] {
  try {
    parseScopes(text, environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('PINBOT_CONFIG scopes', () => {
  it('reads scopes, tokens from the named variables, bindings and policies', () => {
    const [research, production] = parseScopes(twoScopes, env);
    expect(research).toMatchObject({ name: 'research', token: 'hf_research_secret_value', slackChannels: ['C0123RSRCH'], notify: { slack: 'C0123ALERTS' } });
    expect(research?.policy).toMatchObject({ proposers: 'any', approvers: 'any', approvalsRequired: 1, requesterCanApprove: true, proposalTtlMs: 86_400_000 });
    expect(production?.policy).toMatchObject({
      approvalsRequired: 2, requesterCanApprove: false, proposalTtlMs: 14_400_000,
      approvers: [
        { platform: 'slack', kind: 'user', id: 'U0ALICE' },
        { platform: 'slack', kind: 'group', id: 'S0MLPLATFORM' },
        { platform: 'discord', kind: 'role', id: '1100000000000000042' },
      ],
    });
  });

  it('resolves each channel to its own scope, guilds as a fallback, and unbound channels to none', () => {
    const resolve = scopeResolver(parseScopes(twoScopes, env));
    expect(resolve({ platform: 'slack', channelId: 'C0123RSRCH' })).toBe('research');
    expect(resolve({ platform: 'slack', channelId: 'C0PROD' })).toBe('production');
    expect(resolve({ platform: 'slack', channelId: 'CRANDOM' })).toBeUndefined();
    expect(resolve({ platform: 'discord', channelId: '1100000000000000001', guildId: '1200000000000000000' })).toBe('research');
    expect(resolve({ platform: 'discord', channelId: '1300000000000000000', guildId: '1200000000000000000' })).toBe('production');
    expect(resolve({ platform: 'discord', channelId: '1300000000000000000', guildId: '999999999999999999' })).toBeUndefined();
  });

  it('binds every channel to the default scope without a file', () => {
    const resolve = scopeResolver(defaultScopes('hf_x'));
    expect(resolve({ platform: 'slack', channelId: 'CANY' })).toBe('default');
    expect(resolve({ platform: 'discord', channelId: '1' })).toBe('default');
  });

  it('lists every problem at once and never prints a token', () => {
    const found = problems(`
scopes:
  - name: Research Team
    token_env: hf_token_research
    slack_channels: [C1]
    policy: { approvers: [alice], proposal_ttl: soon, approvals_required: 0 }
  - name: prod
    token_env: HF_TOKEN_MISSING
    slack_channels: [C1]
    colour: blue
`);
    const text = found.join('\n');
    expect(text).toContain('scopes.0.name must be lowercase');
    expect(text).toContain('scopes.0.token_env must be the NAME of an environment variable');
    expect(text).toContain('approvals_required');
    expect(text).toContain('colour');
    expect(found.length).toBeGreaterThanOrEqual(4);
    expect(text).not.toContain('hf_research_secret_value');
  });

  it('reports semantic problems together: unset token variables, bad principals, TTLs and double bindings', () => {
    const found = problems(`
scopes:
  - name: a
    token_env: HF_TOKEN_RESEARCH
    slack_channels: [C1]
    policy: { approvers: [alice, slack:U0BOB], proposal_ttl: soon }
  - name: b
    token_env: HF_TOKEN_UNSET
    slack_channels: [C1]
`);
    expect(found).toEqual([
      'PINBOT_CONFIG: scopes.0 (a) policy.proposal_ttl must be a duration from 1m to 30d, like 30m, 24h or 2d',
      'PINBOT_CONFIG: scopes.0 (a) policy.approvers: "alice" is not a principal: use slack:<user id>, slack:<user-group id>, discord:<user id> or discord:role:<role id>',
      'PINBOT_CONFIG: scopes.1 (b) token_env: the variable HF_TOKEN_UNSET is not set',
      'PINBOT_CONFIG: Slack channel C1 is bound to both a and b',
    ]);
  });

  it('refuses a proposal_ttl outside 1m … 30d, which no card could show or expire sensibly', () => {
    const scope = (ttl: string) => `
scopes:
  - name: a
    token_env: HF_TOKEN_RESEARCH
    policy: { proposal_ttl: ${ttl} }
`;
    expect(problems(scope('999999999d'))).toEqual(['PINBOT_CONFIG: scopes.0 (a) policy.proposal_ttl must be a duration from 1m to 30d, like 30m, 24h or 2d']);
    expect(problems(scope('31d'))).toHaveLength(1);
    expect(problems(scope('59s'))).toHaveLength(1);
    expect(parseScopes(scope('30d'), env)[0]?.policy.proposalTtlMs).toBe(30 * 86_400_000);
    expect(parseScopes(scope('1m'), env)[0]?.policy.proposalTtlMs).toBe(60_000);
  });

  it('refuses approvals_required above the number of people a list of single approvers could hold', () => {
    const scope = (approvers: string, required: number) => `
scopes:
  - name: a
    token_env: HF_TOKEN_RESEARCH
    policy: { approvers: ${approvers}, approvals_required: ${required} }
`;
    expect(problems(scope('[slack:U0ALICE]', 2))).toEqual([
      'PINBOT_CONFIG: scopes.0 (a) policy.approvals_required is 2 but policy.approvers names only 1 person and no group or role, so nothing could ever be approved',
    ]);
    expect(problems(scope('[slack:U0ALICE, slack:U0ALICE, discord:100000000000000001]', 3))).toEqual([
      'PINBOT_CONFIG: scopes.0 (a) policy.approvals_required is 3 but policy.approvers names only 2 people and no group or role, so nothing could ever be approved',
    ]);
    // A user group, a Discord role or anyone may be several people: accepted.
    expect(parseScopes(scope('[slack:U0ALICE, slack:S0MLPLATFORM]', 2), env)[0]?.policy.approvalsRequired).toBe(2);
    expect(parseScopes(scope('[discord:role:100000000000000042]', 3), env)[0]?.policy.approvalsRequired).toBe(3);
    expect(parseScopes(scope('any', 2), env)[0]?.policy.approvalsRequired).toBe(2);
    expect(parseScopes(scope('[slack:U0ALICE, slack:U0BOB]', 2), env)[0]?.policy.approvalsRequired).toBe(2);
  });

  it('says an empty token variable "is empty", not "not set"', () => {
    expect(problems('scopes:\n  - name: a\n    token_env: HF_TOKEN_BLANK\n', { HF_TOKEN_BLANK: '  ' })).toEqual([
      'PINBOT_CONFIG: scopes.0 (a) token_env: the variable HF_TOKEN_BLANK is empty',
    ]);
  });

  it.each([
    ['empty', ''],
    ['only a comment', '# scopes come later\n'],
    ['null', 'null\n'],
    ['~', '~\n'],
  ])('says a file that is %s holds no scopes, in words', (_case, text) => {
    expect(problems(text)).toEqual([
      'PINBOT_CONFIG: the file is empty: it must list the scopes, e.g. `scopes:` then `- name: research` and `token_env: HF_TOKEN_RESEARCH` below it',
    ]);
  });

  it('says what was expected where the file has the wrong kind of value, never in zod\'s words', () => {
    expect(problems('- research\n- production\n')).toEqual([
      'PINBOT_CONFIG: the file holds a list, not settings: it must list the scopes, e.g. `scopes:` then `- name: research` and `token_env: HF_TOKEN_RESEARCH` below it',
    ]);
    expect(problems('scopes:\n')).toEqual(['PINBOT_CONFIG: scopes must be a list, not empty']);
    expect(problems('scopes: 5\n')).toEqual(['PINBOT_CONFIG: scopes must be a list, not a whole number']);
    expect(problems('scopes:\n  - null\n')).toEqual(['PINBOT_CONFIG: scopes.0 must be a mapping of settings (key: value lines), not empty']);
    const found = problems(`
scopes:
  - name: a
    discord_channels: [1100000000000000001]
    max_warm: 1.5
    backend: endpoints
    namespace: acme
    policy: { approvers: 5, approvals_required: 0, requester_can_approve: sometimes }
`);
    expect(found).toEqual([
      'PINBOT_CONFIG: scopes.0.token_env is missing (it must be text)',
      'PINBOT_CONFIG: scopes.0.discord_channels.0 must be text, not a whole number: write it in quotes',
      'PINBOT_CONFIG: scopes.0.max_warm must be a whole number, not a decimal number',
      'PINBOT_CONFIG: scopes.0.policy.approvers must be "any" or a list, not a whole number',
      'PINBOT_CONFIG: scopes.0.policy.approvals_required must be at least 1',
      'PINBOT_CONFIG: scopes.0.policy.requester_can_approve must be true or false, not text',
    ]);
    for (const text of ['', 'null', 'scopes: 5', 'scopes:\n  - null\n', 'scopes:\n  - {}\n', 'scopes:\n  - name: a\n    token_env: HF_TOKEN_RESEARCH\n    colour: blue\n']) {
      const words = problems(text).join('\n');
      expect(words).not.toMatch(/Invalid input|expected \w+, received|Unrecognized key|Too small|Too big/);
    }
  });

  it('says so plainly when the file is not YAML', () => {
    expect(problems('scopes: [')[0]).toMatch(/^PINBOT_CONFIG: not valid YAML/);
  });
});

describe('PINBOT_CONFIG backends', () => {
  it('gives each key to one backend only, so a key on the wrong scope names its one owner', () => {
    const keys = backendConfigs.flatMap((backend) => Object.keys(backend.keys.shape));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).not.toContain('backend');
    expect(new Set(backendConfigs.map((backend) => backend.id)).size).toBe(backendConfigs.length);
  });
});
