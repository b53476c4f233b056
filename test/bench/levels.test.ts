import { describe, expect, it } from 'vitest';
import { alternateRound, loadLevels, measureLevel, type Level } from '../../bench/levels.ts';

const levels = loadLevels({ singles: 20, contextSingles: 10, n50: 30, n200: 20 });

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
  it('takes turns single by single at the targeted N = 1, swapping who goes first each time', async () => {
    const singles = { ...levelNamed('N=1'), bursts: 4 };
    expect(await orderOf(singles, 0)).toBe('pbbppbbp');
    expect(await orderOf(singles, 1)).toBe('bppbbppb');
  });

  it('keeps the context singles in rounds of one app, swapping who goes first each round', async () => {
    const context = { ...levelNamed('N=1 back-to-back'), bursts: 3 };
    expect(await orderOf(context, 0)).toBe('pppbbb');
    expect(await orderOf(context, 1)).toBe('bbbppp');
  });

  it('runs one burst per app and round at N = 50 and N = 200', async () => {
    expect(await orderOf(levelNamed('N=200'), 0)).toBe('pb');
    expect(await orderOf(levelNamed('N=50'), 1)).toBe('bp');
  });

  it('moves the next collection to a random point before each targeted burst, and not between context singles', async () => {
    const steps: string[] = [];
    const record = (level: Level) => alternateRound(level, 0, ['p', 'b'], async (who) => {
      steps.push(who);
    }, async () => {
      steps.push('~');
    });
    await record({ ...levelNamed('N=1'), bursts: 2 });
    await record(levelNamed('N=50'));
    await record({ ...levelNamed('N=1 5 ms apart'), bursts: 2 });
    expect(steps.join('')).toBe('~p~b~b~p' + '~p~b' + 'ppbb');
  });

  it('gives the targeted singles their own, larger number of rounds', () => {
    expect(levels.map((level) => [level.label, level.rounds])).toEqual([
      ['N=1', 20], ['N=1 5 ms apart', 10], ['N=1 back-to-back', 10], ['N=50', 30], ['N=200', 20],
    ]);
  });

  it('lets the machine settle after every N = 50 and N = 200 burst, so the next burst does not inherit its work', () => {
    expect(levels.filter((level) => level.count > 1).map((level) => [level.label, level.thinkMs])).toEqual([['N=50', 250], ['N=200', 250]]);
    expect(levelNamed('N=1').thinkMs).toBe(25);
  });

  it('runs one round that is not kept before the kept rounds of each level', async () => {
    const calls: string[] = [];
    await measureLevel({ ...levelNamed('N=200'), rounds: 3 }, async (roundNo, keep) => {
      calls.push(`${roundNo}${keep ? ' kept' : ''}`);
    });
    expect(calls).toEqual(['0', '0 kept', '1 kept', '2 kept']);
  });

  it('turns burst by burst only where the targets are measured on singles', () => {
    expect(levels.filter((level) => level.turnEachBurst).map((level) => level.label)).toEqual(['N=1']);
    expect(levels.filter((level) => level.targeted).map((level) => level.label)).toEqual(['N=1', 'N=50', 'N=200']);
  });
});
