/** Small numeric helpers shared by the benchmarks. */

/** Nearest-rank percentile of `samples` (any order); NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** One line of the printed table and of results.json. */
export interface Row {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The target, in words (`≤ 1.2`, `1 GET`); empty when the row is context only. */
  readonly goal?: string;
  /** Whether the target is met, when there is one that a number can be checked against. */
  readonly met?: boolean;
}

export function row(name: string, value: number, unit: string, goal?: { text: string; met?: boolean }): Row {
  return { name, value: round(value), unit, ...(goal ? { goal: goal.text, ...(goal.met !== undefined ? { met: goal.met } : {}) } : {}) };
}

/** Resolves after the event loop has had a chance to run pending I/O. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition` holds, or throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(2);
  }
}
