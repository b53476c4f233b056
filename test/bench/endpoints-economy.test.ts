import { describe, expect, it } from 'vitest';
import { endpointsRequestEconomy } from '../../bench/economy.ts';

describe('request economy of an Inference Endpoints scope (the bench rows)', () => {
  it('list and propose cost one GET; approval one GET per touched and one PUT per changed endpoint; 100 concurrent lists one GET', async () => {
    const rows = await endpointsRequestEconomy();
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['endpoints list: HF requests', 1],
      ['endpoints propose: HF requests', 1],
      ['endpoints approve 1 change: HF GETs', 1],
      ['endpoints approve 1 change: HF PUTs', 1],
      ['endpoints approve 3 changes: HF GETs', 3],
      ['endpoints approve 3 changes: HF PUTs', 3],
      ['endpoints 100 concurrent list: HF GETs', 1],
    ]);
    expect(rows.every((r) => r.met === true)).toBe(true);
  });
});
