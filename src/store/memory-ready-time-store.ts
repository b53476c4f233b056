import type { ReadyTimeStore } from '../core/ports.ts';
import { READY_TIMES_KEPT } from './ready-times-kept.ts';

interface ReadyTime {
  readonly tookMs: number;
  readonly at: number;
}

/** Ready times in this process's memory, the latest few per entry. */
export class MemoryReadyTimeStore implements ReadyTimeStore {
  /** Per entry, newest first; of two at the same instant the later recorded comes first. */
  private readonly times = new Map<string, ReadyTime[]>();

  async record(scope: string, entry: string, tookMs: number, at: number): Promise<void> {
    const times = this.times.get(key(scope, entry)) ?? [];
    const index = times.findIndex((time) => time.at <= at);
    const next = index === -1 ? [...times, { tookMs, at }] : [...times.slice(0, index), { tookMs, at }, ...times.slice(index)];
    this.times.set(key(scope, entry), next.slice(0, READY_TIMES_KEPT));
  }

  async recent(scope: string, entry: string, limit: number): Promise<number[]> {
    return (this.times.get(key(scope, entry)) ?? []).slice(0, Math.max(0, limit)).map((time) => time.tookMs);
  }
}

function key(scope: string, entry: string): string {
  return `${scope}\u0000${entry}`;
}
