import { PinbotError } from '../domain/errors.ts';
import type { HubCheck, HubProblem, ModelCatalog, ModelLookup } from '../domain/model-catalog.ts';
import type { Clock } from '../ports.ts';

export interface CatalogCacheOptions {
  readonly clock: Clock;
  /** How long a definite answer is reused. Failures are never cached. */
  readonly ttlMs: number;
}

/**
 * Remembers the Hub's answers per model id for a short while, and shares one lookup between
 * callers asking about the same id at once, so a burst of proposals costs one Hub GET per id.
 */
export function cachedCatalog(catalog: ModelCatalog, options: CatalogCacheOptions): ModelCatalog {
  const answers = new Map<string, { readonly lookup: ModelLookup; readonly until: number }>();
  const inFlight = new Map<string, Promise<ModelLookup>>();
  return {
    lookUp(modelId) {
      const now = options.clock.now();
      const cached = answers.get(modelId);
      if (cached && cached.until > now) return Promise.resolve(cached.lookup);
      if (cached) answers.delete(modelId);
      const pending = inFlight.get(modelId);
      if (pending) return pending;
      const lookup = catalog.lookUp(modelId)
        .then((answer) => {
          if (answer.kind !== 'unreachable') answers.set(modelId, { lookup: answer, until: options.clock.now() + options.ttlMs });
          return answer;
        })
        .finally(() => inFlight.delete(modelId));
      inFlight.set(modelId, lookup);
      return lookup;
    },
  };
}

/** Runs `work` over `items` with at most `limit` at a time; results keep the items' order. */
async function boundedMap<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Looks each model up on the Hub, `concurrency` at a time. A model that is missing or gated to the
 * token refuses the whole proposal; one the Hub did not answer for is only marked unchecked, so a
 * refusal never rests on a network failure.
 */
export async function checkModels(catalog: ModelCatalog, modelIds: readonly string[], concurrency: number): Promise<HubCheck[]> {
  const unique = [...new Set(modelIds)];
  const lookups = await boundedMap(unique, concurrency, async (modelId) => ({ modelId, lookup: await safeLookUp(catalog, modelId) }));
  const problems: HubProblem[] = [];
  const checks: HubCheck[] = [];
  for (const { modelId, lookup } of lookups) {
    switch (lookup.kind) {
      case 'found':
        checks.push({ modelId, kind: 'found', facts: lookup.facts });
        break;
      case 'unreachable':
        checks.push({ modelId, kind: 'unchecked' });
        break;
      case 'not-found':
        problems.push({ modelId, kind: 'not-found', suggestions: lookup.suggestions.slice(0, 3) });
        break;
      case 'gated-denied':
        problems.push({ modelId, kind: 'gated-denied' });
        break;
    }
  }
  if (problems.length > 0) throw new PinbotError('MODEL_NOT_AVAILABLE', problemSentence(problems), { problems });
  return checks;
}

/** A catalog that breaks its promise and rejects still only makes the model unchecked. */
async function safeLookUp(catalog: ModelCatalog, modelId: string): Promise<ModelLookup> {
  try {
    return await catalog.lookUp(modelId);
  } catch (error) {
    return { kind: 'unreachable', reason: error instanceof Error ? error.message : 'lookup failed' };
  }
}

function problemSentence(problems: readonly HubProblem[]): string {
  return problems
    .map((problem) => (problem.kind === 'not-found'
      ? `${problem.modelId} is not on the Hugging Face Hub, or is private to this scope's token.${problem.suggestions.length > 0 ? ` Did you mean ${problem.suggestions.join(', ')}?` : ''}`
      : `${problem.modelId} is gated on the Hugging Face Hub and this scope's token has not been granted access.`))
    .join(' ');
}
