import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { testTempDir } from './helpers/temp-dir.ts';

const ROOT = join(import.meta.dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The README's code blocks: runs of lines indented by four spaces, after a blank line. */
function codeBlocks(markdown: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] | undefined;
  let previousBlank = true;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('    ') && (current !== undefined || previousBlank)) {
      current ??= [];
      current.push(line.slice(4));
    } else if (line.trim() !== '' || current === undefined) {
      if (current) blocks.push(current);
      current = undefined;
    }
    previousBlank = line.trim() === '';
  }
  if (current) blocks.push(current);
  return blocks;
}

const BLOCKS = codeBlocks(README);
const COMMANDS = BLOCKS.flat().filter((line) => /^(npm|npx|node|docker) /.test(line));
const ONE_SHOT = COMMANDS.filter((line) => line.startsWith('npm start -- '));
const TRANSCRIPT = BLOCKS.find((block) => block[0]?.startsWith('pinbot console —'));

/**
 * Commands the README shows that need more than a fresh sandbox; each names where it is checked.
 * A command added to the README fails this test until it is run here or listed with its reason.
 */
const NOT_RUN_HERE = new Map<string, string>([
  ['npm test', 'this suite'],
  ['npm run build && npm run start:prod', 'the production artefact, smoke-tested by .ci/artifact-smoke'],
  ['npm run bench', 'the benchmarks: minutes of load, not a check'],
  ['npm run discord:register', 'needs a Discord application (test/adapters/discord/register.test.ts)'],
]);

/** What differs between two runs of the same commands: the clock, random change ids, who runs them. */
function normalize(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, '<time>')
    .replace(/(Change |revert )[A-Za-z0-9]{8}\b/g, '$1<id>')
    .replaceAll(`@${userInfo().username}`, '@alice');
}

