/**
 * Where the ack benchmarks' threads run. In production Slack, Discord and Hugging Face are other
 * machines: nothing they do shares a CPU with pinbot, and pinbot's work after an ack cannot keep
 * them from reading it. Here they are worker threads (worker-rpc.ts) in the apps' process, so on a
 * machine with two CPUs or more the apps under test (the main thread) keep one CPU and the
 * platforms' threads another, each thread pinned with `taskset` by its thread id (bench/README.md,
 * *Two CPUs as two machines*). `BENCH_PIN=0` leaves every thread to the scheduler.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

export interface CpuLayout {
  /** The CPU of the apps under test: the main thread. */
  readonly app: number;
  /** The CPU of everything outside them: Slack, Discord and the Hugging Face simulator. */
  readonly platforms: number;
}

/** The CPUs in a Linux CPU list such as `0-3,8` (`Cpus_allowed_list` in /proc/…/status). */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (range === null) continue;
    const first = Number(range[1]);
    for (let cpu = first; cpu <= Number(range[2] ?? first); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The first two CPUs this thread may run on, or none with `pin` '0' or fewer than two. */
export function cpuLayoutFor(allowed: readonly number[], pin: string | undefined): CpuLayout | undefined {
  const [app, platforms] = allowed;
  if (pin === '0' || app === undefined || platforms === undefined) return undefined;
  return { app, platforms };
}

/** The CPUs the calling thread may run on, as the kernel has them; none off Linux. */
export function threadCpus(): number[] {
  try {
    const status = readFileSync('/proc/thread-self/status', 'utf8');
    return parseCpuList(/^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1] ?? '');
  } catch {
    return [];
  }
}

const tasksetRuns = (): boolean => spawnSync('taskset', ['--version']).status === 0;

/** This machine's layout, read when this module loads: in each part's main thread, before it pins anything. */
export const CPU_LAYOUT = tasksetRuns() ? cpuLayoutFor(threadCpus(), process.env['BENCH_PIN']) : undefined;

/** The calling thread's kernel thread id (the main thread's is the process id). */
export function threadId(): number {
  return Number(readlinkSync('/proc/thread-self').split('/').pop());
}

/** Pins the calling thread, and the threads it starts afterwards, to one CPU. */
export function pinThisThread(cpu: number): void {
  execFileSync('taskset', ['--pid', '--cpu-list', String(cpu), String(threadId())], { stdio: 'ignore' });
}
