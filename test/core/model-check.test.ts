import { describe, expect, it } from 'vitest';
import { hasCode } from '../../src/core/domain/errors.ts';
import type { ModelCatalog, ModelLookup } from '../../src/core/domain/model-catalog.ts';
import { closestIds } from '../../src/core/domain/close-ids.ts';
import { cachedCatalog, checkModels } from '../../src/core/workflow/model-check.ts';
import { manualClock } from '../helpers/pinbot-harness.ts';

const found: ModelLookup = { kind: 'found', facts: { task: 'text-generation', library: 'transformers', gated: false, private: false } };

/** A catalog answering from a table, counting lookups and the most it ever ran at once. */
function tableCatalog(answers: Record<string, ModelLookup>, delayMs = 5) {
  const asked: string[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const catalog: ModelCatalog = {
    async lookUp(modelId) {
      asked.push(modelId);
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      running--;
      return answers[modelId] ?? { kind: 'not-found', suggestions: [] };
    },
  };
  return { catalog, asked, mostAtOnce: () => mostAtOnce };
}

describe('checking the models a change adds', () => {
  it('keeps found and unreachable models, marking the unreachable ones unchecked', async () => {
    const { catalog } = tableCatalog({ gpt2: found, 'org/slow': { kind: 'unreachable', reason: 'timeout' } });
    const checks = await checkModels(catalog, ['gpt2', 'org/slow'], 4);
    expect(checks).toEqual([{ modelId: 'gpt2', kind: 'found', facts: found.kind === 'found' ? found.facts : undefined }, { modelId: 'org/slow', kind: 'unchecked' }]);
  });

  it('refuses the whole change when one model is missing or gated, naming each with its suggestions', async () => {
    const { catalog } = tableCatalog({
      gpt2: found,
      'bigscence/bloom': { kind: 'not-found', suggestions: ['bigscience/bloom', 'bigscience/bloomz', 'bigscience/bloom-560m', 'a/b'] },
      'meta-llama/Llama-2-7b-hf': { kind: 'gated-denied' },
    });
    const error = await checkModels(catalog, ['gpt2', 'bigscence/bloom', 'meta-llama/Llama-2-7b-hf'], 4).catch((e: unknown) => e);
    expect(hasCode(error, 'MODEL_NOT_AVAILABLE')).toBe(true);
    if (!hasCode(error, 'MODEL_NOT_AVAILABLE')) return;
    expect(error.details.problems).toEqual([
      { modelId: 'bigscence/bloom', kind: 'not-found', suggestions: ['bigscience/bloom', 'bigscience/bloomz', 'bigscience/bloom-560m'] },
      { modelId: 'meta-llama/Llama-2-7b-hf', kind: 'gated-denied' },
    ]);
  });

  it('turns a catalog that rejects into an unchecked model, not a refusal', async () => {
    const catalog: ModelCatalog = { lookUp: () => Promise.reject(new Error('boom')) };
    expect(await checkModels(catalog, ['gpt2'], 1)).toEqual([{ modelId: 'gpt2', kind: 'unchecked' }]);
  });

  it('runs at most `concurrency` lookups at once, and each id once', async () => {
    const ids = Array.from({ length: 9 }, (_, i) => `org/m${i}`);
    const table = tableCatalog(Object.fromEntries(ids.map((id) => [id, found])));
    await checkModels(table.catalog, [...ids, 'org/m0'], 3);
    expect(table.asked).toHaveLength(9);
    expect(table.mostAtOnce()).toBe(3);
  });
});

describe('the short cache of Hub answers', () => {
  it('answers a repeated id from the cache until it expires, and shares a lookup in flight', async () => {
    const clock = manualClock();
    const table = tableCatalog({ gpt2: found });
    const catalog = cachedCatalog(table.catalog, { clock, ttlMs: 60_000 });

    await Promise.all([catalog.lookUp('gpt2'), catalog.lookUp('gpt2')]);
    expect(table.asked).toEqual(['gpt2']);
    await catalog.lookUp('gpt2');
    expect(table.asked).toHaveLength(1);

    clock.advance(60_001);
    await catalog.lookUp('gpt2');
    expect(table.asked).toHaveLength(2);
  });

  it('forgets a lookup that rejected, so the next one asks again', async () => {
    let calls = 0;
    const failing: ModelCatalog = { lookUp: () => (++calls === 1 ? Promise.reject(new Error('boom')) : Promise.resolve(found)) };
    const catalog = cachedCatalog(failing, { clock: manualClock(), ttlMs: 60_000 });
    await expect(catalog.lookUp('gpt2')).rejects.toThrow('boom');
    expect(await catalog.lookUp('gpt2')).toEqual(found);
    expect(calls).toBe(2);
  });

  it('never keeps an unreachable answer, so the next proposal asks again', async () => {
    const table = tableCatalog({ gpt2: { kind: 'unreachable', reason: 'timeout' } });
    const catalog = cachedCatalog(table.catalog, { clock: manualClock(), ttlMs: 60_000 });
    await catalog.lookUp('gpt2');
    await catalog.lookUp('gpt2');
    expect(table.asked).toHaveLength(2);
  });
});

describe('close ids', () => {
  it('ranks near misses first and leaves unrelated ids out', () => {
    expect(closestIds('bigscence/bloom', ['bigscience/bloomz', 'gpt2', 'bigscience/bloom', 'facebook/bart-large-cnn'])).toEqual([
      'bigscience/bloom',
      'bigscience/bloomz',
    ]);
  });

  it('never offers an id that is not a valid model id, whatever the Hub sent', () => {
    expect(closestIds('gpt3', ['gpt`3', '<@U1>', 'gpt2'])).toEqual(['gpt2']);
  });

  it('offers a different capitalisation, but never the typed id itself', () => {
    expect(closestIds('GPT2', ['GPT2', 'gpt2'])).toEqual(['gpt2']);
  });
});
