import { describe, expect, it } from 'vitest';
import { CPU_LAYOUT, cpuLayoutFor, parseCpuList, threadCpus } from '../../bench/cpu-layout.ts';
import { startWorker } from '../../bench/worker-rpc.ts';
import type { AffinitySideHandlers } from './affinity-side.ts';

describe('the benchmarks’ CPU layout', () => {
  it('reads Linux CPU lists, ranges and single CPUs', () => {
    expect(parseCpuList('0-1\n')).toEqual([0, 1]);
    expect(parseCpuList('0,2-3,8')).toEqual([0, 2, 3, 8]);
    expect(parseCpuList('')).toEqual([]);
    expect(parseCpuList('x,3')).toEqual([3]);
  });

  it('gives the apps the first CPU allowed and the platforms the second', () => {
    expect(cpuLayoutFor([0, 1], undefined)).toEqual({ app: 0, platforms: 1 });
    expect(cpuLayoutFor([2, 5, 7], '1')).toEqual({ app: 2, platforms: 5 });
  });

  it('pins nothing on one CPU or with BENCH_PIN=0', () => {
    expect(cpuLayoutFor([0], undefined)).toBeUndefined();
    expect(cpuLayoutFor([], undefined)).toBeUndefined();
    expect(cpuLayoutFor([0, 1], '0')).toBeUndefined();
  });

  it.skipIf(CPU_LAYOUT === undefined)('starts each platform worker pinned to the platforms’ CPU, and leaves its starter where it was', async () => {
    const before = threadCpus();
    const worker = startWorker<AffinitySideHandlers>(new URL('./affinity-side.ts', import.meta.url));
    try {
      expect(await worker.call('allowed', null)).toEqual([CPU_LAYOUT?.platforms]);
    } finally {
      await worker.close();
    }
    expect(threadCpus()).toEqual(before);
    expect(before.length).toBeGreaterThan(1);
  });
});
