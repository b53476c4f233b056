import type { LoadState, ScopeBackend } from '../../core/backend.ts';
import { hasCode, PinbotError } from '../../core/domain/errors.ts';
import type { PinnedList, PinnedModelsApi } from './api.ts';
import { applyWholeList, recoverWholeList } from './apply.ts';
import './error-codes.ts';
import { buildPlan, listVersion } from './plan.ts';
import { listLines, PINNED_WORDS, REPLICAS_REFUSAL } from './words.ts';

/** The registry's name for the classic Inference API's pinned list, as `backend:` in PINBOT_CONFIG. */
export const CLASSIC_KIND = 'classic';

/**
 * The classic Inference API's pinned models: one list per organization, capped by the plan,
 * written whole (`POST /usage/pinned_models` replaces it), so a change is checked against the
 * version of the whole list it was made on.
 */
export function classicBackend(api: PinnedModelsApi & { close?(): Promise<void> }): ScopeBackend<PinnedList> {
  return {
    kind: CLASSIC_KIND,
    words: PINNED_WORDS,
    target: 'the pinned list',
    read: () => api.readPins(),
    describe: listLines,
    version: listVersion,
    plan: async ({ command, live, restoreTo }) => {
      if ((command.verb === 'add' || command.verb === 'set') && command.scale !== undefined) throw new PinbotError('INVALID_COMMAND', REPLICAS_REFUSAL, { input: `replicas=${command.scale}` });
      return buildPlan(command, live, restoreTo);
    },
    modelsToCheck: (plan) => plan.diff.filter((line) => line.kind !== 'removed').map((line) => line.modelId),
    apply: (proposal, context) => applyWholeList(proposal, api, context),
    recover: (proposal, live, context) => recoverWholeList(proposal, live, context),
    // The API answers `Loadable` for any public model: about one the list does not hold, that would mislead.
    holds: (id, live) => live.pins.some((pin) => pin.modelId === id),
    status: (id) => api.modelStatus(id),
    loadState: async (id): Promise<LoadState> => {
      try {
        const status = await api.modelStatus(id);
        if (status.loaded || status.state === 'Loaded') return { kind: 'ready', status };
        if (status.state === 'TooBig') return { kind: 'failed', reason: 'Hugging Face says it is too big to load (TooBig)' };
        return { kind: 'loading', state: status.state };
      } catch (error) {
        if (hasCode(error, 'HF_UNKNOWN_MODEL') || hasCode(error, 'HF_BAD_TOKEN')) return { kind: 'failed', reason: error.message };
        throw error;
      }
    },
    ...(api.close ? { close: () => api.close?.() ?? Promise.resolve() } : {}),
  };
}
