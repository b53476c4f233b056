import { z } from 'zod';
import type { ChangeCommand, Command } from '../../core/command.ts';
import { PinbotError } from '../../core/errors.ts';
import type { Pin } from '../../core/pin.ts';
import { diffLists, type Plan } from '../../core/plan.ts';
import type { EndpointInfo, PinnedList } from '../../core/ports.ts';
import type { DiffLine, Proposal } from '../../core/proposal.ts';

/**
 * Inference Endpoints seen through the pinning workflow: a scope's "pinned list" is its warm
 * endpoints (`minReplica >= 1`), one entry per endpoint named after it, with its minimum replicas
 * as its setting ("1 replica"). `max_warm` caps the number of warm endpoints, not replicas: a
 * team reasons about which models answer at once, and each endpoint's own `maxReplica` already
 * bounds its replicas. The plan, diff and cap machinery of the classic list then applies as is.
 */

/** A proposal made on endpoints carries this prefix in its `baseVersion`, then what it saw. */
const VERSION_PREFIX = 'endpoints:';

/** The scaling of one endpoint and when it last changed, as a proposal saw it. */
export interface SeenScaling {
  readonly min: number;
  readonly max: number;
  readonly timeout: number | null;
  /** Shown on a stale card; not part of the stale check (see `sameScaling`). */
  readonly updatedAt: string;
  /**
   * The scale-to-zero timeout to give it back when it goes cold: its own when it has one, else
   * the one it had before pinbot made it warm (warm endpoints have none), when known.
   */
  readonly coldTimeout?: number;
  /** Hourly price of one replica, when the API gives it; not part of the stale check. */
  readonly price?: number;
}

/** What an endpoints proposal's `baseVersion` holds after its prefix. */
interface SeenState {
  readonly seen: Record<string, SeenScaling>;
  /** Hourly cost of the warm replicas when proposed, when every warm endpoint has a price. */
  readonly warmCost?: number;
}

const count = z.number().int().nonnegative();
const minutes = z.number().nonnegative();
/** Checked when a proposal is read back: the stale check and the writes rest on it. */
const seenStateSchema = z.object({
  seen: z.record(z.string(), z.object({
    min: count,
    max: count,
    timeout: minutes.nullable(),
    updatedAt: z.string(),
    coldTimeout: minutes.optional(),
    price: z.number().nonnegative().optional(),
  })),
  warmCost: z.number().nonnegative().optional(),
});

export function replicasLabel(minReplica: number): string {
  return `${minReplica} ${minReplica === 1 ? 'replica' : 'replicas'}`;
}

/** The minimum replicas an entry's label stands for; 0 for anything else. */
export function labelReplicas(label: string): number {
  const match = /^(\d+) replicas?$/.exec(label);
  return match ? Number(match[1]) : 0;
}

export function warmPins(endpoints: readonly EndpointInfo[]): Pin[] {
  return endpoints.filter((endpoint) => endpoint.minReplica >= 1).map((endpoint) => ({ modelId: endpoint.name, computeType: replicasLabel(endpoint.minReplica) }));
}

export function isEndpointsProposal(proposal: Pick<Proposal, 'baseVersion'>): boolean {
  return proposal.baseVersion.startsWith(VERSION_PREFIX);
}

/** What the proposal saw of each endpoint, validated; undefined when what was stored cannot be read as that. */
function seenState(proposal: Pick<Proposal, 'baseVersion'>): SeenState | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(proposal.baseVersion.slice(VERSION_PREFIX.length));
  } catch {
    return undefined;
  }
  const parsed = seenStateSchema.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/** The scaling the proposal saw of each endpoint it touches, or undefined when that cannot be read back. */
export function seenScalings(proposal: Pick<Proposal, 'baseVersion'>): Record<string, SeenScaling> | undefined {
  return seenState(proposal)?.seen;
}

