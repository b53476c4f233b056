import { describe, expect, it } from 'vitest';
import { cpuTimesOf, parseCpuTimes, RoundCpu, stealRow, type CpuTimes } from '../../bench/vm-steal.ts';

// The head of a /proc/stat recorded on the bench machine: user nice system idle iowait irq softirq steal …
const PROC_STAT = ['cpu  39797 0 7913 309222 683 0 1305 1369 0 0', 'cpu0 19890 0 3950 154600 340 0 650 690 0 0', 'intr 896801 0 0'].join('\n');

describe('hypervisor steal', () => {
  it('reads the machine-wide cpu line in seconds, idle and iowait left out of busy', () => {
    const times = parseCpuTimes(PROC_STAT);
    expect(times?.busy).toBeCloseTo(490.15, 6);
    expect(times?.steal).toBeCloseTo(13.69, 6);
  });

  it('gives nothing for a text without the cpu line', () => {
    expect(parseCpuTimes('intr 1 2 3\nctxt 4')).toBeUndefined();
  });

  it('takes the difference across the work, and nothing when the machine does not tell', async () => {
    const readings: (CpuTimes | undefined)[] = [{ busy: 100, steal: 2 }, { busy: 130.5, steal: 2.75 }];
    let worked = false;
    const times = await cpuTimesOf(async () => {
      worked = true;
    }, () => readings.shift());
    expect(worked).toBe(true);
    expect(times).toEqual({ busy: 30.5, steal: 0.75 });
    expect(await cpuTimesOf(async () => undefined, () => undefined)).toBeUndefined();
  });

  it('shows the steal in ms and as a share of the CPU the machine had', () => {
    expect(stealRow('slack list N=1', { busy: 29.25, steal: 0.75 })).toEqual({
      name: 'slack list N=1: CPU taken by the hypervisor (steal)',
      value: 750,
      unit: 'ms',
      goal: '2.5 % of 29.3 s busy CPU (context)',
    });
  });
});

describe('CPU times round by round', () => {
  it('keeps the kept rounds only, sums them, and gives each round its steal', async () => {
    let clock = { busy: 0, steal: 0 };
    const cpu = new RoundCpu(() => clock);
    const round = (busy: number, steal: number) => async () => {
      clock = { busy: clock.busy + busy, steal: clock.steal + steal };
    };
    await cpu.measure(0, false, round(5, 1)); // the round that is not kept
    await cpu.measure(0, true, round(2, 0.01));
    await cpu.measure(1, true, round(3, 0.25));
    expect(cpu.total()).toEqual({ busy: 5, steal: 0.26 });
    expect(cpu.stealPerRound()).toEqual([10, 250]);
  });

  it('has no total when the machine does not tell', async () => {
    const cpu = new RoundCpu(() => undefined);
    await cpu.measure(0, true, async () => undefined);
    expect(cpu.total()).toBeUndefined();
    expect(cpu.stealPerRound()).toEqual([]);
  });
});
