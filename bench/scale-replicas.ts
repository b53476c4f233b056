// Approvals through 2 replicas on one PostgreSQL: each change is proposed on one replica and
// approved on both at once (two people clicking), on 1 scope and on 20 scopes in parallel. Every
// change must be written exactly once and none lost: the simulator's final lists are checked.
import { performance } from 'node:perf_hooks';
import type { ChangeCommand } from '../src/core/domain/command.ts';
import { parseCommand } from '../src/core/domain/grammar.ts';
import { silentLogger } from '../src/core/ports.ts';
import { loadConfig } from '../src/config.ts';
import { startSimulator } from '../src/backends/classic/simulator.ts';
import { buildPinbot, type Pinbot } from '../src/pinbot.ts';
import { dropSchema, freshSchemaName, urlWithSchema } from '../test/store/postgres-test-db.ts';
import { manyScopes } from './pinbot-under-test.ts';
import type { PartResult } from './results.ts';
import { PINNED_COMMAND_WORDS } from '../src/backends/classic/words.ts';

const SCOPE_COUNTS = [1, 20];
const CHANGES_PER_SCOPE = 15;
/** What Hugging Face lets one token write, per second: its busiest documented allowance, 20,000 requests a day (notes/hf-api.md). */
export const HF_WRITES_PER_SECOND = 20_000 / 86_400;

async function approvalsThrough(scopeCount: number): Promise<{ perSecond: number; lostOrDoubled: number }> {
  const scopes = manyScopes(scopeCount, 100);
  // Every `bench/…` id is a model on the simulator's Hub, which pinbot checks each new one against.
  const simulator = await startSimulator({ loadDelayMs: 0, accounts: scopes.accounts, hubOpenNamespaces: ['bench'] });
  const schema = freshSchemaName();
  const env = { ...scopes.env, HF_API_URL: simulator.url, HF_HUB_URL: simulator.url, DATABASE_URL: urlWithSchema(schema) };
  const replicas: Pinbot[] = [];
  try {
    for (let i = 0; i < 2; i++) replicas.push(await buildPinbot(loadConfig(env), { env, logger: silentLogger }));
    const [a, b] = replicas as [Pinbot, Pinbot];
    let doubled = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: scopeCount }, async (_, i) => {
      for (let n = 0; n < CHANGES_PER_SCOPE; n++) {
        const [proposer, other] = n % 2 === 0 ? [a, b] : [b, a];
        const proposal = await proposer.service.propose(parseCommand(`add bench/m-${n}`, PINNED_COMMAND_WORDS) as ChangeCommand, {
          scope: `scope-${i}`, principal: { platform: 'slack', userId: 'U0ALICE' }, channel: { platform: 'slack', channelId: 'C0BENCH' },
        });
        const clicks = await Promise.allSettled([
          proposer.service.approve(proposal.id, { platform: 'slack', userId: 'U0ALICE' }),
          other.service.approve(proposal.id, { platform: 'slack', userId: 'U0BOB' }),
        ]);
        if (clicks.filter((click) => click.status === 'fulfilled').length !== 1) doubled++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    const changes = scopeCount * CHANGES_PER_SCOPE;
    const written = Array.from({ length: scopeCount }, (_, i) => simulator.pins(scopes.token(i)).filter((pin) => pin.model_id.startsWith('bench/m-')).length);
    const writes = simulator.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST').length;
    return { perSecond: changes / seconds, lostOrDoubled: changes - written.reduce((sum, one) => sum + one, 0) + doubled + Math.max(0, writes - changes) };
  } finally {
    for (const replica of replicas) await replica.close();
    await simulator.close();
    await dropSchema(schema);
    scopes.cleanUp();
  }
}

export async function benchReplicaScaling(log: (line: string) => void): Promise<PartResult> {
  const outcomes = [];
  for (const count of SCOPE_COUNTS) {
    outcomes.push(await approvalsThrough(count));
    log(`  2 replicas, ${count} scopes: ${count * CHANGES_PER_SCOPE} approvals`);
  }
  const common = { sizeName: 'scopes', sizes: SCOPE_COUNTS };
  return {
    figures: [{
      ...common, measure: 'approvals per second through 2 replicas (PostgreSQL)', unit: 'approvals/s', values: outcomes.map((one) => one.perSecond),
      goal: { text: `≥ ${HF_WRITES_PER_SECOND.toFixed(2)}/s per scope (HF: 20,000 requests/day per token)`, min: HF_WRITES_PER_SECOND, at: 'first' },
    }, { ...common, measure: 'lost or doubled updates', unit: 'changes', values: outcomes.map((one) => one.lostOrDoubled), goal: { text: '0', exactly: 0 } }],
  };
}