/** The sentence of a proposal whose stored view of the endpoints cannot be read back: nothing is written on it. */
export const UNREADABLE_PROPOSAL = 'pinbot cannot read back what this proposal saw of the endpoints (it was stored damaged, or by another version), '
  + 'so it cannot check they are unchanged. Nothing was written; propose the change again.';

/**
 * The warm cost per hour before and after the change, when the API priced every warm endpoint
 * and every endpoint the change touches; undefined otherwise, so no card shows a guess.
 */
export function warmCostChange(proposal: Pick<Proposal, 'baseVersion' | 'diff'>): { before: number; after: number } | undefined {
  const state = seenState(proposal);
  if (state === undefined) return undefined;
  const { seen, warmCost } = state;
  if (warmCost === undefined) return undefined;
  let after = warmCost;
  for (const line of proposal.diff) {
    const was = seen[line.modelId];
    if (was?.price === undefined) return undefined;
    const min = line.kind === 'removed' ? 0 : labelReplicas(line.kind === 'added' ? line.computeType : line.to);
    after += was.price * (min - was.min);
  }
  return { before: warmCost, after };
}

export function scalingOf(endpoint: EndpointInfo): SeenScaling {
  return {
    min: endpoint.minReplica, max: endpoint.maxReplica, timeout: endpoint.scaleToZeroTimeout ?? null, updatedAt: endpoint.updatedAt,
    ...(endpoint.pricePerHour !== undefined ? { price: endpoint.pricePerHour } : {}),
  };
}

/** `min 1, max 2, scale to zero after 15 min` */
export function describeScaling(scaling: SeenScaling): string {
  const timeout = scaling.timeout === null ? 'no scale-to-zero timeout' : `scale to zero after ${scaling.timeout} min`;
  return `min ${scaling.min}, max ${scaling.max}, ${timeout}`;
}

/** Options that only mean something on one backend, refused on the other with one sentence. */
export function refuseForeignOptions(command: Command | ChangeCommand, endpoints: boolean): void {
  if (!endpoints && (command.verb === 'add' || command.verb === 'set') && command.replicas !== undefined) {
    throw new PinbotError('INVALID_COMMAND', '`replicas=` applies to Inference Endpoints scopes only; this scope manages pinned models.', { input: `replicas=${command.replicas}` });
  }
  if (endpoints && command.verb === 'compute') {
    throw new PinbotError('INVALID_COMMAND', 'On an Inference Endpoints scope the instance is the endpoint\'s own; change how many replicas stay warm with `add <endpoint> replicas=N`.', { input: 'compute' });
  }
}

/**
 * The warm set a change proposes, with the scaling of every endpoint it touches recorded in the
 * plan's version for the check at approval. Names may be endpoint names or, when only one
 * endpoint serves it, a model repository.
 */
export function planWarmEndpoints(
  command: ChangeCommand, live: PinnedList, revertTo?: readonly Pin[], rememberedTimeouts: Readonly<Record<string, number>> = {},
): Plan {
  const endpoints = live.endpoints ?? [];
  const base = live.pins;
  const proposed = proposedWarm(command, base, endpoints, revertTo);
  const diff = diffLists(base, proposed);
  if (diff.length === 0) {
    throw new PinbotError('NO_CHANGE', `That change would leave the warm endpoints as they are (${describeWarm(base)}), so there is nothing to approve.`, { current: [...base], endpoints: true });
  }
  if (proposed.length > live.allowed && proposed.length > base.length) {
    throw new PinbotError(
      'MAX_WARM_EXCEEDED',
      `Can't keep ${proposed.length} endpoints warm: this scope's max_warm is ${live.allowed}. Nothing was proposed. Warm now: ${describeWarm(base)}; let one go cold in the same change with \`set\`.`,
      { allowed: live.allowed, requested: proposed.length, current: [...base] },
    );
  }
  const seen: Record<string, SeenScaling> = {};
  for (const line of diff) {
    const endpoint = endpoints.find((candidate) => candidate.name === line.modelId);
    if (!endpoint) continue;
    const coldTimeout = endpoint.scaleToZeroTimeout ?? rememberedTimeouts[endpoint.name];
    seen[endpoint.name] = { ...scalingOf(endpoint), ...(coldTimeout !== undefined ? { coldTimeout } : {}) };
  }
  const warm = endpoints.filter((endpoint) => endpoint.minReplica >= 1);
  const priced = warm.every((endpoint) => endpoint.pricePerHour !== undefined);
  const state: SeenState = {
    seen,
    ...(priced ? { warmCost: warm.reduce((sum, endpoint) => sum + (endpoint.pricePerHour ?? 0) * endpoint.minReplica, 0) } : {}),
  };
  return { base, baseVersion: `${VERSION_PREFIX}${JSON.stringify(state)}`, proposed, diff, allowed: live.allowed };
}

