import { z } from 'zod';
import { issueSentence, plainIssue } from './config-problems.ts';
import { parseDuration } from './core/workflow/access-policy.ts';

export const DEFAULT_HF_API_URL = 'https://api-inference.huggingface.co';
export const DEFAULT_HF_ENDPOINTS_API_URL = 'https://api.endpoints.huggingface.cloud/v2';
const DEFAULT_PROPOSAL_TTL_MS = 24 * 60 * 60 * 1000;

const optionalText = z
  .string()
  .transform((value) => value.trim())
  .optional()
  .transform((value) => (value === '' ? undefined : value));

const envSchema = z
  .object({
    HF_TOKEN: optionalText.refine((value) => value === undefined || !/\s/.test(value), 'must be a single token without spaces'),
    HF_API_URL: optionalText.refine((value) => value === undefined || isHttpUrl(value), 'must be an http(s) URL'),
    HF_ENDPOINTS_API_URL: optionalText.refine((value) => value === undefined || isHttpUrl(value), 'must be an http(s) URL'),
    HF_HUB_URL: optionalText.refine((value) => value === undefined || value === 'off' || isHttpUrl(value), 'must be an http(s) URL, or off'),
    DATABASE_URL: optionalText,
    PORT: optionalText.refine((value) => value === undefined || isPort(value), 'must be a whole number from 0 to 65535'),
    METRICS_PORT: optionalText.refine((value) => value === undefined || isPort(value), 'must be a whole number from 0 to 65535'),
    SLACK_BOT_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xoxb-'), 'must be a bot token starting with xoxb-'),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.refine((value) => value === undefined || value.startsWith('xapp-'), 'must be an app-level token starting with xapp-'),
    SLACK_API_URL: optionalText.refine((value) => value === undefined || isHttpUrl(value), 'must be an http(s) URL'),
    DISCORD_TOKEN: optionalText,
    DISCORD_APPLICATION_ID: optionalText.refine((value) => value === undefined || /^\d{15,21}$/.test(value), 'must be a numeric Discord id'),
    DISCORD_GUILD_ID: optionalText.refine((value) => value === undefined || /^\d{15,21}$/.test(value), 'must be a numeric Discord id'),
    DISCORD_API_URL: optionalText.refine((value) => value === undefined || isHttpUrl(value), 'must be an http(s) URL'),
    PINBOT_CONFIG: optionalText,
    PINBOT_SANDBOX: optionalText.refine((value) => value === undefined || value === 'on' || value === 'off', 'must be on or off'),
    PINBOT_DRIFT_INTERVAL: optionalText.refine((value) => value === undefined || value === 'off' || isDuration(value, 10_000), 'must be a duration of at least 10s, like 5m, or off'),
    PINBOT_USAGE_INTERVAL: optionalText.refine((value) => value === undefined || value === 'off' || isDuration(value, 10_000), 'must be a duration of at least 10s, like 5m, or off'),
    PINBOT_USAGE_RETENTION: optionalText.refine((value) => value === undefined || isDuration(value, 3_600_000), 'must be a duration of at least 1h, like 90d'),
    PINBOT_LOAD_TIMEOUT: optionalText.refine((value) => value === undefined || isDuration(value, 1000), 'must be a duration of at least 1s, like 15m'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'must be one of fatal, error, warn, info, debug, trace, silent' })
      .optional(),
  });

/** Rules across variables, checked on the raw values so they are reported with every other problem. */
function crossFieldProblems(env: Record<string, string | undefined>): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (set('SLACK_BOT_TOKEN') && !set('SLACK_SIGNING_SECRET') && !set('SLACK_APP_TOKEN')) {
    problems.push(`${describeMissing(env, 'SLACK_SIGNING_SECRET')}: it is needed with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)`);
  }
  if (!set('SLACK_BOT_TOKEN') && (set('SLACK_SIGNING_SECRET') || set('SLACK_APP_TOKEN'))) {
    problems.push(`${describeMissing(env, 'SLACK_BOT_TOKEN')}: it is needed to enable Slack`);
  }
  if (set('DISCORD_TOKEN') !== set('DISCORD_APPLICATION_ID')) {
    const missing = set('DISCORD_TOKEN') ? 'DISCORD_APPLICATION_ID' : 'DISCORD_TOKEN';
    problems.push(`${describeMissing(env, missing)}: it is needed to enable Discord (set both DISCORD_TOKEN and DISCORD_APPLICATION_ID)`);
  }
  problems.push(...sandboxProblems(env, set));
  return problems;
}

