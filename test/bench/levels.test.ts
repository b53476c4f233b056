import { describe, expect, it } from 'vitest';
import { alternateRound, listFromEnv, loadLevels, measureLevel, type Level } from '../../bench/levels.ts';

const levels = loadLevels({ singles: 20, n50: 30, n200: 20 });

function levelNamed(label: string): Level {
  const level = levels.find((candidate) => candidate.label === label);
  if (!level) throw new Error(`no level ${label}`);
  return level;
}

async function orderOf(level: Level, round: number): Promise<string> {
  const order: string[] = [];
  await alternateRound(level, round, ['p', 'b'], async (who) => {
    order.push(who);
  });
  return order.join('');
}

describe('bench load levels', () => {
  it('takes turns single by single at N = 1, swapping who goes first each time', async () => {
    const singles = { ...levelNamed('N=1'), bursts: 4 };
    expect(await orderOf(singles, 0)).toBe('pbbppbbp');
    expect(await orderOf(singles, 1)).toBe('bppbbppb');
  });

  it('runs one burst per app and round at N = 50 and N = 200, swapping who goes first', async () => {
    expect(await orderOf(levelNamed('N=200'), 0)).toBe('pb');
    expect(await orderOf(levelNamed('N=50'), 1)).toBe('bp');
  });

  it('lets the machine settle after every burst, longer after N = 50 and N = 200', () => {
    expect(levels.map((level) => [level.label, level.thinkMs, level.rounds])).toEqual([['N=1', 25, 20], ['N=50', 250, 30], ['N=200', 250, 20]]);
  });

  it('runs one round that is not kept before the kept rounds of each level', async () => {
    const calls: string[] = [];
    await measureLevel({ ...levelNamed('N=200'), rounds: 3 }, async (roundNo, keep) => {
      calls.push(`${roundNo}${keep ? ' kept' : ''}`);
    });
    expect(calls).toEqual(['0', '0 kept', '1 kept', '2 kept']);
  });

  it('narrows a list to the keys an environment variable names', () => {
    process.env['BENCH_TEST_LIST'] = '200, 1';
    try {
      expect(listFromEnv('BENCH_TEST_LIST', levels, (level) => String(level.count)).map((level) => level.label)).toEqual(['N=1', 'N=200']);
    } finally {
      delete process.env['BENCH_TEST_LIST'];
    }
    expect(listFromEnv('BENCH_TEST_LIST', levels, (level) => level.label)).toHaveLength(3);
  });
});
