import type { DiffLine, Proposal } from '../../src/core/domain/proposal.ts';
import { startEndpointsSimulator, type SimulatedEndpoint } from '../../src/backends/endpoints/simulator.ts';
import { TOKEN } from '../helpers/hf-harness.ts';
import type { BackendFixture, BackendWorld, WorldSetup } from './backend-contract.ts';

const NAMESPACE = 'acme';
const NAMES = ['alpha', 'bravo', 'charlie', 'delta'] as const;
/** The scale-to-zero timeout (minutes) a cold endpoint has here. */
const COLD_TIMEOUT = 15;

const warmScaling = { minReplica: 1, scaleToZeroTimeout: null };
const coldScaling = { minReplica: 0, scaleToZeroTimeout: COLD_TIMEOUT };

/** The scaling a plan's line writes: the fixture's cases only warm endpoints with one replica, or let them go cold. */
function scalingWritten(line: DiffLine): typeof warmScaling | typeof coldScaling {
  if (line.kind === 'removed') return coldScaling;
  if (line.kind === 'added' && line.computeType === '1 replica') return warmScaling;
  throw new Error(`the endpoints fixture does not write ${JSON.stringify(line)}`);
}

/**
 * Inference Endpoints: one PUT per changed endpoint, warm = `minReplica >= 1`, the scope's
 * `max_warm` as the cap, on the Endpoints simulator.
 */
export const endpointsFixture: BackendFixture = {
  name: 'endpoints',
  names: NAMES,
  overCapCodes: new Set(['MAX_WARM_EXCEEDED']),
  // One PUT per endpoint: a change of two entries is two writes, and can stop between them.
  writesForTwoEntries: 2,
  // Each PUT writes one endpoint and the stale check compares only the endpoints a proposal touches,
  // so only proposals touching an endpoint the apply changed can no longer apply.
  supersedes: 'touching',
  add: (names) => `add ${names.join(' ')}`,
  remove: (names) => `remove ${names.join(' ')}`,

  async start({ live, cap }: WorldSetup): Promise<BackendWorld> {
    const endpoints: SimulatedEndpoint[] = NAMES.map((name) => (live.includes(name)
      ? { name, repository: `org/${name}-model`, minReplica: 1, maxReplica: 2 }
      : { name, repository: `org/${name}-model`, minReplica: 0, maxReplica: 2, scaleToZeroTimeout: COLD_TIMEOUT }));
    const sim = await startEndpointsSimulator({ warmupMs: 10, accounts: { [TOKEN]: { namespace: NAMESPACE, endpoints } } });
    const minReplica = (name: string) => ((sim.endpoint(TOKEN, name) as { compute: { scaling: { minReplica: number } } }).compute.scaling.minReplica);
    const liveNames = () => NAMES.filter((name) => minReplica(name) >= 1);
    const writeRequests = () => sim.requestLog.filter((entry) => entry.source === 'client' && entry.method === 'PUT');
    return {
      scopeYaml: `    backend: endpoints\n    namespace: ${NAMESPACE}\n    max_warm: ${cap}\n`,
      env: { HF_ENDPOINTS_API_URL: sim.url },
      live: liveNames,
      writes: () => writeRequests().filter((entry) => entry.status === 200).length,
      writeRequests: () => writeRequests().length,
      outsideChange(name) {
        sim.setScaling(TOKEN, name, minReplica(name) >= 1 ? coldScaling : warmScaling);
      },
      failWriteMidway(proposal: Proposal) {
        const second = proposal.diff[1];
        if (second === undefined) throw new Error('a write can stop midway only in a change of two endpoints or more');
        sim.failPutOf(second.modelId, 400);
      },
      landWrites(proposal: Proposal, count: number) {
        // What the stopped process's first `count` PUTs left, in the plan's order.
        for (const line of proposal.diff.slice(0, count)) sim.setScaling(TOKEN, line.modelId, scalingWritten(line));
      },
      close: () => sim.close(),
    };
  },
};