/**
 * The sandbox stands in for Hugging Face only where nobody can take it for a real account: the
 * console (which says SANDBOX in its first line), or a chat platform when the operator asks for it
 * with PINBOT_SANDBOX=on. A chat platform without a token is a mistake (`-e HF_TOKEN` with the
 * host variable unset), not a request for simulated models.
 */
function sandboxProblems(env: Record<string, string | undefined>, set: (name: string) => boolean): string[] {
  const mode = env['PINBOT_SANDBOX']?.trim() || undefined;
  // Any other value is reported by the schema; the rules below would only guess at it.
  if (mode !== undefined && mode !== 'on' && mode !== 'off') return [];
  const account = set('HF_TOKEN') || set('PINBOT_CONFIG');
  if (mode === 'on') {
    if (set('HF_TOKEN')) return ['PINBOT_SANDBOX=on serves a simulated account, but HF_TOKEN is set too: unset one of them'];
    if (set('PINBOT_CONFIG')) return ['PINBOT_SANDBOX=on serves a simulated account, so it cannot be used with PINBOT_CONFIG: unset one of them'];
    return [];
  }
  if (account) return [];
  if (mode === 'off') return [`${describeMissing(env, 'HF_TOKEN')} and PINBOT_SANDBOX=off rules out the simulated account: set HF_TOKEN (or PINBOT_CONFIG)`];
  const chats = [set('SLACK_BOT_TOKEN') ? 'Slack' : undefined, set('DISCORD_TOKEN') ? 'Discord' : undefined].filter((name) => name !== undefined);
  if (chats.length === 0) return [];
  return [`${describeMissing(env, 'HF_TOKEN')}, so ${chats.join(' and ')} would be served a simulated Hugging Face account: `
    + 'set HF_TOKEN to the token of the account to manage, or PINBOT_SANDBOX=on to serve the sandbox on purpose'];
}

/** "X is not set" when the variable is absent, "X is empty" when it is there but blank (`-e X` with X unset on the host). */
export function describeMissing(env: Record<string, string | undefined>, name: string): string {
  return env[name] === undefined ? `${name} is not set` : `${name} is empty`;
}

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret?: string;
  readonly appToken?: string;
  readonly apiUrl?: string;
}

export interface DiscordConfig {
  readonly token: string;
  readonly applicationId: string;
  readonly guildId?: string;
  readonly apiUrl?: string;
}

