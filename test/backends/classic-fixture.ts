import type { Proposal } from '../../src/core/domain/proposal.ts';
import { startSimulator } from '../../src/backends/classic/simulator.ts';
import { TOKEN } from '../helpers/hf-harness.ts';
import type { BackendFixture, BackendWorld, WorldSetup } from './backend-contract.ts';

const NAMES = ['org/alpha', 'org/bravo', 'org/charlie', 'org/delta'] as const;

/**
 * The classic pinned-models list: one full-list POST per change, the plan's
 * `allowed_pinned_models` as the cap, on the classic simulator.
 */
export const classicFixture: BackendFixture = {
  name: 'classic',
  names: NAMES,
  overCapCodes: new Set(['QUOTA_EXCEEDED']),
  // One POST replaces the whole list: a change of two entries is one write, all or nothing.
  writesForTwoEntries: 1,
  // The POST replaces the whole list, so every proposal made on the list it replaced would fail
  // its version check at approval: all of them are settled stale at once.
  supersedes: 'every-pending',
  add: (names) => `add ${names.join(' ')}`,
  remove: (names) => `remove ${names.join(' ')}`,

  async start({ live, cap }: WorldSetup): Promise<BackendWorld> {
    const wire = (names: readonly string[]) => names.map((name) => ({ model_id: name, compute_type: 'cpu' }));
    const sim = await startSimulator({ loadDelayMs: 10, accounts: { [TOKEN]: { allowed: cap, pins: wire(live) } } });
    const liveNames = () => sim.pins(TOKEN).map((pin) => pin.model_id);
    const writeRequests = () => sim.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'POST');
    return {
      scopeYaml: '',
      env: { HF_API_URL: sim.url },
      live: liveNames,
      writes: () => writeRequests().filter((entry) => entry.applied === true).length,
      writeRequests: () => writeRequests().length,
      outsideChange(name) {
        const now = liveNames();
        sim.setPins(TOKEN, wire(now.includes(name) ? now.filter((id) => id !== name) : [...now, name]));
      },
      failWriteMidway() {
        // The only fault the classic simulator offers fails the next API request, which at approval
        // is the re-read of the list: arm it while that re-read is held, so the POST after it fails.
        const reread = sim.holdNext('GET', 'before');
        void reread.arrived.then(() => {
          sim.failNext(1, 400);
          reread.release();
        });
      },
      landWrites(proposal: Proposal, count: number) {
        if (count === 0) return;
        // What the stopped process's one POST left: the proposed list, whole.
        sim.setPins(TOKEN, proposal.proposed.map((pin) => ({ model_id: pin.modelId, compute_type: pin.computeType })));
      },
      close: () => sim.close(),
    };
  },
};
