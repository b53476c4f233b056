import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { growthOf, poolAcks, poolFigures } from '../../bench/report.ts';
import { meets, type AckCase, type BenchResults, type Figure } from '../../bench/results.ts';
import { testTempDir } from '../helpers/temp-dir.ts';

/** 100 samples: 1 … 100 ms, plus `extra`. */
const hundred = (extra = 0) => Array.from({ length: 100 }, (_, i) => i + 1 + extra);
const run = (acks: Record<string, AckCase>, figures: Figure[] = []): BenchResults => ({ node: 'v20', at: '2026-12-03', acks, figures, plans: {} });
const latency = (slowAtLargest: number): Figure => ({
  measure: 'history p99, SQLite', sizeName: 'changes', unit: 'ms', sizes: [10, 1_000_000], values: [1, slowAtLargest],
  samples: [Array.from({ length: 100 }, () => 1), [...Array.from({ length: 99 }, () => 1), slowAtLargest]],
});
const rss = (values: number[]): Figure => ({ measure: 'RSS', sizeName: 'scopes', unit: 'MB', sizes: [1, 1000], values, goal: { text: '≤ 200 MB at 1,000', max: 200, at: 'last' } });

const ackCase = (pinbot: number[][], baseline: number[][], throughput?: AckCase['throughput']): AckCase => ({ pinbot, baseline, answer: [5], ...(throughput ? { throughput } : {}) });

describe('pooling ack cases over runs', () => {
  it('pools every round of every run before taking the percentiles', () => {
    // Run 1: pinbot's one slow round (101-200 ms) sets its p99; run 2 has none. Pooled over 400
    // samples, the p99 is the 396th: the slow round's 96th.
    const slow = run({ 'discord list N=200': ackCase([hundred(), hundred(100)], [hundred(), hundred()]) });
    const calm = run({ 'discord list N=200': ackCase([hundred(), hundred()], [hundred(), hundred()]) });
    const [n200] = poolAcks([slow, calm]);
    expect(n200).toMatchObject({
      case: 'discord list N=200', 'rounds per app': 4, 'p50 ms pinbot / bare': '67 / 50', 'p99 ms pinbot / bare': '196 / 99',
      'ratio p50': 1.34, 'ratio p99': 1.98, 'each run p99 ratio': '2 1', met: 'NO', 'ack → answer p99 ms': 5,
    });
    // Redrawn, the four rounds leave out the slow one about a third of the time (ratio 1), and
    // with it the top 1 % is its samples (about 2).
    const [low, high] = String(n200?.['p99 ratio 90 % interval']).split('–').map(Number);
    expect(low).toBe(1);
    expect(high).toBeGreaterThan(1.9);
    expect(high).toBeLessThan(2.05);
  });

  it('pools only the cases every run has, and says a case meets the target at 1.2× or under', () => {
    const same = ackCase([hundred()], [hundred()]);
    expect(poolAcks([run({ a: same, b: same }), run({ b: same })]).map((one) => [one['case'], one['ratio p99'], one['met']])).toEqual([['b', 1, 'yes']]);
    expect(poolAcks([run({ a: ackCase([hundred().map((ms) => ms * 1.2)], [hundred()]) })])[0]?.['met']).toBe('yes');
    expect(poolAcks([run({ a: ackCase([hundred().map((ms) => ms * 1.25)], [hundred()]) })])[0]?.['met']).toBe('NO');
  });

  it('pools acks per second as the median of every burst, and holds them to 0.85× of the bare app', () => {
    const withThroughput = (pinbot: number[]) => run({ a: ackCase([hundred()], [hundred()], { pinbot, baseline: [1000, 1000, 1000] }) });
    // Medians of six bursts each (nearest rank, the 3rd of 6): 900 and 1000.
    const [pooled] = poolAcks([withThroughput([700, 800, 900]), withThroughput([1100, 1200, 1300])]);
    expect(pooled).toMatchObject({ 'acks/s ratio': 0.9, met: 'yes' });
    expect(poolAcks([withThroughput([700, 800, 800])])[0]).toMatchObject({ 'acks/s ratio': 0.8, met: 'NO' });
    expect(poolAcks([withThroughput([700]), run({ a: ackCase([hundred()], [hundred()]) })])[0]?.['acks/s ratio']).toBeUndefined();
  });
});

