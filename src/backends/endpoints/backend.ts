import type { LoadState, ScopeBackend, SeenByProposal } from '../../core/backend.ts';
import { hasCode } from '../../core/domain/errors.ts';
import type { EndpointsScopeApi, NamespaceState } from './api.ts';
import { applyStepwise, recoverStepwise } from './apply.ts';
import './errors.ts';
import { coldTimeoutsSeen, needsColdTimeout, planWarmEndpoints, warmVersion } from './plan.ts';
import { endpointsUsage } from './usage.ts';
import { endpointListLines, ENDPOINTS_WORDS } from './words.ts';

/** The registry's name for Inference Endpoints kept warm, as `backend:` in PINBOT_CONFIG. */
export const ENDPOINTS_KIND = 'endpoints';

/**
 * Inference Endpoints kept warm or let go cold: one namespace, each endpoint written on its own
 * (one PUT of its scaling), so a change is checked endpoint by endpoint against the scaling it
 * overwrites, and a change that stops midway is reported exactly.
 */
export function endpointsBackend(api: EndpointsScopeApi & { close?(): Promise<void> }, namespace: string, idleAfterMs?: number): ScopeBackend<NamespaceState> {
  return {
    kind: ENDPOINTS_KIND,
    words: ENDPOINTS_WORDS,
    target: `the endpoints of ${namespace}`,
    read: () => api.readPins(),
    describe: endpointListLines,
    version: warmVersion,
    plan: async ({ command, live, restoreTo, earlierSeen }) => {
      const plan = planWarmEndpoints(command, live, restoreTo);
      // A warm endpoint has no timeout of its own: find the one it had before pinbot warmed it.
      return needsColdTimeout(plan, live) ? planWarmEndpoints(command, live, restoreTo, rememberedColdTimeouts(await earlierSeen())) : plan;
    },
    modelsToCheck: (plan, live) => {
      const repositoryOf = new Map(live.endpoints.map((endpoint) => [endpoint.name, endpoint.repository]));
      return [...new Set(plan.diff.filter((line) => line.kind === 'added').flatMap((line) => repositoryOf.get(line.modelId) ?? []))];
    },
    apply: (proposal, context) => applyStepwise(proposal, api.endpoints, context),
    recover: recoverStepwise,
    // Every endpoint of the namespace, warm or cold, has a state worth reporting.
    holds: () => true,
    status: (name) => api.modelStatus(name),
    loadState: async (name): Promise<LoadState> => {
      try {
        const status = await api.modelStatus(name);
        if (status.loaded) return { kind: 'ready', status };
        // Failed to start, or to take its new scaling.
        if (status.state === 'failed' || status.state === 'updateFailed') return { kind: 'failed', reason: `the endpoint is in state ${status.state}` };
        return { kind: 'loading', state: status.state };
      } catch (error) {
        if (hasCode(error, 'HF_UNKNOWN_ENDPOINT') || hasCode(error, 'HF_BAD_TOKEN')) return { kind: 'failed', reason: error.message };
        throw error;
      }
    },
    usage: endpointsUsage(api, namespace, idleAfterMs),
    ...(api.close ? { close: () => api.close?.() ?? Promise.resolve() } : {}),
  };
}

/** The scale-to-zero timeouts earlier proposals saw, newest first wins, by endpoint. */
function rememberedColdTimeouts(earlier: readonly SeenByProposal[]): Record<string, number> {
  const remembered: Record<string, number> = {};
  for (const { seen } of earlier) {
    for (const [name, timeout] of Object.entries(coldTimeoutsSeen({ seen }))) remembered[name] ??= timeout;
  }
  return remembered;
}