describe("the README's commands, on a fresh sandbox", () => {
  const running: RunningPinbot[] = [];
  afterEach(async () => {
    for (const pinbot of running.splice(0)) {
      if (pinbot.process.exitCode === null) pinbot.process.kill();
      await pinbot.exited();
    }
  });
  const run = (args: string[], env: Record<string, string>) => {
    // As a newcomer runs it: the sandbox checks models on its own simulated Hub.
    const pinbot = spawnPinbot(args, { HF_HUB_URL: '', ...env });
    running.push(pinbot);
    return pinbot;
  };

  it('shows only commands this test runs, or names where each other one is checked', () => {
    expect(SCRIPTS['start']).toBe('tsx src/main.ts');
    expect(SCRIPTS['simulator']).toBe('tsx src/backends/simulator-main.ts');
    const unaccounted = COMMANDS.filter((line) =>
      line !== 'npm install && npm start' && line !== 'npm run simulator' && !line.startsWith('npm start -- ')
      && !line.startsWith('docker ') && !NOT_RUN_HERE.has(line));
    expect(unaccounted).toEqual([]);
    expect(TRANSCRIPT).toBeDefined();
    expect(ONE_SHOT.length).toBeGreaterThan(0);
  });

  it('`npm start` opens the console and answers the example session exactly as the README shows it', async () => {
    const transcript = TRANSCRIPT ?? [];
    const pinbot = run([], {});
    let expected: string[] = [];
    let seen = 0;
    for (const line of transcript) {
      const input = /^(?:pinbot> |Apply\? \[y\/N\] )(.*)$/.exec(line)?.[1];
      if (input === undefined) {
        expected.push(line);
        continue;
      }
      await pinbot.waitForOutput(line.startsWith('pinbot> ') ? 'pinbot> ' : 'Apply? [y/N] ', 15_000, seen);
      seen = pinbot.stdout().length;
      pinbot.send(input);
    }
    await pinbot.waitForOutput('pinbot> ', 15_000, seen);
    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);

    // The prompts share a line with the answer printed after them; the typed input is not echoed.
    // A load follow-up prints whenever the sandbox finishes loading (about 2 s after the apply), so on
    // a slow machine it may land inside the session; the README does not show it.
    const shown = normalize(pinbot.stdout()).split('\n').map((line) => line.replace(/^(pinbot> |Apply\? \[y\/N\] )+/, ''))
      .filter((line) => line !== '' && !/^✅ .+ is loaded\b.* after the change was applied\.$/.test(line));
    expected = expected.map(normalize);
    expect(shown).toEqual(expected);
  }, 30_000);

  it.each([
    ['after the example session', true],
    ['on a sandbox never used', false],
  ])('every `npm start -- …` example does what the README says, %s', async (_when, afterSession) => {
    const env = { DATABASE_URL: join(testTempDir('pinbot-readme-'), 'pinbot.sqlite') };
    if (afterSession) {
      const session = run(['add', 'bigscience/bloom', 'gpu', '--yes'], env);
      expect(await session.exited()).toBe(0);
    }
    let lastAdded: string[] = [];
    for (const line of ONE_SHOT) {
      const args = line.slice('npm start -- '.length).split(/\s+/);
      const pinbot = run(args, env);
      // "exit code 0 when applied, 1 when refused or failed"
      expect(await pinbot.exited(), `${line}\n${pinbot.stdout()}${pinbot.stderr()}`).toBe(0);
      if (args[0] === 'add') {
        expect(pinbot.stdout()).toContain('Applied');
        lastAdded = args.slice(1).filter((word) => !/^(cpu|gpu|--yes|-y)$/.test(word));
      }
      if (args[0] === 'list') for (const model of lastAdded) expect(pinbot.stdout()).toContain(model);
    }
  }, 30_000);

  it('`npm run simulator` starts the simulator and says how to point pinbot at it, Hub included, as the README does', async () => {
    const simulator = spawnScript(SCRIPTS['simulator'] ?? '', { PORT: '0' });
    running.push(simulator);
    await simulator.waitForOutput('HF_ENDPOINTS_API_URL=http://127.0.0.1:');
    const url = /Hugging Face Inference API simulator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(simulator.stdout())?.[1];
    expect(url).toBeDefined();
    expect(simulator.stdout()).toContain(`HF_API_URL=${url} HF_HUB_URL=${url} `);
    const section = README.slice(README.indexOf('## The simulator'), README.indexOf('## Layout'));
    expect(section).toContain('HF_HUB_URL');
    expect(section).toContain('HF_API_URL');
  });

  it.each([
    ['its own port', 0],
    ['the following port (the Endpoints simulator\'s)', 1],
  ])('`npm run simulator` with %s taken says so in one sentence, prints no instructions and exits 1', async (_which, offset) => {
    const holder = await holdFreePort(offset);
    try {
      const simulator = spawnScript(SCRIPTS['simulator'] ?? '', { PORT: String(holder.port - offset) });
      running.push(simulator);
      expect(await simulator.exited()).toBe(1);
      expect(simulator.stdout()).toBe('');
      expect(simulator.stderr()).toMatch(/^Port \d+ is already in use \(another simulator\?\): set PORT to a free port, or PORT=0 for any\.\n$/);
    } finally {
      await new Promise((resolve) => holder.server.close(resolve));
    }
  });
});

/**
 * Listens on a free loopback port whose `offset` ports below are free too (a simulator must be
 * able to take them), and holds it until closed.
 */
async function holdFreePort(offset: number): Promise<{ server: Server; port: number }> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    if (offset === 0 || await isFree(port - offset)) return { server, port };
    await new Promise((resolve) => server.close(resolve));
  }
}

async function isFree(port: number): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Runs a `tsx <file>` package script the way spawnPinbot runs pinbot. */
function spawnScript(script: string, env: Record<string, string>): RunningPinbot {
  const file = /^tsx (\S+)$/.exec(script)?.[1];
  if (file === undefined) throw new Error(`not a tsx script: ${script}`);
  return spawnPinbot([], env, file);
}
