import { isValidZone } from './core/domain/schedule-times.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { backendConfigs, type BackendSettings } from './backends/registry.ts';
import { DEFAULT_SCOPE_POLICY, parseDuration, parsePrincipalPattern, type PrincipalPattern } from './core/workflow/access-policy.ts';
import { ConfigError, describeMissing } from './config.ts';
import { allOf, issueSentence, kindOf, oneOf, plainIssue } from './config-problems.ts';
import type { ScopeConfig } from './scopes.ts';


/** A proposal waits at least a minute and at most 30 days for its approvals. */
const MIN_PROPOSAL_TTL_MS = 60_000;
const MAX_PROPOSAL_TTL_MS = 30 * 86_400_000;

const idList = z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'must be a channel or guild id')).default([]);

const principals = z.union([z.literal('any'), z.array(z.string())]);

const backendIds = backendConfigs.map((backend) => backend.id);

/**
 * Every backend's own keys, allowed on any scope and checked there for their form only: a value
 * wrong in itself is said with the rest of the file's faults, wherever it stands. Whether a key
 * belongs to the scope's backend, and whether one it needs is missing, is `backendSection`'s to say
 * once the file is well-formed, beside the scope's other problems.
 */
const anyBackendKeys = Object.fromEntries(
  backendConfigs.flatMap((backend) => Object.entries(backend.keys.shape).map(([key, rule]) => [key, z.optional(rule)])),
);

/** Which keys a scope takes and needs, told apart by `backend`, and the typed settings they make. */
const backendSection = unionOfBackends();

function unionOfBackends() {
  // zod takes the options of a union as a list that cannot be empty.
  const [firstBackend, ...otherBackends] = backendConfigs;
  if (firstBackend === undefined) throw new Error('the registry lists no backend');
  return z.discriminatedUnion('backend', [firstBackend.section, ...otherBackends.map((backend) => backend.section)]);
}

const fileSchema = z.object({
  scopes: z
    .array(
      z.object({
        name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be lowercase letters, digits, - or _ (at most 40)'),
        token_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable, e.g. HF_TOKEN_RESEARCH'),
        slack_channels: idList,
        discord_channels: idList,
        discord_guilds: idList,
        notify: z.object({ slack: z.string().optional(), discord: z.string().optional() }).strict().default({}),
        // The zone a schedule typed without one is read in.
        timezone: z.string().default('UTC'),
        // Without `backend`, a scope manages the account's classic pinned list, as it did before there were others.
        backend: z.enum(backendIds, { error: `must be ${oneOf(backendIds)}` }).default('classic'),
        ...anyBackendKeys,
        policy: z
          .object({
            proposers: principals.default('any'),
            approvers: principals.default('any'),
            approvals_required: z.number().int().min(1).max(10).default(1),
            requester_can_approve: z.boolean().default(true),
            proposal_ttl: z.string().default('24h'),
          })
          .strict()
          .default({ proposers: 'any', approvers: 'any', approvals_required: 1, requester_can_approve: true, proposal_ttl: '24h' }),
      }).strict(),
    )
    .min(1, 'must list at least one scope'),
}).strict();


export function loadScopesFile(path: string, env: Record<string, string | undefined>): ScopeConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError([`PINBOT_CONFIG: cannot read ${path} (${code ?? 'unreadable'})`]);
  }
  return parseScopes(text, env, `PINBOT_CONFIG (${path})`);
}