describe('pooling figures over runs', () => {
  it('pools latency samples into one p99 per size with its interval, and takes the median of other figures with their range', () => {
    const [history, memory] = poolFigures([run({}, [latency(9), rss([100, 160])]), run({}, [latency(9), rss([104, 170])]), run({}, [latency(1), rss([90, 150])])]);
    // 300 samples at the largest size, two of them slow: the p99 (the 297th) is still 1 ms.
    expect(history).toMatchObject({ values: [1, 1], spread: ['', '1–9'] });
    expect(history).not.toHaveProperty('samples');
    expect(memory).toMatchObject({ values: [100, 160], spread: ['90–104', '150–170'] });
  });

  it('leaves out a figure a run does not have at the same sizes', () => {
    expect(poolFigures([run({}, [rss([1, 2])]), run({}, [latency(1)])])).toEqual([]);
    expect(poolFigures([run({}, [rss([1, 2])]), run({}, [{ ...rss([1, 2, 3]), sizes: [1, 10, 1000] }])])).toEqual([]);
  });
});

describe('targets and growth', () => {
  it('checks a maximum, a minimum or an exact value at every size or at one end, and a ratio or rise from first to last', () => {
    expect(meets({ text: '', max: 200, at: 'last' }, [250, 199])).toBe(true);
    expect(meets({ text: '', max: 200 }, [250, 199])).toBe(false);
    expect(meets({ text: '', min: 0.23, at: 'first' }, [0.3, 0.1])).toBe(true);
    expect(meets({ text: '', exactly: 1 }, [1, 1, 1.1])).toBe(false);
    expect(meets({ text: '', ratio: 2 }, [0.25, 0.5])).toBe(true);
    expect(meets({ text: '', ratio: 2 }, [0.25, 0.51])).toBe(false);
    expect(meets({ text: '', max: 150, rise: 10 }, [130, 141])).toBe(false);
  });

  it('calls a cost flat, nearly flat, linear or falling, and otherwise says what each unit adds', () => {
    expect(growthOf([10, 10_000], [1.1, 1.3])).toBe('flat');
    expect(growthOf([1, 1000], [0.2, 200])).toBe('linear');
    expect(growthOf([1, 1000], [100, 165], 'scopes')).toBe('nearly flat (×1.7 over ×1,000 the size)');
    expect(growthOf([1, 1000], [10, 40], 'scopes')).toBe('base + 0.03 per scope (log-log slope 0.2)');
    expect(growthOf([1, 20], [50, 100])).toBe('base + 2.6 per unit (log-log slope 0.23)');
    expect(growthOf([1, 20], [50, 6])).toBe('falls (×0.12)');
    expect(growthOf([10], [1])).toBe('');
  });
});

describe('bench/pool.ts', () => {
  const pool = (...files: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'bench', 'pool.ts'), ...files], { encoding: 'utf8' });

  it('prints the pooled tables of results.json files, and says which file is not one', () => {
    const dir = testTempDir('pinbot-pool-');
    const [a, b] = [join(dir, 'a.json'), join(dir, 'b.json')];
    writeFileSync(a, JSON.stringify(run({ 'slack list N=1': ackCase([hundred()], [hundred()]) }, [rss([100, 160])])));
    writeFileSync(b, JSON.stringify({ hello: 'world' }));
    const pooled = pool(a, a);
    expect(pooled.status).toBe(0);
    expect(pooled.stdout).toContain('slack list N=1');
    expect(pooled.stdout).toMatch(/RSS \(MB\).*1 \/ 1,000 scopes.*100 \/ 160.*≤ 200 MB at 1,000.*yes/);
    const refused = pool(a, b);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(`${b} is not a bench/results.json written by npm run bench.\n`);
  });
});
