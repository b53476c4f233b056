import { z } from 'zod';
import { parseDuration } from './core/access-policy.ts';

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
    PINBOT_DRIFT_INTERVAL: optionalText.refine((value) => value === undefined || value === 'off' || isDuration(value, 10_000), 'must be a duration of at least 10s, like 5m, or off'),
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
    problems.push('SLACK_SIGNING_SECRET is needed with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (!set('SLACK_BOT_TOKEN') && (set('SLACK_SIGNING_SECRET') || set('SLACK_APP_TOKEN'))) {
    problems.push('SLACK_BOT_TOKEN is needed to enable Slack');
  }
  if (set('DISCORD_TOKEN') !== set('DISCORD_APPLICATION_ID')) {
    const missing = set('DISCORD_TOKEN') ? 'DISCORD_APPLICATION_ID' : 'DISCORD_TOKEN';
    problems.push(`${missing} is needed to enable Discord (set both DISCORD_TOKEN and DISCORD_APPLICATION_ID)`);
  }
  return problems;
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
  /** Unset: the embedded sandbox simulator stands in for Hugging Face. */
  readonly hfToken?: string;
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
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`pinbot can't start: the configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads pinbot's settings from the environment; every problem is reported at once. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  // Problems name the variable and the rule, never the value: values may be secrets.
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`)),
    ...crossFieldProblems(env),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    ...(e.HF_TOKEN !== undefined ? { hfToken: e.HF_TOKEN } : {}),
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
