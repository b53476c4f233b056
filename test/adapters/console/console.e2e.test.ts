import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../src/backends/classic/simulator.ts';
import { TOKEN } from '../../helpers/hf-harness.ts';
import { spawnPinbot, type RunningPinbot } from '../../helpers/spawn-pinbot.ts';
import { testTempDir } from '../../helpers/temp-dir.ts';

describe('the console, as a spawned process', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function simulator(): Promise<Simulator> {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 3, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    return sim;
  }

  function run(args: string[], env: Record<string, string>): RunningPinbot {
    const pinbot = spawnPinbot(args, env);
    cleanups.push(async () => {
      if (pinbot.process.exitCode === null) pinbot.process.kill();
      await pinbot.exited();
    });
    return pinbot;
  }

  const writes = (sim: Simulator) => sim.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST');

  it('opens a labelled sandbox when no account is configured', async () => {
    const pinbot = run(['list'], {});
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stderr()).toContain('SANDBOX');
    expect(pinbot.stdout()).toMatch(/Pinned models \(default\) — 2 of 5 slots used/);
    expect(pinbot.stdout()).toContain('gpt2');
  });

  it('one-shot: prints only the answer on stdout, so it can be piped; the banner goes to stderr', async () => {
    const pinbot = run(['list'], {});
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout().split('\n')).toEqual([
      'Pinned models (default) — 2 of 5 slots used',
      '• gpt2 — cpu',
      '• distilbert/distilbert-base-uncased-finetuned-sst-2-english — gpu',
      '',
    ]);
    expect(pinbot.stderr()).toMatch(/^pinbot console — SANDBOX .*\n$/);
  });

  it('help names the console\'s own commands, restore and exit, and the sandbox\'s endpoints scope', async () => {
    const pinbot = run(['help'], {});
    expect(await pinbot.exited()).toBe(0);
    const out = pinbot.stdout();
    expect(out).toContain('• restore <alert id> — propose putting back what a drift alert');
    expect(out).toContain('• exit — leave the console');
    expect(out).toContain('Other scope: endpoints. Start pinbot with --scope endpoints to act on it.');
    // Before what this person may do, as the other commands are.
    expect(out.indexOf('• exit')).toBeLessThan(out.indexOf('Other scope'));
    expect(out.indexOf('• help')).toBeLessThan(out.indexOf('• restore'));

    const endpoints = run(['--scope', 'endpoints', 'help'], {});
    expect(await endpoints.exited()).toBe(0);
    expect(endpoints.stdout()).toContain('Other scope: default. Start pinbot with --scope default to act on it.');
  });

  it('`restore` without an alert id says how to use it instead of "Unknown command", and writes nothing', async () => {
    const sim = await simulator();
    const pinbot = run([], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
    await pinbot.waitForOutput('pinbot> ');
    pinbot.send('restore');
    await pinbot.waitForOutput('Usage: restore <alert id>');
    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout()).not.toContain('Unknown command');
    expect(pinbot.stdout()).toContain('`restore` needs the id of an alert');
    expect(writes(sim)).toHaveLength(0);
  });

  it('`status` of a model that is neither pinned nor on the Hub says so, not the API\'s load state', async () => {
    const sim = await simulator();
    const env = { HF_TOKEN: TOKEN, HF_API_URL: sim.url, HF_HUB_URL: sim.url };
    const missing = run(['status', 'nope/none'], env);
    expect(await missing.exited()).toBe(0);
    expect(missing.stdout()).toBe("nope/none is not pinned in this scope, and it is not on the Hugging Face Hub (or it is private and this scope's token cannot see it).\n");
    const pinned = run(['status', 'gpt2'], env);
    expect(await pinned.exited()).toBe(0);
    expect(pinned.stdout()).toContain('• gpt2 — Loaded on cpu');
    expect(sim.requestLog.filter((entry) => entry.path.startsWith('/status/')).map((entry) => entry.path)).toEqual(['/status/gpt2']);
  });

  it('history says which change reverted which', async () => {
    const store = { DATABASE_URL: join(testTempDir('pinbot-sandbox-'), 'pinbot.sqlite') };
    const add = run(['add', 'bigscience/bloom', 'gpu', '--yes'], store);
    expect(await add.exited(), add.stdout() + add.stderr()).toBe(0);
    const changeId = /undo with revert (\w+)/.exec(add.stdout())?.[1] ?? '';
    const revert = run(['revert', changeId, '--yes'], store);
    expect(await revert.exited(), revert.stdout() + revert.stderr()).toBe(0);
    const revertId = /undo with revert (\w+)/.exec(revert.stdout())?.[1] ?? '';

    const history = run(['history'], store);
    expect(await history.exited()).toBe(0);
    const lines = history.stdout().split('\n');
    expect(lines.find((line) => line.startsWith(`• ${revertId} `))).toMatch(new RegExp(`: 3 → 2 models — revert of ${changeId}$`));
    expect(lines.find((line) => line.startsWith(`• ${changeId} `))).toMatch(/: 2 → 3 models$/);
  }, 30_000);

  it('with many scopes, the banner counts them and help names a few, instead of listing every one', async () => {
    const sim = await simulator();
    const count = 1000;
    const names = Array.from({ length: count }, (_, index) => `s${index}`);
    const file = join(testTempDir('pinbot-config-'), 'pinbot.yml');
    writeFileSync(file, `scopes:\n${names.map((name, index) => `  - name: ${name}\n    token_env: HF_TOKEN_S${index}\n`).join('')}`);
    const tokens = Object.fromEntries(names.map((_, index) => [`HF_TOKEN_S${index}`, TOKEN]));
    const pinbot = run(['help'], { PINBOT_CONFIG: file, HF_API_URL: sim.url, ...tokens });
    expect(await pinbot.exited(), pinbot.stderr()).toBe(0);
    expect(pinbot.stderr().length).toBeLessThan(400);
    expect(pinbot.stderr()).toContain('Managing the Hugging Face accounts of 1,000 scopes (HF_TOKEN_S0, HF_TOKEN_S1, HF_TOKEN_S2 and 997 more) at 127.0.0.1:');
    expect(pinbot.stderr()).toContain('Scope: s0 (choose with --scope).');
    expect(pinbot.stdout()).toContain('Other scopes: s1, s2, s3, s4, s5 and 994 more. Start pinbot with --scope s1 (or another name) to act on one.');
    expect(pinbot.stdout().length).toBeLessThan(3000);

    const unknown = run(['--scope', 'nope', 'list'], { PINBOT_CONFIG: file, HF_API_URL: sim.url, ...tokens });
    expect(await unknown.exited()).toBe(1);
    expect(unknown.stderr()).toBe('There is no scope named nope. Scopes: s0, s1, s2 and 997 more.\n');
  }, 30_000);

  it('keeps the sandbox account in the store, so the list, history and revert agree across runs and a new store starts afresh', async () => {
    const store = { DATABASE_URL: join(testTempDir('pinbot-sandbox-'), 'pinbot.sqlite') };
    const add = run(['add', 'bigscience/bloom', 'gpu', '--yes'], store);
    expect(await add.exited(), add.stdout() + add.stderr()).toBe(0);
    const changeId = /undo with revert (\w+)/.exec(add.stdout())?.[1] ?? '';

    const list = run(['list'], store);
    expect(await list.exited()).toBe(0);
    expect(list.stdout()).toContain('3 of 5 slots used');
    expect(list.stdout()).toContain('bigscience/bloom — gpu');
    const history = run(['history'], store);
    expect(await history.exited()).toBe(0);
    expect(history.stdout()).toContain(changeId);

    const revert = run(['revert', changeId, '--yes'], store);
    expect(await revert.exited(), revert.stdout()).toBe(0);
    const afterRevert = run(['list'], store);
    expect(await afterRevert.exited()).toBe(0);
    expect(afterRevert.stdout()).toContain('2 of 5 slots used');

    const fresh = run(['add', 'bigscience/bloom', 'gpu', '--yes'], { DATABASE_URL: join(testTempDir('pinbot-sandbox-'), 'pinbot.sqlite') });
    expect(await fresh.exited()).toBe(0);
    expect(fresh.stdout()).toContain('Slots used: 2 → 3 of 5');
  }, 30_000);

  it('keeps the endpoints sandbox scaling in the store, so a warmed endpoint is still warm in the next run and a new store starts cold', async () => {
    const store = { DATABASE_URL: join(testTempDir('pinbot-sandbox-'), 'pinbot.sqlite') };
    const add = run(['--scope', 'endpoints', 'add', 'embedder', '--yes'], store);
    expect(await add.exited(), add.stdout() + add.stderr()).toBe(0);
    expect(add.stdout()).toContain('Applied');
    const changeId = /undo with revert (\w+)/.exec(add.stdout())?.[1] ?? '';

    const list = run(['--scope', 'endpoints', 'list'], store);
    expect(await list.exited()).toBe(0);
    expect(list.stdout()).toContain('2 of 2 warm');
    expect(list.stdout()).toMatch(/• embedder — warm, min 1, max 1; running;/);
    expect(list.stdout()).toMatch(/• sentiment — cold, min 0, scales to zero after 15 min, max 1; scaledToZero;/);
    // A new store starts from the initial namespace while this one holds embedder warm.
    const history = run(['--scope', 'endpoints', 'history'], store);
    const fresh = run(['--scope', 'endpoints', 'list'], { DATABASE_URL: join(testTempDir('pinbot-sandbox-'), 'pinbot.sqlite') });
    expect(await history.exited()).toBe(0);
    expect(history.stdout()).toContain(changeId);
    expect(await fresh.exited()).toBe(0);
    expect(fresh.stdout()).toContain('1 of 2 warm');
    expect(fresh.stdout()).toMatch(/• embedder — cold, min 0, scales to zero after 15 min, max 1; scaledToZero;/);

    const revert = run(['--scope', 'endpoints', 'revert', changeId, '--yes'], store);
    expect(await revert.exited(), revert.stdout() + revert.stderr()).toBe(0);
    const afterRevert = run(['--scope', 'endpoints', 'list'], store);
    expect(await afterRevert.exited()).toBe(0);
    expect(afterRevert.stdout()).toContain('1 of 2 warm');
    expect(afterRevert.stdout()).toMatch(/• embedder — cold, min 0, scales to zero after 15 min, max 1; scaledToZero;/);
  }, 60_000);

  it('shows the plan, writes nothing before the person confirms, and writes once after', async () => {
    const sim = await simulator();
    const pinbot = run([], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
    await pinbot.waitForOutput('pinbot> ');

    pinbot.send('add bigscience/bloom gpu');
    await pinbot.waitForOutput('Apply? [y/N]');
    expect(pinbot.stdout()).toContain('+ bigscience/bloom (gpu)');
    expect(pinbot.stdout()).toContain('Slots used: 1 → 2 of 3');
    expect(pinbot.stdout()).toContain('replaces the entire pinned list');
    expect(writes(sim)).toHaveLength(0);

    pinbot.send('y');
    await pinbot.waitForOutput('Applied');
    expect(writes(sim)).toHaveLength(1);
    expect(writes(sim)[0]?.body).toEqual({
      pinned_models: [{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }],
    });

    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
    expect(pinbot.stdout()).not.toContain(TOKEN);
    expect(pinbot.stderr()).not.toContain(TOKEN);
  });

  it('interactive: says when an added model has loaded, alerts on a change made elsewhere, and restores from the alert', async () => {
    const sim = await simulator();
    const pinbot = run([], { HF_TOKEN: TOKEN, HF_API_URL: sim.url, PINBOT_DRIFT_INTERVAL: '10s' });
    await pinbot.waitForOutput('pinbot> ');
    pinbot.send('add bigscience/bloom gpu');
    await pinbot.waitForOutput('Apply? [y/N]');
    let mark = pinbot.stdout().length;
    pinbot.send('y');
    await pinbot.waitForOutput('after the change was applied.\npinbot> ', 10_000, mark);
    // Printed at the prompt: on a line of its own, and the prompt shown again after it.
    expect(pinbot.stdout().slice(mark)).toMatch(/pinbot> \n✅ bigscience\/bloom is loaded on gpu \(a10g\), \d+ s after the change was applied\.\npinbot> $/);

    mark = pinbot.stdout().length;
    sim.setPins(TOKEN, [{ model_id: 'gpt2', compute_type: 'cpu' }]);
    // The watcher reads the list once per PINBOT_DRIFT_INTERVAL (10 s, the shortest allowed).
    await pinbot.waitForOutput('Restore the previous list: type restore ', 15_000, mark);
    const alert = pinbot.stdout().slice(mark);
    expect(alert).toContain('⚠️ The pinned models of scope default were changed outside pinbot.');
    expect(alert).toContain('− bigscience/bloom (gpu)');
    const alertId = /type restore (\w+)/.exec(alert)?.[1] ?? '';

    mark = pinbot.stdout().length;
    pinbot.send(`restore ${alertId}`);
    await pinbot.waitForOutput('Apply? [y/N]', 10_000, mark);
    expect(pinbot.stdout().slice(mark)).toContain('+ bigscience/bloom (gpu)');
    expect(sim.pins(TOKEN)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }]);
    pinbot.send('y');
    await pinbot.waitForOutput('Applied', 10_000, mark);
    expect(sim.pins(TOKEN)).toEqual([{ model_id: 'gpt2', compute_type: 'cpu' }, { model_id: 'bigscience/bloom', compute_type: 'gpu' }]);

    // Exits at once, with the load follow-up of the restore and the watcher still running.
    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
  }, 30_000);

  it('writes nothing when the person answers no', async () => {
    const sim = await simulator();
    const pinbot = run([], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
    await pinbot.waitForOutput('pinbot> ');
    pinbot.send('remove gpt2');
    await pinbot.waitForOutput('Apply? [y/N]');
    pinbot.send('n');
    await pinbot.waitForOutput('Nothing was written');
    pinbot.send('exit');
    expect(await pinbot.exited()).toBe(0);
    expect(writes(sim)).toHaveLength(0);
  });

  it('one-shot with stdin closed and no --yes says nothing was applied for want of a confirmation, and writes nothing', async () => {
    const sim = await simulator();
    const pinbot = run(['add', 'bigscience/bloom', 'gpu'], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
    pinbot.process.stdin.end();
    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stdout()).toContain('Nothing was applied: the input ended before anyone confirmed the change. Add `--yes` to apply it without asking.');
    expect(pinbot.stdout()).not.toContain('cancelled by');
    expect(writes(sim)).toHaveLength(0);
  });

  it('runs every change verb end to end: add, compute, set, remove, clear', async () => {
    const sim = await simulator();
    const steps: [string, string[]][] = [
      ['add a/b c/d:gpu', ['gpt2', 'a/b', 'c/d']],
      ['compute a/b gpu', ['gpt2', 'a/b', 'c/d']],
      ['set gpt2 e/f:gpu', ['gpt2', 'e/f']],
      ['remove gpt2', ['e/f']],
      ['clear', []],
    ];
    for (const [command, expected] of steps) {
      const pinbot = run([...command.split(' '), '--yes'], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
      expect(await pinbot.exited(), pinbot.stdout() + pinbot.stderr()).toBe(0);
      expect(pinbot.stdout()).toContain('Applied');
      expect(sim.pins(TOKEN).map((p) => p.model_id)).toEqual(expected);
    }
    expect(sim.pins(TOKEN)).toEqual([]);
    expect(writes(sim)).toHaveLength(steps.length);
    expect(sim.requestLog.filter((e) => e.source === 'client' && e.method === 'GET')).toHaveLength(steps.length * 2);
  }, 60_000);

  it('refuses bad input with a sentence, exit code 1 and no write', async () => {
    const sim = await simulator();
    const pinbot = run(['add', 'a', 'b', 'c', '--yes'], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
    expect(await pinbot.exited()).toBe(1);
    expect(pinbot.stdout()).toContain("Can't pin 4 models: your plan allows 3.");
    expect(pinbot.stdout()).not.toMatch(/at .*\.ts:\d+/);
    expect(writes(sim)).toHaveLength(0);
  });

  it('lists every configuration problem at once, without a stack trace, and exits 1', async () => {
    const pinbot = run(['list'], { PORT: 'abc', HF_API_URL: 'not a url', DISCORD_TOKEN: 'x', LOG_LEVEL: 'loud', SLACK_BOT_TOKEN: 'xoxb-secret-value' });
    expect(await pinbot.exited()).toBe(1);
    const err = pinbot.stderr();
    for (const name of ['PORT', 'HF_API_URL', 'DISCORD_APPLICATION_ID', 'LOG_LEVEL', 'SLACK_SIGNING_SECRET', 'HF_TOKEN is not set']) expect(err).toContain(name);
    expect(err).toContain('6 problems');
    expect(err).not.toContain('xoxb-secret-value');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('lists every problem of a PINBOT_CONFIG file at once and exits 1', async () => {
    const file = join(testTempDir('pinbot-config-'), 'pinbot.yml');
    writeFileSync(file, 'scopes:\n  - name: prod\n    token_env: HF_TOKEN_UNSET\n    policy: { approvers: [bob], proposal_ttl: never }\n');
    const pinbot = run(['list'], { PINBOT_CONFIG: file });
    expect(await pinbot.exited()).toBe(1);
    const err = pinbot.stderr();
    expect(err).toContain('3 problems');
    expect(err).toContain('HF_TOKEN_UNSET is not set');
    expect(err).toContain('"bob" is not a principal');
    expect(err).toContain('proposal_ttl');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('acts on the scope named with --scope when PINBOT_CONFIG lists several, and refuses an unknown one', async () => {
    const other = 'hf_OtherScopeTokenForTheConsoleTest000000';
    const sim = await simulator();
    sim.addAccount(other, { allowed: 2, pins: [{ model_id: 'other/model', compute_type: 'gpu' }] });
    const file = join(testTempDir('pinbot-config-'), 'pinbot.yml');
    writeFileSync(file, 'scopes:\n  - name: research\n    token_env: HF_TOKEN_A\n  - name: production\n    token_env: HF_TOKEN_B\n');
    const env = { PINBOT_CONFIG: file, HF_TOKEN_A: TOKEN, HF_TOKEN_B: other, HF_API_URL: sim.url };

    const production = run(['--scope', 'production', 'list'], env);
    expect(await production.exited()).toBe(0);
    expect(production.stderr()).toContain('Scope: production');
    expect(production.stdout()).toContain('Pinned models (production) — 1 of 2 slots used');
    expect(production.stdout()).toContain('other/model');

    const unknown = run(['--scope=staging', 'list'], env);
    expect(await unknown.exited()).toBe(1);
    expect(unknown.stderr()).toContain('There is no scope named staging. Scopes: research, production.');
    expect(`${production.stdout()}${unknown.stderr()}`).not.toContain(other);
  });
  describe('checking added models on the Hub', () => {
    const withHub = (sim: Simulator, hubUrl = sim.url) => ({ HF_TOKEN: TOKEN, HF_API_URL: sim.url, HF_HUB_URL: hubUrl });

    it('answers a typo with suggestions, exit code 1 and nothing proposed or written', async () => {
      const sim = await simulator();
      const pinbot = run(['add', 'bigscence/bloom', 'gpu', '--yes'], withHub(sim));
      expect(await pinbot.exited()).toBe(1);
      expect(pinbot.stdout()).toContain('bigscence/bloom is not on the Hugging Face Hub');
      expect(pinbot.stdout()).toContain('Did you mean bigscience/bloom');
      expect(pinbot.stdout()).toContain('Nothing was proposed.');
      expect(pinbot.stdout()).not.toContain('Apply?');
      expect(writes(sim)).toHaveLength(0);
    });

    it('says a gated model is closed to this scope', async () => {
      const sim = await simulator();
      const pinbot = run(['add', 'meta-llama/Llama-2-7b-hf', '--yes'], withHub(sim));
      expect(await pinbot.exited()).toBe(1);
      expect(pinbot.stdout()).toContain("meta-llama/Llama-2-7b-hf is gated on the Hugging Face Hub and this scope's token has not been granted access");
      expect(writes(sim)).toHaveLength(0);
    });

    it('shows the task of a good model on the plan before asking', async () => {
      const sim = await simulator();
      const pinbot = run([], withHub(sim));
      await pinbot.waitForOutput('pinbot> ');
      pinbot.send('add bigscience/bloom gpu');
      await pinbot.waitForOutput('Apply? [y/N]');
      expect(pinbot.stdout()).toContain('Hub: bigscience/bloom — text-generation · transformers · not gated · updated 2023-07-28');
      pinbot.send('n');
      await pinbot.waitForOutput('Nothing was written');
      pinbot.send('exit');
      expect(await pinbot.exited()).toBe(0);
    });

    it('still proposes, marked not checked, when the Hub is stopped or answers 500', async () => {
      const sim = await simulator();
      const gone = await startSimulator();
      await gone.close();
      const stopped = run(['add', 'bigscience/bloom', '--yes'], withHub(sim, gone.url));
      expect(await stopped.exited(), stopped.stderr()).toBe(0);
      expect(stopped.stdout()).toContain('Hub: bigscience/bloom — not checked on the Hub');

      sim.setHubFault({ status: 500 });
      const failing = run(['add', 'openai/whisper-small', '--yes'], withHub(sim));
      expect(await failing.exited(), failing.stderr()).toBe(0);
      expect(failing.stdout()).toContain('Hub: openai/whisper-small — not checked on the Hub');
      expect(writes(sim)).toHaveLength(2);
    });

    it("checks against the sandbox's own Hub when no account is configured", async () => {
      const pinbot = run(['add', 'bigscence/bloom', '--yes'], { HF_HUB_URL: '' });
      expect(await pinbot.exited()).toBe(1);
      expect(pinbot.stderr()).toContain('SANDBOX');
      expect(pinbot.stdout()).toContain('Did you mean bigscience/bloom');
    });
  });
});