function proposedWarm(command: ChangeCommand, base: readonly Pin[], endpoints: readonly EndpointInfo[], revertTo?: readonly Pin[]): Pin[] {
  switch (command.verb) {
    case 'add': {
      const result = [...base];
      for (const requested of command.pins) {
        const endpoint = resolve(requested.modelId, endpoints);
        const replicas = checkedReplicas(endpoint, command.replicas);
        const index = result.findIndex((pin) => pin.modelId === endpoint.name);
        // Already warm and no count asked for: it stays as it is.
        if (index !== -1 && command.replicas === undefined) continue;
        const pin = { modelId: endpoint.name, computeType: replicasLabel(replicas) };
        if (index === -1) result.push(pin);
        else result[index] = pin;
      }
      return result;
    }
    case 'set': {
      const names = new Set<string>();
      return command.pins.flatMap((requested) => {
        const endpoint = resolve(requested.modelId, endpoints);
        if (names.has(endpoint.name)) return [];
        names.add(endpoint.name);
        const current = base.find((pin) => pin.modelId === endpoint.name);
        if (current && command.replicas === undefined) return [current];
        return [{ modelId: endpoint.name, computeType: replicasLabel(checkedReplicas(endpoint, command.replicas)) }];
      });
    }
    case 'remove': {
      const names = command.modelIds.map((id) => resolve(id, endpoints).name);
      const cold = names.filter((name) => !base.some((pin) => pin.modelId === name));
      if (cold.length > 0) {
        throw new PinbotError('NOT_WARM', `${cold.join(', ')} ${cold.length === 1 ? 'is' : 'are'} not warm, so there is nothing to let go cold. Warm now: ${describeWarm(base)}.`, {
          names: cold, current: [...base],
        });
      }
      return base.filter((pin) => !names.includes(pin.modelId));
    }
    case 'clear':
      return [];
    case 'revert':
    case 'restore':
      if (!revertTo) throw new Error(`${command.verb} needs the warm set to restore`);
      for (const pin of revertTo) {
        const endpoint = resolve(pin.modelId, endpoints);
        checkedReplicas(endpoint, labelReplicas(pin.computeType));
      }
      return [...revertTo];
    case 'compute':
      throw new PinbotError('INVALID_COMMAND', 'On an Inference Endpoints scope the instance is the endpoint\'s own; change how many replicas stay warm with `add <endpoint> replicas=N`.', { input: 'compute' });
  }
}

/** An endpoint by its name, else by the one repository it serves. */
function resolve(name: string, endpoints: readonly EndpointInfo[]): EndpointInfo {
  const byName = endpoints.find((endpoint) => endpoint.name === name);
  if (byName) return byName;
  const serving = endpoints.filter((endpoint) => endpoint.repository.toLowerCase() === name.toLowerCase());
  const [only] = serving;
  if (only && serving.length === 1) return only;
  if (serving.length > 1) {
    const names = serving.map((endpoint) => endpoint.name);
    throw new PinbotError('AMBIGUOUS_REPOSITORY', `${name} is served by ${names.length} endpoints (${names.join(', ')}); name the endpoint instead.`, { repository: name, endpoints: names });
  }
  const known = endpoints.map((endpoint) => endpoint.name);
  throw new PinbotError(
    'UNKNOWN_ENDPOINT',
    `There is no endpoint ${name} in this namespace, and no endpoint serves a repository of that name. Endpoints: ${known.length > 0 ? known.join(', ') : 'none'}.`,
    { name, known },
  );
}

