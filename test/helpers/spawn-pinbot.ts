import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

const ROOT = join(import.meta.dirname, '..', '..');

export interface RunningPinbot {
  readonly process: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  send(line: string): void;
  /** Waits until stdout contains `text` (after `from` characters), bounded. */
  waitForOutput(text: string, timeoutMs?: number, from?: number): Promise<void>;
  exited(): Promise<number>;
}

/**
 * The variables a test may pass; everything else from the parent environment is left out. The
 * store is a fresh SQLite file per process unless the test names one, so tests never share state;
 * the Hub check is off unless the test names HF_HUB_URL. `entry` is another script to run the same
 * way (e.g. the simulator's); `nodeArgs` replace tsx for a compiled one (`dist/main.js`).
 */
export function spawnPinbot(args: readonly string[], env: Record<string, string>, entry = join('src', 'main.ts'), nodeArgs = ['--import', 'tsx']): RunningPinbot {
  const ownDir = env['DATABASE_URL'] === undefined ? mkdtempSync(join(tmpdir(), 'pinbot-run-')) : undefined;
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, entry), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      ...(ownDir !== undefined ? { DATABASE_URL: join(ownDir, 'pinbot.sqlite') } : {}),
      // A test that does not name a Hub gets none: the default would be huggingface.co.
      HF_HUB_URL: 'off',
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const exit = new Promise<number>((resolve) => child.on('close', (code) => {
    if (ownDir !== undefined) rmSync(ownDir, { recursive: true, force: true });
    resolve(code ?? -1);
  }));
  return {
    process: child,
    stdout: () => out,
    stderr: () => err,
    send: (line) => {
      child.stdin.write(`${line}\n`);
    },
    waitForOutput: async (text, timeoutMs = 15_000, from = 0) => {
      // A process that died will never print it: fail at once, saying how it ended.
      await waitFor(() => out.indexOf(text, from) !== -1 || child.exitCode !== null || child.signalCode !== null, timeoutMs,
        `output "${text}" (got: ${out.slice(-400)} ${err.slice(-400)})`);
      if (out.indexOf(text, from) === -1) {
        throw new Error(`pinbot exited (code ${child.exitCode}, signal ${child.signalCode}) before printing "${text}": ${out.slice(-400)} ${err.slice(-400)}`);
      }
    },
    exited: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
