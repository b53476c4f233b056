import { describe, expect, it } from 'vitest';
import { poolRuns, poolScaling } from '../../bench/pool-runs.ts';
import { throughputStats } from '../../bench/stats.ts';

/** A results.json with two ack cases (N = 200 with a throughput row, N = 50 without), as run.ts writes it. */
function run(rounds: { pinbot: number[][]; baseline: number[][] }, context = rounds) {
  return {
    rows: [
      { name: 'discord list N=200: ratio p99', value: 1, unit: '×', goal: '≤ 1.2', met: true },
      { name: 'discord list N=50: ratio p99', value: 1, unit: '×', goal: '≤ 1.2', met: true },
    ],
    detail: {
      'discord list N=200': { pinbot: { p99: 0, rounds: rounds.pinbot }, baseline: { p99: 0, rounds: rounds.baseline } },
      'discord list N=50': { pinbot: { rounds: context.pinbot }, baseline: { rounds: context.baseline } },
      'request economy': { gets: 1 },
    },
  };
}

/** 100 samples: 1 … 100 ms, plus `extra`. */
const hundred = (extra = 0) => Array.from({ length: 100 }, (_, i) => i + 1 + extra);

describe('pooling bench runs', () => {
  it('pools every round of every run before taking the percentiles', () => {
    // Run 1: pinbot's one slow round (101-200 ms) sets its p99; run 2 has none. Pooled over 400
    // samples, the p99 is the 396th: the slow round's 96th.
    const slowRound = { pinbot: [hundred(), hundred(100)], baseline: [hundred(), hundred()] };
    const calmRound = { pinbot: [hundred(), hundred()], baseline: [hundred(), hundred()] };
    const [n200] = poolRuns([{ name: 'a', json: run(slowRound) }, { name: 'b', json: run(calmRound) }]);
    expect(n200).toMatchObject({ label: 'discord list N=200', runs: 2, rounds: 4 });
    expect(n200?.runRatiosP99).toEqual([2, 1]);
    expect(n200?.pinbot).toEqual({ p50: 67, p99: 196 });
    expect(n200?.baseline).toEqual({ p50: 50, p99: 99 });
    expect(n200?.ratioP99).toBe(1.98);
    expect(n200?.ratioP50).toBe(1.34);
    // Redrawn, the four rounds leave out the slow one about a third of the time (ratio 1), and
    // with it the top 1 % is its samples (about 2).
    expect(n200?.intervalP99.low).toBe(1);
    expect(n200?.intervalP99.high).toBeGreaterThan(1.9);
    expect(n200?.intervalP99.high).toBeLessThan(2.05);
  });

  it('pools every case that has rounds, in the order of the first run', () => {
    const same = { pinbot: [hundred()], baseline: [hundred()] };
    const pooled = poolRuns([{ name: 'a', json: run(same) }]);
    expect(pooled.map((one) => [one.label, one.ratioP99])).toEqual([
      ['discord list N=200', 1],
      ['discord list N=50', 1],
    ]);
  });

  it('pools only the cases every run has', () => {
    const same = { pinbot: [hundred()], baseline: [hundred()] };
    const older = { rows: [], detail: { 'discord list N=200': { pinbot: { p99: 1 }, baseline: { p99: 1 } } } };
    expect(poolRuns([{ name: 'a', json: run(same) }, { name: 'old.json', json: older }])).toEqual([]);
  });

  it('pools each burst\'s acks per second over the runs that kept them', () => {
    const same = { pinbot: [hundred()], baseline: [hundred()] };
    const withThroughput = (pinbot: number[], baseline: number[]) => {
      const json = run(same);
      Object.assign(json.detail['discord list N=200'], { throughput: throughputStats(pinbot, baseline) });
      Object.assign(json.detail['discord list N=50'], { throughput: throughputStats(pinbot, baseline) });
      json.rows.push({ name: 'discord list N=200: throughput ratio', value: 1, unit: '×', goal: '≥ 0.85', met: true });
      return json;
    };
    // Run a: ratio of medians 800 / 1000; run b: 1200 / 1000. Pooled: medians of six bursts each
    // (nearest rank, the 3rd of 6): 900 and 1000.
    const [n200, n50] = poolRuns([
      { name: 'a', json: withThroughput([700, 800, 900], [1000, 1000, 1000]) },
      { name: 'b', json: withThroughput([1100, 1200, 1300], [1000, 1000, 1000]) },
    ]);
    expect(n200?.throughput).toEqual({ pinbot: 900, baseline: 1000, ratio: 0.9, runRatios: [0.8, 1.2] });
    // Kept for a level without the target (and so without the row): not pooled.
    expect(n50?.throughput).toBeUndefined();
    // A run without the per-burst figures leaves the throughput out rather than pooling part of it.
    const [partial] = poolRuns([{ name: 'a', json: withThroughput([700], [1000]) }, { name: 'old', json: run(same) }]);
    expect(partial?.throughput).toBeUndefined();
  });

  it('says which file is not a results.json', () => {
    expect(() => poolRuns([{ name: 'notes.json', json: { hello: 'world' } }])).toThrow('notes.json is not a bench/results.json written by npm run bench.');
  });
});

describe('pooling scaling figures', () => {
  const latency = (slowAtLargest: number) => ({
    measure: 'history p99, SQLite', sizeName: 'changes', unit: 'ms', sizes: [10, 1_000_000], values: [0, 0],
    samples: [Array.from({ length: 100 }, () => 1), [...Array.from({ length: 99 }, () => 1), slowAtLargest]],
  });
  const rss = (values: number[]) => ({ measure: 'RSS', sizeName: 'scopes', unit: 'MB', sizes: [1, 1000], values, goal: '≤ 200 MB at 1,000' });
  const results = (...scaling: unknown[]) => ({ rows: [], detail: {}, scaling });

  it('pools latency samples into one p99 per size, and takes the median of other figures over runs', () => {
    const [history, memory] = poolScaling([
      { name: 'a', json: results(latency(9), rss([100, 160])) },
      { name: 'b', json: results(latency(9), rss([104, 170])) },
      { name: 'c', json: results(latency(1), rss([90, 150])) },
    ]);
    // 300 samples at the largest size, two of them slow: the p99 (the 297th) is still 1 ms.
    expect(history).toMatchObject({ runs: 3, values: [1, 1], growth: 'flat' });
    expect(history?.spread[1]?.low).toBe(1);
    expect(history?.spread[1]?.high).toBe(9);
    expect(memory).toMatchObject({ values: [100, 160], spread: [{ low: 90, high: 104 }, { low: 150, high: 170 }], goal: '≤ 200 MB at 1,000' });
  });

  it('leaves out a series a run does not have, and says which file has no scaling figures', () => {
    expect(poolScaling([{ name: 'a', json: results(rss([1, 2])) }, { name: 'b', json: results(latency(1)) }])).toEqual([]);
    expect(() => poolScaling([{ name: 'old.json', json: { rows: [], detail: {} } }])).toThrow('old.json has no scaling figures');
  });
});
