import { describe, expect, it } from 'vitest';
import { listFromEnv, loadLevels, measureAcks, turns, type AckBench, type Level, type Who } from '../../bench/ack-rounds.ts';

const levels = loadLevels({ singles: 20, n50: 30, n200: 20 });
const level = (label: string, changes: Partial<Level> = {}): Level => ({ ...(levels.find((one) => one.label === label) as Level), ...changes });
const short = (who: Who) => (who === 'pinbot' ? 'p' : 'b');

describe('how the ack benchmarks take turns', () => {
  it('takes turns single by single at N = 1, swapping who goes first each time', () => {
    expect(turns(level('N=1', { bursts: 4 }), 0).map(short).join('')).toBe('pbbppbbp');
    expect(turns(level('N=1', { bursts: 4 }), 1).map(short).join('')).toBe('bppbbppb');
  });

  it('runs one burst per app and round at N = 50 and N = 200, swapping who goes first', () => {
    expect(turns(level('N=200'), 0).map(short).join('')).toBe('pb');
    expect(turns(level('N=50'), 1).map(short).join('')).toBe('bp');
  });

  it('lets the machine settle after every burst, longer after N = 50 and N = 200', () => {
    expect(levels.map((one) => [one.label, one.count, one.bursts, one.thinkMs, one.rounds])).toEqual([
      ['N=1', 1, 40, 25, 20], ['N=50', 50, 1, 250, 30], ['N=200', 200, 1, 250, 20],
    ]);
  });

  it('warms up on every case, throws away the first round of each, and keeps each round\'s acks apart', async () => {
    const sent: string[] = [];
    const bench = (label: string, rounds: number): AckBench => ({
      label,
      level: level('N=200', { rounds }),
      send: async (who) => {
        sent.push(`${label}:${short(who)}`);
        // pinbot's nth burst acks in n ms; the bare app always in 1 ms.
        const n = sent.filter((one) => one === `${label}:p`).length;
        return who === 'pinbot' ? { ack: [n, n], answer: [10 * n], throughput: 100 } : { ack: [1], answer: [], throughput: 200 };
      },
    });
    const [a, b] = [bench('a', 2), bench('b', 1)];
    const lines: string[] = [];
    const acks = await measureAcks([a, b], [a], (line) => lines.push(line), 1);
    // Warm-up: one pass over a and b. Then a: one round thrown away, two kept, who goes first swapping.
    expect(sent).toEqual(['a:p', 'a:b', 'b:p', 'b:b', 'a:p', 'a:b', 'a:p', 'a:b', 'a:b', 'a:p']);
    expect(acks).toEqual({ a: { pinbot: [[3, 3], [4, 4]], baseline: [[1], [1]], answer: [30, 40], throughput: { pinbot: [100, 100], baseline: [200, 200] } } });
    expect(lines).toEqual(['  a: 2 rounds each']);
  });

  it('narrows a list to the keys an environment variable names', () => {
    process.env['BENCH_TEST_LIST'] = '200, 1';
    try {
      expect(listFromEnv('BENCH_TEST_LIST', levels, (one) => String(one.count)).map((one) => one.label)).toEqual(['N=1', 'N=200']);
    } finally {
      delete process.env['BENCH_TEST_LIST'];
    }
    expect(listFromEnv('BENCH_TEST_LIST', levels, (one) => one.label)).toHaveLength(3);
  });
});