/** Parses the YAML text; every problem is reported at once. */
export function parseScopes(text: string, env: Record<string, string | undefined>, where = 'PINBOT_CONFIG'): ScopeConfig[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError([`${where}: not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : 'parse error'})`]);
  }
  const shape = fileShapeProblem(raw);
  if (shape !== undefined) throw new ConfigError([`${where}: ${shape}`]);
  const parsed = fileSchema.safeParse(raw, { error: plainIssue });
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${where}: ${issueSentence(issue, 'file')}`));
  }
  const problems: string[] = [];
  const scopes = parsed.data.scopes.map((scope, index): ScopeConfig => {
    const at = `${where}: scopes.${index} (${scope.name})`;
    const patterns = (list: 'any' | string[], key: string): 'any' | PrincipalPattern[] => {
      if (list === 'any') return 'any';
      return list.flatMap((entry) => {
        const pattern = parsePrincipalPattern(entry);
        if (typeof pattern === 'string') {
          problems.push(`${at} policy.${key}: ${pattern}`);
          return [];
        }
        return [pattern];
      });
    };
    const ttl = parseDuration(scope.policy.proposal_ttl);
    if (ttl === undefined || ttl < MIN_PROPOSAL_TTL_MS || ttl > MAX_PROPOSAL_TTL_MS) {
      problems.push(`${at} policy.proposal_ttl must be a duration from 1m to 30d, like 30m, 24h or 2d`);
    }
    if (!isValidZone(scope.timezone)) problems.push(`${at} timezone must be an IANA time zone, like Europe/Paris or America/New_York, or UTC`);
    const token = env[scope.token_env]?.trim() || undefined;
    if (token === undefined) problems.push(`${at} token_env: the variable ${describeMissing(env, scope.token_env)}`);
    const approvers = patterns(scope.policy.approvers, 'approvers');
    const backend = backendSettings(scope, at, problems);
    if (scope.policy.approvers !== 'any' && scope.policy.approvers.length === 0) problems.push(`${at} policy.approvers lists nobody, so nothing could ever be approved`);
    // Only once every approver is understood, so a typo is not also reported as a short list.
    else if (approvers === 'any' || approvers.length === scope.policy.approvers.length) problems.push(...tooFewApprovers(approvers, scope.policy.approvals_required, at));
    return {
      name: scope.name,
      tokenEnv: scope.token_env,
      token,
      slackChannels: scope.slack_channels,
      discordChannels: scope.discord_channels,
      discordGuilds: scope.discord_guilds,
      notify: scope.notify,
      timezone: scope.timezone,
      policy: {
        proposers: patterns(scope.policy.proposers, 'proposers'),
        approvers,
        approvalsRequired: scope.policy.approvals_required,
        requesterCanApprove: scope.policy.requester_can_approve,
        proposalTtlMs: ttl ?? DEFAULT_SCOPE_POLICY.proposalTtlMs,
      },
      // Without settings a problem was recorded, so this scope is never returned.
      backend: backend ?? { kind: 'classic' },
    };
  });
  problems.push(...duplicateProblems(scopes, where));
  if (problems.length > 0) throw new ConfigError(problems);
  return scopes;
}

/**
 * `approvals_required` distinct approvers must be possible: a user group or a Discord role may hold
 * many people, so only a list of single users can be too short.
 */
function tooFewApprovers(approvers: 'any' | readonly PrincipalPattern[], required: number, at: string): string[] {
  if (approvers === 'any' || approvers.some((pattern) => pattern.kind !== 'user')) return [];
  const people = new Set(approvers.map((pattern) => `${pattern.platform}:${pattern.id}`)).size;
  if (people === 0 || people >= required) return [];
  return [`${at} policy.approvals_required is ${required} but policy.approvers names only ${people} ${people === 1 ? 'person' : 'people'} and no group or role, so nothing could ever be approved`];
}

const EXAMPLE = 'e.g. `scopes:` then `- name: research` and `token_env: HF_TOKEN_RESEARCH` below it';

/** A file that holds no settings, or something other than settings, said before any rule. */
function fileShapeProblem(raw: unknown): string | undefined {
  if (raw === null || raw === undefined) return `the file is empty: it must list the scopes, ${EXAMPLE}`;
  if (typeof raw !== 'object' || Array.isArray(raw)) return `the file holds ${kindOf(raw)}, not settings: it must list the scopes, ${EXAMPLE}`;
  return undefined;
}

/**
 * The scope's typed backend settings, or the reason there are none in the words pinbot has always
 * used: a key that only another backend takes, or one this backend needs and the scope lacks.
 */
function backendSettings(scope: Record<string, unknown>, at: string, problems: string[]): BackendSettings | undefined {
  const section = Object.fromEntries(Object.entries(scope).filter(([key, value]) => (key === 'backend' || Object.hasOwn(anyBackendKeys, key)) && value !== undefined));
  const parsed = backendSection.safeParse(section, { error: plainIssue });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    if (issue.code === 'unrecognized_keys') problems.push(...misplacedKeys(issue.keys, at));
    else problems.push(`${at} ${issueSentence(issue, 'backend')}`);
  }
  return undefined;
}

/** `namespace and max_warm apply only with backend: endpoints`: one sentence per backend the keys belong to. */
function misplacedKeys(keys: readonly string[], at: string): string[] {
  return backendConfigs.flatMap((backend) => {
    const own = Object.keys(backend.keys.shape);
    if (!keys.some((key) => own.includes(key))) return [];
    return [`${at} ${allOf(own)} ${own.length === 1 ? 'applies' : 'apply'} only with backend: ${backend.id}`];
  });
}

function duplicateProblems(scopes: readonly ScopeConfig[], where: string): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  const claim = (key: string, label: string, scope: string) => {
    const other = seen.get(key);
    if (other !== undefined && other !== scope) problems.push(`${where}: ${label} is bound to both ${other} and ${scope}`);
    else if (other === scope && key.startsWith('name:')) problems.push(`${where}: the scope name ${scope} is used twice`);
    seen.set(key, scope);
  };
  for (const scope of scopes) {
    claim(`name:${scope.name}`, `name ${scope.name}`, scope.name);
    for (const channel of scope.slackChannels === '*' ? [] : scope.slackChannels) claim(`slack:${channel}`, `Slack channel ${channel}`, scope.name);
    for (const channel of scope.discordChannels === '*' ? [] : scope.discordChannels) claim(`discord:${channel}`, `Discord channel ${channel}`, scope.name);
    for (const guild of scope.discordGuilds) claim(`guild:${guild}`, `Discord guild ${guild}`, scope.name);
  }
  return problems;
}
