import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { parseScopes } from '../src/config-file.ts';
import { defaultScopes } from '../src/scopes.ts';

const env = { HF_TOKEN_ENDPOINTS: 'hf_endpoints_secret_value' };
const DAY = 24 * 3_600_000;

function problems(text: string): readonly string[] {
  try {
    parseScopes(text, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('PINBOT_CONFIG: a scope with backend: endpoints', () => {
  it('reads the namespace and max_warm; classic stays the default', () => {
    const [endpoints, classic] = parseScopes(
      'scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme-ml\n    max_warm: 3\n  - name: pins\n    token_env: HF_TOKEN_ENDPOINTS\n',
      env,
    );
    expect(endpoints?.backend).toEqual({ kind: 'endpoints', namespace: 'acme-ml', maxWarm: 3, idleAfterMs: DAY });
    expect(classic?.backend).toEqual({ kind: 'classic' });
  });

  it('names what an endpoints scope lacks, one sentence each, and never the token', () => {
    const found = problems('scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n');
    expect(found).toEqual([
      'PINBOT_CONFIG: scopes.0 (inference) namespace is needed with backend: endpoints (the user or organization that owns the endpoints)',
      'PINBOT_CONFIG: scopes.0 (inference) max_warm is needed with backend: endpoints (how many endpoints this scope may keep warm)',
    ]);
    expect(found.join('\n')).not.toContain(env.HF_TOKEN_ENDPOINTS);
  });

  it('refuses an unknown backend, a negative max_warm, and endpoints settings on a classic scope', () => {
    expect(problems('scopes:\n  - name: a\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: serverless\n')).toEqual(['PINBOT_CONFIG: scopes.0.backend must be classic or endpoints']);
    expect(problems('scopes:\n  - name: a\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: -1\n')[0]).toContain('scopes.0.max_warm');
    expect(problems('scopes:\n  - name: a\n    token_env: HF_TOKEN_ENDPOINTS\n    max_warm: 2\n')).toEqual(['PINBOT_CONFIG: scopes.0 (a) namespace, max_warm, max_cost_per_hour and idle_after apply only with backend: endpoints']);
  });

  it('reads an optional max_cost_per_hour, a positive number of dollars, and says so of anything else', () => {
    const scope = (extra: string) => `scopes:\n  - name: a\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n${extra}`;
    expect(parseScopes(scope('    max_cost_per_hour: 2.5\n'), env)[0]?.backend).toEqual({ kind: 'endpoints', namespace: 'acme', maxWarm: 2, maxCostPerHour: 2.5, idleAfterMs: DAY });
    expect(parseScopes(scope(''), env)[0]?.backend).not.toHaveProperty('maxCostPerHour');
    for (const bad of ['0', '-1']) {
      expect(problems(scope(`    max_cost_per_hour: ${bad}\n`))).toEqual(['PINBOT_CONFIG: scopes.0.max_cost_per_hour must be more than 0 dollars per hour, like 2.5']);
    }
    expect(problems(scope('    max_cost_per_hour: cheap\n'))).toEqual(['PINBOT_CONFIG: scopes.0.max_cost_per_hour must be a number, not text']);
  });

  it('reads an optional idle_after, a duration or off, 24h when absent, and says so of anything else', () => {
    const scope = (extra: string) => `scopes:\n  - name: a\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n${extra}`;
    const idleAfter = (extra: string) => (parseScopes(scope(extra), env)[0]?.backend as { idleAfterMs?: number } | undefined)?.idleAfterMs;
    expect(idleAfter('')).toBe(DAY);
    expect(idleAfter('    idle_after: 90m\n')).toBe(90 * 60_000);
    expect(idleAfter('    idle_after: 2d\n')).toBe(2 * DAY);
    expect(parseScopes(scope('    idle_after: off\n'), env)[0]?.backend).not.toHaveProperty('idleAfterMs');
    for (const bad of ['soon', '0h', '"-1h"']) {
      expect(problems(scope(`    idle_after: ${bad}\n`))).toEqual(['PINBOT_CONFIG: scopes.0.idle_after must be a duration like 24h, 90m or 2d, or off to never tell of idle endpoints']);
    }
    expect(problems(scope('    idle_after: 24\n'))).toEqual(['PINBOT_CONFIG: scopes.0.idle_after must be a duration like 24h, 90m or 2d, or off']);
  });

  it('types each scope\'s backend settings, a scope without backend and the default scope on classic', () => {
    const [endpoints, explicit, implicit] = parseScopes(
      'scopes:\n  - name: inference\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme-ml\n    max_warm: 0\n'
      + '  - name: pins\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: classic\n  - name: more-pins\n    token_env: HF_TOKEN_ENDPOINTS\n',
      env,
    );
    expect(endpoints?.backend).toEqual({ kind: 'endpoints', namespace: 'acme-ml', maxWarm: 0, idleAfterMs: DAY });
    expect(explicit?.backend).toEqual({ kind: 'classic' });
    expect(implicit?.backend).toEqual({ kind: 'classic' });
    expect(defaultScopes('hf_x')[0]?.backend).toEqual({ kind: 'classic' });
  });

  it('takes the Endpoints API base from HF_ENDPOINTS_API_URL, defaulting to the public one', () => {
    expect(loadConfig({}).hfEndpointsApiUrl).toBe('https://api.endpoints.huggingface.cloud/v2');
    expect(loadConfig({ HF_ENDPOINTS_API_URL: 'http://127.0.0.1:9999/v2' }).hfEndpointsApiUrl).toBe('http://127.0.0.1:9999/v2');
    expect(() => loadConfig({ HF_ENDPOINTS_API_URL: 'ftp://x' })).toThrow('HF_ENDPOINTS_API_URL must be an http(s) URL');
  });
});

describe('PINBOT_CONFIG: each backend takes its own keys, and a scope is told which it lacks or holds wrongly', () => {
  const scope = (...lines: string[]) => `scopes:\n  - name: a\n    token_env: HF_TOKEN_ENDPOINTS\n${lines.map((line) => `    ${line}\n`).join('')}`;
  const applyOnly = 'PINBOT_CONFIG: scopes.0 (a) namespace, max_warm, max_cost_per_hour and idle_after apply only with backend: endpoints';
  const namespaceNeeded = 'PINBOT_CONFIG: scopes.0 (a) namespace is needed with backend: endpoints (the user or organization that owns the endpoints)';
  const maxWarmNeeded = 'PINBOT_CONFIG: scopes.0 (a) max_warm is needed with backend: endpoints (how many endpoints this scope may keep warm)';

  it('says once that namespace and max_warm are for endpoints, whichever of them a classic scope holds', () => {
    expect(problems(scope('max_warm: 2'))).toEqual([applyOnly]);
    expect(problems(scope('namespace: acme'))).toEqual([applyOnly]);
    expect(problems(scope('backend: classic', 'namespace: acme', 'max_warm: 2'))).toEqual([applyOnly]);
  });

  it('names each key an endpoints scope lacks, and only those', () => {
    expect(problems(scope('backend: endpoints'))).toEqual([namespaceNeeded, maxWarmNeeded]);
    expect(problems(scope('backend: endpoints', 'namespace: acme'))).toEqual([maxWarmNeeded]);
    expect(problems(scope('backend: endpoints', 'max_warm: 2'))).toEqual([namespaceNeeded]);
  });

  it('says a malformed value as such even on a classic scope, before where it belongs', () => {
    expect(problems(scope('namespace: "not a name!"'))).toEqual(['PINBOT_CONFIG: scopes.0.namespace must be a Hugging Face user or organization name']);
    expect(problems(scope('max_warm: 1.5'))).toEqual(['PINBOT_CONFIG: scopes.0.max_warm must be a whole number, not a decimal number']);
  });

  it('refuses a backend pinbot does not know together with every other fault of the scope', () => {
    expect(problems(scope('backend: serverless', 'namespace: acme', 'max_warm: 1.5', 'colour: blue'))).toEqual([
      'PINBOT_CONFIG: scopes.0.backend must be classic or endpoints',
      'PINBOT_CONFIG: scopes.0.max_warm must be a whole number, not a decimal number',
      'PINBOT_CONFIG: scopes.0 has a setting pinbot does not know: colour (check the spelling)',
    ]);
    expect(problems(scope('backend: 5'))).toEqual(['PINBOT_CONFIG: scopes.0.backend must be classic or endpoints']);
  });

  it('lists a missing key beside the scope\'s other problems, in the order of the scope\'s checks', () => {
    const found = problems(`scopes:
  - name: a
    token_env: HF_TOKEN_UNSET
    backend: endpoints
    policy: { proposal_ttl: soon, approvers: [slack:U0ALICE], approvals_required: 2 }
  - name: b
    token_env: HF_TOKEN_ENDPOINTS
    max_warm: 2
`);
    expect(found).toEqual([
      'PINBOT_CONFIG: scopes.0 (a) policy.proposal_ttl must be a duration from 1m to 30d, like 30m, 24h or 2d',
      'PINBOT_CONFIG: scopes.0 (a) token_env: the variable HF_TOKEN_UNSET is not set',
      namespaceNeeded,
      maxWarmNeeded,
      'PINBOT_CONFIG: scopes.0 (a) policy.approvals_required is 2 but policy.approvers names only 1 person and no group or role, so nothing could ever be approved',
      'PINBOT_CONFIG: scopes.1 (b) namespace, max_warm, max_cost_per_hour and idle_after apply only with backend: endpoints',
    ]);
  });
});
