import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/backends/classic/simulator.ts';
import { DISCORD_TOKEN } from './adapters/discord/use-discord.ts';
import { APPLICATION_ID } from './helpers/discord-peer.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { startSlackApiServer } from './helpers/slack-api-server.ts';
import { BOT_TOKEN, SIGNING_SECRET } from './helpers/slack-process.ts';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const ROOT = join(import.meta.dirname, '..');

/** Errors an operator makes, each said in one sentence they can act on, with exit code 1. */
describe('operator errors, in plain words', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  function run(args: string[], env: Record<string, string>): RunningPinbot {
    const pinbot = spawnPinbot(args, env);
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill('SIGKILL');
      await pinbot.exited();
    });
    return pinbot;
  }

  async function occupiedPort(): Promise<number> {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    return (server.address() as AddressInfo).port;
  }

  async function hfToken(): Promise<Record<string, string>> {
    const sim = await startSimulator({ accounts: { [TOKEN]: { allowed: 5, pins: [] } } });
    cleanups.push(() => sim.close());
    return { HF_TOKEN: TOKEN, HF_API_URL: sim.url };
  }

  it('names the SQLite path when its directory cannot be made (a file stands where the directory should be)', async () => {
    const dir = testTempDir('pinbot-unwritable-');
    writeFileSync(join(dir, 'data'), 'not a directory');
    const file = join(dir, 'data', 'pinbot.sqlite');
    const pinbot = run(['list'], { DATABASE_URL: file });

    expect(await pinbot.exited()).toBe(1);
    // The sandbox's own file, beside the one DATABASE_URL names (mkdir says EEXIST or ENOTDIR).
    expect(pinbot.stderr().replace(/, E(EXIST|NOTDIR)\)/, ')')).toBe(`pinbot can't start: the SQLite store ${join(dir, 'data', 'pinbot.sandbox.sqlite')} cannot be written `
      + `(a part of that path is a file, not a directory): make ${join(dir, 'data')} a directory this user can write, or set DATABASE_URL to a file in one.\n`);
  });

  // Root may write anywhere, so only another user can show a directory it may not write.
  it.skipIf(process.getuid?.() === 0)('names the SQLite path when its directory may not be written', async () => {
    const dir = testTempDir('pinbot-readonly-');
    chmodSync(dir, 0o500);
    cleanups.push(async () => chmodSync(dir, 0o700));
    const pinbot = run(['list'], { ...(await hfToken()), DATABASE_URL: join(dir, 'pinbot.sqlite') });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toMatch(new RegExp(`^pinbot can't start: the SQLite store ${join(dir, 'pinbot.sqlite')} cannot be written \\(.*\\): make ${dir} a directory this user can write, or set DATABASE_URL to a file in one\\.\\n$`));
  });

  it('says the port is in use when /healthz cannot listen (Discord)', async () => {
    const port = await occupiedPort();
    const pinbot = run([], { ...(await hfToken()), PORT: String(port), DISCORD_TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: 'http://127.0.0.1:9/api' });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toBe(`pinbot can't start: port ${port} is already in use by another program: stop it, or set PORT to a free port.\n`);
  });

  it('says the port is in use when Slack over HTTP cannot listen', async () => {
    const port = await occupiedPort();
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const pinbot = run([], { ...(await hfToken()), PORT: String(port), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slack.apiUrl });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toBe(`pinbot can't start: port ${port} is already in use by another program: stop it, or set PORT to a free port.\n`);
  });

  it('gives the path and what was expected for an empty PINBOT_CONFIG file', async () => {
    const file = join(testTempDir('pinbot-empty-config-'), 'pinbot.yml');
    writeFileSync(file, '');
    const pinbot = run(['list'], { PINBOT_CONFIG: file });

    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stderr()).toBe(`pinbot can't start: the configuration has 1 problem:\n  - PINBOT_CONFIG (${file}): the file is empty: it must list the scopes, `
      + 'e.g. `scopes:` then `- name: research` and `token_env: HF_TOKEN_RESEARCH` below it\n');
  });

  it('refuses to open a console nobody can type in: no platform and standard input /dev/null, as in a container without -i', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', HF_HUB_URL: 'off', DATABASE_URL: join(testTempDir('pinbot-no-tty-'), 'pinbot.sqlite') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString('utf8'); });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe("pinbot can't start: no chat platform is configured and there is no terminal for the console (standard input is closed or /dev/null): "
      + 'set SLACK_BOT_TOKEN or DISCORD_TOKEN to serve a chat platform, run it with a terminal (`docker run -it`), or give a command, e.g. `pinbot list`.\n');
  });

  it('still runs the console on a pipe, which scripts type into, and ends it with the pipe', async () => {
    const pinbot = run([], {});
    await pinbot.waitForOutput('pinbot> ');
    pinbot.process.stdin.end();
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout()).toContain('SANDBOX');
  });
});
