import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { parseCommand } from '../src/core/domain/grammar.ts';
import { Notifier } from '../src/core/follow-ups/notifications.ts';
import type { RequestContext } from '../src/core/workflow/pinning-service.ts';
import { silentLogger, systemClock, type Logger } from '../src/core/ports.ts';
import { createDriftWatcher, createIdleAlerts } from '../src/follow-ups.ts';
import { startSimulator, type Simulator } from '../src/backends/classic/simulator.ts';
import { buildPinbot, type Pinbot } from '../src/pinbot.ts';
import { openStore } from '../src/store/open-store.ts';
import { TOKEN } from './helpers/hf-harness.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from './store/postgres-test-db.ts';
import { spawnPinbot, type RunningPinbot } from './helpers/spawn-pinbot.ts';
import { testTempDir } from './helpers/temp-dir.ts';
import { PINNED_COMMAND_WORDS } from '../src/backends/classic/words.ts';
import { ENDPOINT_COMMAND_WORDS } from '../src/backends/endpoints/words.ts';
import { startAcmeEndpoints } from './helpers/acme-endpoints.ts';

const context: RequestContext = {
  scope: 'default',
  principal: { platform: 'console', userId: 'alice' },
  channel: { platform: 'console', channelId: 'terminal' },
};

describe('the sandbox and a real account on the same DATABASE_URL', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  async function realAccount(): Promise<Simulator> {
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: 5, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] } } });
    cleanups.push(() => sim.close());
    return sim;
  }

  async function build(env: Record<string, string>, logger: Logger = silentLogger): Promise<Pinbot> {
    const built = await buildPinbot(loadConfig(env), { env, logger });
    let closed: Promise<void> | undefined;
    const pinbot = { ...built, close: () => (closed ??= built.close()) };
    cleanups.push(() => pinbot.close());
    return pinbot;
  }

  /** A fresh store of each kind: its sandbox goes beside it, in a file or a schema of its own. */
  const stores: Record<'sqlite' | 'postgres', () => string> = {
    sqlite: () => join(testTempDir('pinbot-sandbox-apart-'), 'pinbot.sqlite'),
    postgres: () => {
      const schema = freshSchemaName();
      cleanups.unshift(async () => {
        await dropSchema(schema);
        await dropSchema(`${schema}_sandbox`);
      });
      return urlWithSchema(schema);
    },
  };

  it.each(['sqlite', 'postgres'] as const)('on %s, shows the real account none of the sandbox history, proposals or snapshots, so no drift is reported', async (kind) => {
    const databaseUrl = stores[kind]();
    const sandbox = await build({ DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' });
    expect(sandbox.sandbox).toBe(true);
    const proposed = await sandbox.service.execute(parseCommand('add bigscience/bloom gpu', PINNED_COMMAND_WORDS), context);
    if (proposed.kind !== 'proposal') throw new Error(`expected a proposal, got ${proposed.kind}`);
    expect((await sandbox.service.approve(proposed.proposal.id, context.principal)).proposal.state).toBe('applied');
    const pending = await sandbox.service.execute(parseCommand('remove gpt2', PINNED_COMMAND_WORDS), context);
    expect(pending.kind).toBe('proposal');
    await sandbox.close();

    const sim = await realAccount();
    const env = { HF_TOKEN: TOKEN, HF_API_URL: sim.url, DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' };
    const real = await build(env);
    expect(real.sandbox).toBe(false);
    const history = await real.service.execute(parseCommand('history', PINNED_COMMAND_WORDS), context);
    expect(history).toMatchObject({ kind: 'history', changes: [] });
    expect(await real.service.execute(parseCommand('pending', PINNED_COMMAND_WORDS), context)).toMatchObject({ kind: 'pending', proposals: [] });
    expect(await real.store.snapshots.lastSeen('default')).toBeUndefined();

    // The first drift check of the real account only records what it sees: no alert, no Restore.
    const config = loadConfig(env);
    const notifier = new Notifier(real.store.once, silentLogger);
    const drift = createDriftWatcher(real, config, [{ name: 'default', notify: [context.channel] }], { notifier, clock: systemClock, logger: silentLogger });
    const delivered: unknown[] = [];
    notifier.addChannel({ platform: 'console', deliver: async (notification) => { delivered.push(notification); } });
    expect(await drift?.check({ name: 'default', notify: [context.channel] })).toBeUndefined();
    expect(delivered).toEqual([]);
    expect((await real.store.snapshots.lastSeen('default'))?.pins.map((pin) => pin.modelId)).toEqual(['gpt2']);
    // …and nothing was written to the real account.
    expect(sim.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST')).toEqual([]);
  });

  it.each(['sqlite', 'postgres'] as const)('on %s, drops once what the sandbox of an earlier pinbot left in the same store, so its list raises no drift alert', async (kind) => {
    const databaseUrl = stores[kind]();
    // What an earlier pinbot's sandbox left: its account, and its list as the drift baseline of `default`.
    const earlier = await openStore(databaseUrl);
    await earlier.sandboxAccounts.save('sandbox-token', { allowed: 5, pins: [{ model_id: 'bigscience/bloom', compute_type: 'gpu' }] }, 1);
    await earlier.snapshots.recordSeen('default', { pins: [{ modelId: 'bigscience/bloom', computeType: 'gpu' }], allowed: 5, at: 1 });
    await earlier.close();

    const sim = await realAccount();
    const env = { HF_TOKEN: TOKEN, HF_API_URL: sim.url, DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' };
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_fields, message) => { warnings.push(message); }, child: () => logger };
    const real = await build(env, logger);

    expect(warnings.filter((message) => message.includes('sandbox of an earlier pinbot'))).toHaveLength(1);
    expect(await real.store.snapshots.lastSeen('default')).toBeUndefined();
    expect(await real.store.sandboxAccounts.load('sandbox-token')).toBeUndefined();
    const notifier = new Notifier(real.store.once, silentLogger);
    const delivered: unknown[] = [];
    notifier.addChannel({ platform: 'console', deliver: async (notification) => { delivered.push(notification); } });
    const drift = createDriftWatcher(real, loadConfig(env), [{ name: 'default', notify: [context.channel] }], { notifier, clock: systemClock, logger: silentLogger });
    expect(await drift?.check({ name: 'default', notify: [context.channel] })).toBeUndefined();
    expect(delivered).toEqual([]);

    // Once: the next start finds nothing to drop.
    await real.close();
    warnings.length = 0;
    await build(env, logger);
    expect(warnings.filter((message) => message.includes('sandbox of an earlier pinbot'))).toEqual([]);
  });

  it.each(['sqlite', 'postgres'] as const)('on %s, keeps the simulated usage week to the sandbox: a real scope named endpoints shows no hours, no "simulated", and no idle alert', async (kind) => {
    const databaseUrl = stores[kind]();
    const endpointsContext: RequestContext = { ...context, scope: 'endpoints' };
    const sandbox = await build({ DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' });
    const simulated = await sandbox.service.execute(parseCommand('usage 7d', ENDPOINT_COMMAND_WORDS), endpointsContext);
    expect(simulated).toMatchObject({ kind: 'usage', report: { kind: 'report', simulated: true } });
    const idleAlertsOf = (pinbot: Pinbot, env: Record<string, string>) =>
      createIdleAlerts(pinbot, loadConfig(env), [{ name: 'endpoints', notify: [] }], { notifier: new Notifier(pinbot.store.once, silentLogger), clock: systemClock, logger: silentLogger });
    expect((await idleAlertsOf(sandbox, { DATABASE_URL: databaseUrl })?.checkAll())?.map((found) => found.entry)).toEqual(['llama-chat']);
    await sandbox.close();

    const sim = await startAcmeEndpoints(10);
    cleanups.push(() => sim.close());
    const file = join(testTempDir('pinbot-sandbox-usage-'), 'pinbot.yml');
    writeFileSync(file, 'scopes:\n  - name: endpoints\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 2\n');
    const env = { PINBOT_CONFIG: file, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url, DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' };
    const real = await build(env);
    expect(real.sandbox).toBe(false);
    expect(await real.store.usage.hours('endpoints', 0, Date.now() + 1)).toEqual([]);
    expect(await real.store.usage.baseline('endpoints', 'llama-chat')).toBeUndefined();
    const report = await real.service.execute(parseCommand('usage 7d', ENDPOINT_COMMAND_WORDS), endpointsContext);
    if (report.kind !== 'usage' || report.report.kind !== 'report') throw new Error(`expected a usage report, got ${report.kind}`);
    expect(report.report.simulated).toBeUndefined();
    expect(report.report.entries.map((entry) => [entry.entry, entry.requests, entry.hours.some((hour) => hour.sampled)])).toEqual([
      // The warm one costs, so it is listed first; the others by name.
      ['llama-chat', 0, false], ['embedder', 0, false], ['sentiment', 0, false],
    ]);
    expect(await idleAlertsOf(real, env)?.checkAll()).toEqual([]);
    // No made-up requests reach a real namespace's counters.
    expect(sim.replicas(TOKEN, 'embedder')).toEqual([]);
  });

  it('keeps the sandbox in a file of its own beside the configured one, which it still finds in the next run', async () => {
    const dir = testTempDir('pinbot-sandbox-file-');
    const databaseUrl = join(dir, 'pinbot.sqlite');
    const first = await build({ DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' });
    const proposed = await first.service.execute(parseCommand('add bigscience/bloom gpu', PINNED_COMMAND_WORDS), context);
    if (proposed.kind !== 'proposal') throw new Error('expected a proposal');
    await first.service.approve(proposed.proposal.id, context.principal);
    await first.close();
    expect(existsSync(join(dir, 'pinbot.sandbox.sqlite'))).toBe(true);

    // The configured store holds none of it.
    const realStore = await openStore(databaseUrl);
    cleanups.push(() => realStore.close());
    expect(await realStore.audit.recent('default', 10)).toEqual([]);

    const again = await build({ DATABASE_URL: databaseUrl, HF_HUB_URL: 'off' });
    const list = await again.service.execute(parseCommand('list', PINNED_COMMAND_WORDS), context);
    expect(list).toMatchObject({ kind: 'list' });
    expect(list.kind === 'list' && list.list.pins.map((pin) => pin.modelId)).toContain('bigscience/bloom');
    expect(await again.service.execute(parseCommand('history', PINNED_COMMAND_WORDS), context)).toMatchObject({ kind: 'history', changes: [expect.anything()] });
  });

  it('as processes: after `add … --yes` in the sandbox, `history` with HF_TOKEN set shows no change', async () => {
    const sim = await realAccount();
    const databaseUrl = join(testTempDir('pinbot-sandbox-run-'), 'pinbot.sqlite');
    const run = (args: string[], env: Record<string, string>): RunningPinbot => {
      const pinbot = spawnPinbot(args, { DATABASE_URL: databaseUrl, ...env });
      cleanups.push(async () => {
        if (pinbot.process.exitCode === null) pinbot.process.kill();
        await pinbot.exited();
      });
      return pinbot;
    };
    const add = run(['add', 'bigscience/bloom', 'gpu', '--yes'], {});
    expect(await add.exited(), add.stdout() + add.stderr()).toBe(0);
    expect(add.stderr()).toContain('SANDBOX');
    expect(add.stdout()).toContain('Applied');

    const history = run(['history'], { HF_TOKEN: TOKEN, HF_API_URL: sim.url });
    expect(await history.exited(), history.stderr()).toBe(0);
    expect(history.stdout()).toContain('No changes have been applied through pinbot yet.');
    expect(history.stdout() + history.stderr()).not.toContain('SANDBOX');
  }, 30_000);
});
