import { describe, expect, it } from 'vitest';
import { requestEconomy } from '../../bench/economy.ts';
import { meets } from '../../bench/results.ts';

describe('the request economy the bench reports', () => {
  it('counts what each operation sends to the simulators, classic and Inference Endpoints, and every count meets its target', async () => {
    const { figures = [] } = await requestEconomy();
    expect(figures.map((one) => [one.measure, one.values[0]])).toEqual([
      ['list: HF requests', 1],
      ['propose: HF requests', 1],
      ['approve: HF GETs', 1],
      ['approve: HF POSTs', 1],
      ['100 concurrent list: HF GETs', 1],
      ['propose 2 new ids, Hub check: pinned-list GETs', 1],
      ['propose 2 new ids, Hub check: Hub GETs', 2],
      ['same proposal again (cached): Hub GETs', 0],
      ['endpoints list: HF requests', 1],
      ['endpoints propose: HF requests', 1],
      ['endpoints approve 1 change: HF GETs', 1],
      ['endpoints approve 1 change: HF PUTs', 1],
      ['endpoints approve 3 changes: HF GETs', 1],
      ['endpoints approve 3 changes: HF PUTs', 3],
      ['endpoints 100 concurrent list: HF GETs', 1],
      ['endpoints hardware catalogue, all of the above: HF GETs', 1],
      ['endpoints hardware catalogue, each propose after the first: HF GETs', 0],
    ]);
    expect(figures.filter((one) => one.goal === undefined || !meets(one.goal, one.values))).toEqual([]);
  });
});