export interface Config {
  /** Unset: the embedded sandbox simulator stands in for Hugging Face (see `sandbox`). */
  readonly hfToken?: string;
  /**
   * True when the embedded simulator stands in for Hugging Face: no token and no PINBOT_CONFIG, in
   * the console or, with PINBOT_SANDBOX=on, on chat platforms too. Its state is kept apart.
   */
  readonly sandbox: boolean;
  readonly hfApiUrl: string;
  /** Base URL of the Inference Endpoints API, for scopes with `backend: endpoints`. */
  readonly hfEndpointsApiUrl: string;
  /**
   * Where models are checked before a card (`off`: not checked). Unset: huggingface.co, or the
   * sandbox simulator in the sandbox.
   */
  readonly hfHubUrl?: string;
  readonly databaseUrl?: string;
  readonly port: number;
  /** When set, `/metrics` is served only on this port, by a listener of its own, and not on `port`. */
  readonly metricsPort?: number;
  readonly slack?: SlackConfig;
  readonly discord?: DiscordConfig;
  readonly configFile?: string;
  readonly logLevel?: string;
  readonly proposalTtlMs: number;
  /** How often each scope's live list is compared with the last one seen; undefined = off. */
  readonly driftIntervalMs?: number;
  /** How long a newly pinned model is followed until it loads. */
  readonly loadTimeoutMs: number;
  /** How often each entry's usage counters are sampled; undefined = off. */
  readonly usageIntervalMs?: number;
  /** How long hourly usage is kept. */
  readonly usageRetentionMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`pinbot can't start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads pinbot's settings from the environment; every problem is reported at once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env, { error: plainIssue });
  // Problems name the variable and the rule, never the value: values may be secrets.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => issueSentence(issue, 'environment'))),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    ...(e.HF_TOKEN !== undefined ? { hfToken: e.HF_TOKEN } : {}),
    sandbox: e.HF_TOKEN === undefined && e.PINBOT_CONFIG === undefined && e.PINBOT_SANDBOX !== 'off',
    hfApiUrl: e.HF_API_URL ?? DEFAULT_HF_API_URL,
    hfEndpointsApiUrl: e.HF_ENDPOINTS_API_URL ?? DEFAULT_HF_ENDPOINTS_API_URL,
    ...(e.HF_HUB_URL !== undefined ? { hfHubUrl: e.HF_HUB_URL } : {}),
    ...(e.DATABASE_URL !== undefined ? { databaseUrl: e.DATABASE_URL } : {}),
    port: e.PORT !== undefined ? Number(e.PORT) : 3000,
    ...(e.METRICS_PORT !== undefined ? { metricsPort: Number(e.METRICS_PORT) } : {}),
    ...(e.SLACK_BOT_TOKEN !== undefined
      ? {
          slack: {
            botToken: e.SLACK_BOT_TOKEN,
            ...(e.SLACK_SIGNING_SECRET !== undefined ? { signingSecret: e.SLACK_SIGNING_SECRET } : {}),
            ...(e.SLACK_APP_TOKEN !== undefined ? { appToken: e.SLACK_APP_TOKEN } : {}),
            ...(e.SLACK_API_URL !== undefined ? { apiUrl: e.SLACK_API_URL } : {}),
          },
        }
      : {}),
    ...(e.DISCORD_TOKEN !== undefined && e.DISCORD_APPLICATION_ID !== undefined
      ? {
          discord: {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            ...(e.DISCORD_GUILD_ID !== undefined ? { guildId: e.DISCORD_GUILD_ID } : {}),
            ...(e.DISCORD_API_URL !== undefined ? { apiUrl: e.DISCORD_API_URL } : {}),
          },
        }
      : {}),
    ...(e.PINBOT_CONFIG !== undefined ? { configFile: e.PINBOT_CONFIG } : {}),
    ...(e.LOG_LEVEL !== undefined ? { logLevel: e.LOG_LEVEL } : {}),
    proposalTtlMs: DEFAULT_PROPOSAL_TTL_MS,
    ...(e.PINBOT_DRIFT_INTERVAL === 'off' ? {} : { driftIntervalMs: parseDuration(e.PINBOT_DRIFT_INTERVAL ?? '5m') ?? 300_000 }),
    loadTimeoutMs: parseDuration(e.PINBOT_LOAD_TIMEOUT ?? '15m') ?? 900_000,
    ...(e.PINBOT_USAGE_INTERVAL === 'off' ? {} : { usageIntervalMs: parseDuration(e.PINBOT_USAGE_INTERVAL ?? '5m') ?? 300_000 }),
    usageRetentionMs: parseDuration(e.PINBOT_USAGE_RETENTION ?? '90d') ?? 90 * 86_400_000,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function isDuration(value: string, atLeastMs: number): boolean {
  const ms = parseDuration(value);
  return ms !== undefined && ms >= atLeastMs;
}

function isPort(value: string): boolean {
  return /^\d{1,5}$/.test(value) && Number(value) <= 65535;
}
