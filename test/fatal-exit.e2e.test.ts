import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';

const OPEN_HANDLE = join(import.meta.dirname, 'helpers', 'preload-open-handle.cjs');

/** Runs pinbot with an interval held open from before it starts; notes when it last printed. */
function runWithOpenHandle(args: string[], env: Record<string, string> = {}): RunningPinbot & { lastOutputAt(): number } {
  const pinbot = spawnPinbot(args, { NODE_OPTIONS: `--require ${OPEN_HANDLE}`, ...env });
  let lastOutputAt = 0;
  for (const stream of [pinbot.process.stdout, pinbot.process.stderr]) {
    stream.on('data', () => {
      lastOutputAt = Date.now();
    });
  }
  return { ...pinbot, lastOutputAt: () => lastOutputAt };
}

describe('pinbot exits promptly whatever handles are open', () => {
  const running: RunningPinbot[] = [];
  afterEach(async () => {
    for (const pinbot of running.splice(0)) {
      if (pinbot.process.exitCode === null) pinbot.process.kill('SIGKILL');
      await pinbot.exited();
    }
  });

  it('says how to fix a native module built for another Node.js, and exits 1 within a second', async () => {
    const pinbot = runWithOpenHandle(['list'], { FAKE_NATIVE_MISMATCH: '1' });
    running.push(pinbot);

    const code = await pinbot.exited();
    const exitedAfterMs = Date.now() - pinbot.lastOutputAt();

    expect(code).toBe(1);
    expect(exitedAfterMs).toBeLessThan(1000);
    expect(pinbot.stderr()).toMatch(/^pinbot can't start: better-sqlite3 was built for another version of Node\.js \(NODE_MODULE_VERSION 137; Node\.js v[\d.]+ needs \d+\)\. Run `npm rebuild better-sqlite3` with this Node\.js, then start pinbot again\.\n$/);
  });

  it('scrubs every configured secret from the line of an unexpected fatal error', async () => {
    const token = 'hf_fatalLineSecretToken0123456789';
    const pinbot = runWithOpenHandle(['list'], { HF_TOKEN: token, HF_API_URL: 'http://127.0.0.1:9', FAKE_NATIVE_FAILURE: `loading failed near ${token}` });
    running.push(pinbot);

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toContain('pinbot stopped on an unexpected error: loading failed near [redacted]');
    expect(pinbot.stderr()).not.toContain(token);
  });

  it.each([
    ['a refused command', ['frobnicate'], 1],
    ['a command that worked', ['list'], 0],
  ])('exits within a second after %s', async (_case, args, expected) => {
    const pinbot = runWithOpenHandle(args);
    running.push(pinbot);

    const code = await pinbot.exited();

    expect(code).toBe(expected);
    expect(Date.now() - pinbot.lastOutputAt()).toBeLessThan(1000);
  });
});
