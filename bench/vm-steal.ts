/**
 * CPU time the hypervisor took from this machine's virtual CPUs while a case ran: the `steal`
 * column of /proc/stat. The bench machine is a virtual machine; a virtual CPU that the host
 * preempts stops whatever thread it was running, for either app, and /proc/stat is the only
 * place that shows it. Linux only; elsewhere the figures are left out.
 */
import { readFileSync } from 'node:fs';
import { round, row, type Row } from './stats.ts';

/** Linux's USER_HZ, the unit of /proc/stat: 100 on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface CpuTimes {
  /** Seconds the CPUs ran anything (user, nice, system, irq, softirq), summed over CPUs. */
  readonly busy: number;
  /** Seconds the hypervisor ran something else on them, summed over CPUs. */
  readonly steal: number;
}

/** The machine-wide `cpu` line of a /proc/stat text, in seconds. */
export function parseCpuTimes(procStat: string): CpuTimes | undefined {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (line === undefined) return undefined;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND, steal: steal / TICKS_PER_SECOND };
}

export function readCpuTimes(): CpuTimes | undefined {
  try {
    return parseCpuTimes(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** What `work` ran alongside: the CPU times between its start and end, when the machine tells them. */
export async function cpuTimesOf(work: () => Promise<void>, read: () => CpuTimes | undefined = readCpuTimes): Promise<CpuTimes | undefined> {
  const before = read();
  await work();
  const after = read();
  if (before === undefined || after === undefined) return undefined;
  return { busy: after.busy - before.busy, steal: after.steal - before.steal };
}

/** Context row for one case: the steal while it ran, against the CPU time the machine used. */
export function stealRow(label: string, cpu: CpuTimes): Row {
  const share = cpu.busy + cpu.steal > 0 ? (100 * cpu.steal) / (cpu.busy + cpu.steal) : 0;
  return row(`${label}: CPU taken by the hypervisor (steal)`, cpu.steal * 1000, 'ms', { text: `${round(share, 1)} % of ${round(cpu.busy, 1)} s busy CPU (context)` });
}

/** The CPU times of each kept round of one case: the case's total, and the steal round by round. */
export class RoundCpu {
  readonly #rounds: CpuTimes[] = [];

  constructor(private readonly read: () => CpuTimes | undefined = readCpuTimes) {}

  /** Runs one round of the case, keeping its CPU times if `keep`. */
  async measure(roundNo: number, keep: boolean, work: () => Promise<void>): Promise<void> {
    const times = await cpuTimesOf(work, this.read);
    if (keep && times !== undefined) this.#rounds[roundNo] = times;
  }

  /** The kept rounds' CPU times summed; nothing when the machine did not tell. */
  total(): CpuTimes | undefined {
    const kept = this.#rounds.filter((times) => times !== undefined);
    if (kept.length === 0) return undefined;
    return kept.reduce((sum, times) => ({ busy: sum.busy + times.busy, steal: sum.steal + times.steal }), { busy: 0, steal: 0 });
  }

  /** Each kept round's steal, ms (rounds the machine did not tell of are 0). */
  stealPerRound(): number[] {
    return Array.from(this.#rounds, (times) => round((times?.steal ?? 0) * 1000));
  }
}
