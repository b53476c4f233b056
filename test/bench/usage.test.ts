import { describe, expect, it } from 'vitest';
import { benchEndpoints } from '../../bench/endpoints-namespace.ts';
import { readsPerEntry } from '../../bench/usage.ts';

describe('usage bench: open-metrics reads per endpoint in one interval', () => {
  const names = benchEndpoints(3).map((endpoint) => endpoint.name);

  it('names the endpoints it makes in order, each cold', () => {
    expect(names).toEqual(['ep-0000', 'ep-0001', 'ep-0002']);
    expect(benchEndpoints(2).every((endpoint) => endpoint.minReplica === 0)).toBe(true);
  });

  it('gives the fewest and most reads of any endpoint, counting one never read as 0 and other paths not at all', () => {
    const read = (name: string) => `/endpoint/bench/${name}/open-metrics`;
    expect(readsPerEntry(names.map(read), names)).toEqual({ fewest: 1, most: 1, notOnce: [] });
    expect(readsPerEntry([read('ep-0000'), read('ep-0000'), read('ep-0001'), '/endpoint/bench', read('ep-9999')], names)).toEqual({ fewest: 0, most: 2, notOnce: ['ep-0000 ×2', 'ep-0002 ×0'] });
  });
});
