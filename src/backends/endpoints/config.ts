import { z } from 'zod';

/** What `backend: endpoints` adds to a scope in PINBOT_CONFIG; both keys are needed. */
export const endpointsKeys = z.object({
  namespace: z
    .string({ error: neededWithEndpoints('the user or organization that owns the endpoints') })
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/, 'must be a Hugging Face user or organization name'),
  max_warm: z.number({ error: neededWithEndpoints('how many endpoints this scope may keep warm') }).int().min(0).max(1000),
});

/** A scope that keeps Inference Endpoints warm: which namespace, and how many endpoints may stay warm. */
export interface EndpointsSettings {
  readonly kind: 'endpoints';
  readonly namespace: string;
  readonly maxWarm: number;
}

export function endpointsSettings(section: z.output<typeof endpointsKeys>): EndpointsSettings {
  return { kind: 'endpoints', namespace: section.namespace, maxWarm: section.max_warm };
}

/** A missing key says what it is for; any other fault is left to the words of the configuration's error map. */
function neededWithEndpoints(purpose: string): z.core.$ZodErrorMap {
  return (issue) => (issue.input === undefined ? `is needed with backend: endpoints (${purpose})` : undefined);
}
