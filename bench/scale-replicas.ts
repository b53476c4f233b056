// Approvals through 2 replicas on one PostgreSQL: each change is proposed on one replica and
// approved on both at once (two people clicking), on 1 scope and on 20 scopes in parallel. Every
// change must be written exactly once and none lost: the simulator's final lists are checked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChangeCommand } from '../src/core/command.ts';
import { parseCommand } from '../src/core/grammar.ts';
import { silentLogger } from '../src/core/ports.ts';
import { loadConfig } from '../src/config.ts';
import { startSimulator, type SimulatorAccount } from '../src/hf/simulator.ts';
import { buildPinbot, type Pinbot } from '../src/pinbot.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from '../test/store/postgres-test-db.ts';
import { series, type Series } from './scaling.ts';

const SCOPE_COUNTS = [1, 20];
const CHANGES_PER_SCOPE = 15;
/**
 * What Hugging Face lets one token write, per second: its busiest documented allowance,
 * 20,000 requests a day for PRO and Enterprise accounts (notes/hf-api.md, rate limits).
 */
export const HF_WRITES_PER_SECOND = 20_000 / 86_400;

interface Outcome {
  readonly perSecond: number;
  readonly lost: number;
  readonly doubleWrites: number;
}

async function approvalsThrough(scopeCount: number): Promise<Outcome> {
  const token = (i: number) => `hf_BenchReplica${String(i).padStart(4, '0')}NotSecret00000000`;
  const accounts: Record<string, SimulatorAccount> = {};
  const env: Record<string, string> = {};
  const yaml = ['scopes:'];
  for (let i = 0; i < scopeCount; i++) {
    accounts[token(i)] = { allowed: 100, pins: [{ model_id: 'gpt2', compute_type: 'cpu' }] };
    env[`HF_TOKEN_R${i}`] = token(i);
    yaml.push(`  - name: scope-${i}`, `    token_env: HF_TOKEN_R${i}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pinbot-bench-replicas-'));
  writeFileSync(join(dir, 'pinbot.yaml'), `${yaml.join('\n')}\n`);
  const simulator = await startSimulator({ loadDelayMs: 0, accounts });
  const schema = freshSchemaName();
  const fullEnv = { ...env, PINBOT_CONFIG: join(dir, 'pinbot.yaml'), HF_API_URL: simulator.url, DATABASE_URL: urlWithSchema(schema) };
  const replicas: Pinbot[] = [];
  try {
    for (let i = 0; i < 2; i++) replicas.push(await buildPinbot(loadConfig(fullEnv), { env: fullEnv, logger: silentLogger }));
    const [a, b] = replicas as [Pinbot, Pinbot];
    let doubleWrites = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: scopeCount }, async (_, i) => {
      const scope = `scope-${i}`;
      for (let n = 0; n < CHANGES_PER_SCOPE; n++) {
        const [proposer, other] = n % 2 === 0 ? [a, b] : [b, a];
        const channel = { platform: 'slack' as const, channelId: 'C0BENCH' };
        const proposal = await proposer.service.propose(parseCommand(`add bench/m-${n}`) as ChangeCommand, {
          scope, principal: { platform: 'slack', userId: 'U0ALICE' }, channel,
        });
        const clicks = await Promise.allSettled([
          proposer.service.approve(proposal.id, { platform: 'slack', userId: 'U0ALICE' }),
          other.service.approve(proposal.id, { platform: 'slack', userId: 'U0BOB' }),
        ]);
        if (clicks.filter((click) => click.status === 'fulfilled').length !== 1) doubleWrites++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    let lost = 0;
    for (let i = 0; i < scopeCount; i++) {
      const live = new Set(simulator.pins(token(i)).map((pin) => pin.model_id));
      for (let n = 0; n < CHANGES_PER_SCOPE; n++) if (!live.has(`bench/m-${n}`)) lost++;
    }
    const writes = simulator.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST').length;
    return { perSecond: (scopeCount * CHANGES_PER_SCOPE) / seconds, lost, doubleWrites: doubleWrites + Math.max(0, writes - scopeCount * CHANGES_PER_SCOPE) };
  } finally {
    for (const replica of replicas) await replica.close();
    await simulator.close();
    await dropSchema(schema);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchReplicaScaling(log: (line: string) => void): Promise<Series[]> {
  const outcomes: Outcome[] = [];
  for (const count of SCOPE_COUNTS) {
    outcomes.push(await approvalsThrough(count));
    log(`  2 replicas, ${count} scopes: ${count * CHANGES_PER_SCOPE} approvals`);
  }
  const common = { sizeName: 'scopes', sizes: SCOPE_COUNTS };
  const perSecond = outcomes.map((one) => one.perSecond);
  const lost = outcomes.map((one) => one.lost + one.doubleWrites);
  return [
    series({
      ...common, measure: 'approvals per second through 2 replicas (PostgreSQL)', unit: 'approvals/s', values: perSecond,
      goal: `≥ ${HF_WRITES_PER_SECOND.toFixed(2)}/s per scope (HF: 20,000 requests/day per token)`, met: (perSecond[0] ?? 0) >= HF_WRITES_PER_SECOND,
    }),
    series({ ...common, measure: 'lost or doubled updates', unit: 'changes', values: lost, goal: '0', met: lost.every((value) => value === 0) }),
  ];
}
