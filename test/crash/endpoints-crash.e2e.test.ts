import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { startAcmeEndpoints } from '../helpers/acme-endpoints.ts';
import { TOKEN } from '../helpers/hf-harness.ts';
import { RESTART_STORES } from '../helpers/restart-cases.ts';
import { startSlackApiServer } from '../helpers/slack-api-server.ts';
import { CHANNEL, cardUpdates, startSlackProcess, threadReplies } from '../helpers/slack-process.ts';
import { testTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

// kill -9 between the two PUTs of an Inference Endpoints approval, restarted on the same store.
describe.each(RESTART_STORES)('an endpoints approval killed after the first of two PUTs, restarted on the same $kind store', ({ open }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
  });

  it('is settled as partly applied: the store, the audit log and the card name the endpoint that changed', async () => {
    const sim = await startAcmeEndpoints(20);
    cleanups.push(() => sim.close());
    const slack = await startSlackApiServer();
    cleanups.push(() => slack.close());
    const store = open(cleanups);
    const configFile = join(testTempDir('pinbot-endpoints-crash-'), 'pinbot.yml');
    writeFileSync(configFile, `scopes:\n  - name: default\n    token_env: HF_TOKEN_ENDPOINTS\n    backend: endpoints\n    namespace: acme\n    max_warm: 3\n    slack_channels: [${CHANNEL}]\n`);
    const env = { PINBOT_CONFIG: configFile, HF_TOKEN_ENDPOINTS: TOKEN, HF_ENDPOINTS_API_URL: sim.url };

    const first = await startSlackProcess(sim, slack, store.url, cleanups, env);
    const card = await first.propose('add embedder sentiment');
    const held = sim.holdNextPut('sentiment');
    await first.approve(card);
    await held.arrived;
    await first.kill();
    // The PUT the dead process was waiting on is dropped unapplied.
    held.release();
    store.lapseDeadLocks();

    const second = await startSlackProcess(sim, slack, store.url, cleanups, env);
    await waitFor(() => cardUpdates(slack, card.ts).some((u) => (u.params['blocks'] ?? '').includes('Partly applied')), 15_000, 'the card to say partly applied');
    expect(await second.stop()).toBe(0);

    const scalingOf = (name: string) => (sim.endpoint(TOKEN, name) as { compute: { scaling: { minReplica: number } } }).compute.scaling.minReplica;
    expect([scalingOf('embedder'), scalingOf('sentiment')]).toEqual([1, 0]);
    const shown = cardUpdates(slack, card.ts).at(-1)?.params['blocks'] ?? '';
    expect(shown).toContain('Changed: `embedder` cold → warm (1 replica).');
    expect(shown).toContain('Not changed: `sentiment` still cold (was to go warm, 1 replica).');
    expect(shown).toContain('It stopped because pinbot stopped during the apply.');
    expect(shown).toContain('pinbot_restore');
    expect(threadReplies(slack, card.ts)).toHaveLength(1);

    const db = await openStore(store.url);
    try {
      const proposal = await db.proposals.get(card.proposalId);
      expect(proposal?.state).toBe('failed');
      expect(proposal?.outcome).toMatchObject({ kind: 'failed', code: 'PARTIAL_WRITE', partial: { changed: [{ modelId: 'embedder' }], unchanged: [{ modelId: 'sentiment' }] } });
      const changes = await db.audit.recent('default', 10);
      expect(changes.map((c) => [c.before.map((p) => p.modelId), c.after.map((p) => p.modelId)])).toEqual([[['llama-chat'], ['llama-chat', 'embedder']]]);
    } finally {
      await db.close();
    }
  }, 60_000);
});
