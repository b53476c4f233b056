import type { OnceLedger } from '../core/ports.ts';

/** Claimed keys in this process's memory; forgotten on restart. */
export class MemoryOnceLedger implements OnceLedger {
  private readonly claimed = new Set<string>();

  async claim(key: string): Promise<boolean> {
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }
}
