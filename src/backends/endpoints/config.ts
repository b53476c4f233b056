import { z } from 'zod';
import { parseDuration } from '../../core/workflow/access-policy.ts';

/** How long a warm endpoint may go without requests before its scope is told, when `idle_after` is not set. */
export const DEFAULT_IDLE_AFTER_MS = 24 * 3_600_000;

/** What `backend: endpoints` adds to a scope in PINBOT_CONFIG; `namespace` and `max_warm` are needed. */
export const endpointsKeys = z.object({
  namespace: z
    .string({ error: neededWithEndpoints('the user or organization that owns the endpoints') })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/, 'must be a Hugging Face user or organization name'),
  max_warm: z.number({ error: neededWithEndpoints('how many endpoints this scope may keep warm') }).int().min(0).max(1000),
  /** USD per hour the warm endpoints may cost at their minimum replicas; no cost cap when absent. */
  max_cost_per_hour: z.number().positive('must be more than 0 dollars per hour, like 2.5').finite().optional(),
  /** How long a warm endpoint may have no requests before the scope is told (`24h` when absent); `off`: never. */
  idle_after: z
    .string({ error: 'must be a duration like 24h, 90m or 2d, or off' })
    .refine((value) => value === 'off' || (parseDuration(value) ?? 0) > 0, 'must be a duration like 24h, 90m or 2d, or off to never tell of idle endpoints')
    .optional(),
});

/** A scope that keeps Inference Endpoints warm: which namespace, how many endpoints may stay warm, and at what cost. */
export interface EndpointsSettings {
  readonly kind: 'endpoints';
  readonly namespace: string;
  readonly maxWarm: number;
  /** USD per hour at minimum replicas; undefined: no cost cap. */
  readonly maxCostPerHour?: number;
  /** How long a warm endpoint may have no requests before the scope is told; undefined: never (`off`). */
  readonly idleAfterMs?: number;
}

export function endpointsSettings(section: z.output<typeof endpointsKeys>): EndpointsSettings {
  const idleAfterMs = section.idle_after === undefined ? DEFAULT_IDLE_AFTER_MS : parseDuration(section.idle_after);
  return {
    kind: 'endpoints', namespace: section.namespace, maxWarm: section.max_warm,
    ...(section.max_cost_per_hour !== undefined ? { maxCostPerHour: section.max_cost_per_hour } : {}),
    ...(idleAfterMs !== undefined ? { idleAfterMs } : {}),
  };
}

/** A missing key says what it is for; any other fault is left to the words of the configuration's error map. */
function neededWithEndpoints(purpose: string): z.core.$ZodErrorMap {
  return (issue) => (issue.input === undefined ? `is needed with backend: endpoints (${purpose})` : undefined);
}