function checkedReplicas(endpoint: EndpointInfo, requested: number | undefined): number {
  const replicas = requested ?? 1;
  if (replicas > endpoint.maxReplica) {
    throw new PinbotError(
      'REPLICAS_OUT_OF_RANGE',
      `${endpoint.name} can run at most ${endpoint.maxReplica} ${endpoint.maxReplica === 1 ? 'replica' : 'replicas'} (its maxReplica), so it cannot keep ${replicas} warm; ask for replicas=${endpoint.maxReplica} or fewer.`,
      { name: endpoint.name, requested: replicas, max: endpoint.maxReplica },
    );
  }
  return replicas;
}

function describeWarm(pins: readonly Pin[]): string {
  return pins.length === 0 ? 'none' : pins.map((pin) => `${pin.modelId} (${pin.computeType})`).join(', ');
}

/** What changed under a proposal, one diff line per endpoint, for the stale card. */
export function changedEndpointLine(name: string, seen: SeenScaling, now: SeenScaling | undefined): DiffLine {
  if (now === undefined) return { kind: 'removed', modelId: name, computeType: 'endpoint no longer exists' };
  const before = describeScaling(seen);
  const after = describeScaling(now);
  return { kind: 'compute', modelId: name, from: before, to: before === after ? `${after}, updated ${now.updatedAt}` : after };
}

/**
 * Whether the scaling block a write would overwrite is as it was: `minReplica`, `maxReplica` and
 * `scaleToZeroTimeout` only. Not `updatedAt` (whether it moves when an endpoint merely starts or
 * scales to zero is not documented) and not `state`, so an endpoint that woke up or went to sleep
 * meanwhile does not make a proposal stale.
 */
export function sameScaling(a: SeenScaling, b: SeenScaling): boolean {
  return a.min === b.min && a.max === b.max && a.timeout === b.timeout;
}

/** The cold timeouts a proposal saw or remembered, by endpoint, for proposals made later. */
export function coldTimeoutsSeen(proposal: Pick<Proposal, 'baseVersion'>): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, scaling] of Object.entries(seenScalings(proposal) ?? {})) {
    const timeout = scaling.timeout ?? scaling.coldTimeout;
    if (timeout !== undefined && timeout !== null) found[name] = timeout;
  }
  return found;
}

/** Whether a plan lets go cold an endpoint that has no timeout of its own to keep. */
export function needsColdTimeout(plan: Pick<Plan, 'diff'>, live: PinnedList): boolean {
  return plan.diff.some((line) => line.kind === 'removed'
    && live.endpoints?.find((endpoint) => endpoint.name === line.modelId)?.scaleToZeroTimeout === undefined);
}

/** One PUT of a plan: the endpoint and the minimum replicas it gets. */
export interface ScalingStep {
  readonly name: string;
  readonly minReplica: number;
}

/** The writes a proposal makes, in its diff's order (those going cold first). */
export function plannedSteps(proposal: Pick<Proposal, 'diff'>): ScalingStep[] {
  return proposal.diff.map((line) => ({
    name: line.modelId,
    minReplica: line.kind === 'removed' ? 0 : labelReplicas(line.kind === 'added' ? line.computeType : line.to),
  }));
}

/** The warm set `pins` becomes once `steps` are written, in its order, new ones last. */
export function withWrites(pins: readonly Pin[], steps: readonly ScalingStep[]): Pin[] {
  const result = [...pins];
  for (const step of steps) {
    const index = result.findIndex((pin) => pin.modelId === step.name);
    const pin = { modelId: step.name, computeType: replicasLabel(step.minReplica) };
    if (step.minReplica === 0) {
      if (index !== -1) result.splice(index, 1);
    } else if (index === -1) {
      result.push(pin);
    } else {
      result[index] = pin;
    }
  }
  return result;
}
