import type { Clock } from '../../core/ports.ts';

/**
 * The console's clock: the real time, plus however far `advance` moved it in the sandbox, so a
 * schedule's switches can be seen without waiting for them. Nothing but the sandbox moves it.
 */
export class ConsoleClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves this clock `ms` ahead of the real time (added to any earlier move). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** How far ahead of the real time it is. */
  get aheadMs(): number {
    return this.offsetMs;
  }
}
