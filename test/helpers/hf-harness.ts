import { afterEach, expect } from 'vitest';
import { isPinbotError, type PinbotError } from '../../src/core/domain/errors.ts';
import type { Logger } from '../../src/core/ports.ts';
import { createHfClient, type HfClient, type HfClientOptions } from '../../src/backends/classic/client.ts';
import { startSimulator, type RequestLogEntry, type Simulator, type SimulatorOptions } from '../../src/backends/classic/simulator.ts';

/** Looks like a real token so a leak would be easy to spot; never sent anywhere but the simulator. */
export const TOKEN = 'hf_PinbotTestTokenAbCdEfGhIjKlMnOpQrStUv';

export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** A Logger that keeps every line, to assert on what would reach the sink. */
export function captureLogger(lines: LogLine[] = [], bound: Record<string, unknown> = {}): Logger & { lines: LogLine[] } {
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields: { ...bound, ...fields }, message });
  };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => captureLogger(lines, { ...bound, ...fields }),
  };
}

/** Starts simulators and clients for one test and closes them all after it. */
export function useHfHarness() {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let close = closers.pop(); close; close = closers.pop()) await close();
  });

  return {
    async simulator(options: SimulatorOptions = {}): Promise<Simulator> {
      const simulator = await startSimulator({ loadDelayMs: 50, accounts: { [TOKEN]: { allowed: 5 } }, ...options });
      closers.push(() => simulator.close());
      return simulator;
    },
    client(baseUrl: string, overrides: Partial<HfClientOptions> = {}): HfClient {
      const client = createHfClient({
        baseUrl,
        token: TOKEN,
        retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000 },
        timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 2000 },
        ...overrides,
      });
      closers.push(() => client.close());
      return client;
    },
    onCleanup(close: () => Promise<void>): void {
      closers.push(close);
    },
  };
}

export function clientRequests(simulator: Simulator): RequestLogEntry[] {
  return simulator.requestLog.filter((entry) => entry.source === 'client');
}

/** The PinbotError a call rejects with; fails the test if it resolves or throws something else. */
export async function rejection(promise: Promise<unknown>): Promise<PinbotError> {
  const outcome = await promise.then(
    (value) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(isPinbotError(outcome.error), String(outcome.error)).toBe(true);
  return outcome.error as PinbotError;
}
