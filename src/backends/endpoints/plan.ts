import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChangeCommand } from '../../core/domain/command.ts';
import { PinbotError } from '../../core/domain/errors.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { diffLists, type Plan } from '../../core/domain/plan.ts';
import type { DiffLine, Proposal } from '../../core/domain/proposal.ts';
import type { EndpointInfo, NamespaceState } from './api.ts';
import { costCapRefusal } from './cost-cap.ts';
import { warmCostOf, type WarmCost, type WarmReplicas, type WarmSetting } from './cost.ts';
import './errors.ts';

/**
 * Inference Endpoints seen through the pinning workflow: a scope's entries are its warm endpoints
 * (`minReplica >= 1`), one per endpoint named after it, its minimum replicas typed in the entry's
 * `wire` (`{ minReplica }`) and shown as its setting ("1 replica"). `max_warm` caps the number of
 * warm endpoints, not replicas: a team reasons about which models answer at once, and each
 * endpoint's own `maxReplica` already bounds its replicas.
 */

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
  /** USD per replica-hour from the hardware catalogue when proposed, when known; not part of the stale check. */
  readonly price?: number;
}

/** A warm endpoint as a proposal saw it, for the card's cost. */
export interface SeenWarm {
  readonly min: number;
  readonly max: number;
  /** USD per replica-hour when proposed; absent when unknown. */
  readonly price?: number;
}

/** What an endpoints proposal keeps (`Proposal.seen`) of the namespace it was made on. */
export interface SeenState {
  readonly seen: Record<string, SeenScaling>;
  /**
   * Every endpoint warm when proposed, with its replicas and price: the card's cost before → after
   * is drawn from it and `seen`. Absent on proposals stored before prices were read: no cost shown.
   */
  readonly warm?: Record<string, SeenWarm>;
  /** Stored by earlier versions (a floor cost read from an assumed field); read and ignored. */
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
  warm: z.record(z.string(), z.object({ min: count, max: count, price: z.number().nonnegative().optional() })).optional(),
  warmCost: z.number().nonnegative().optional(),
});

/** What `NO_CHANGE` says on an endpoints scope. */
export const NO_CHANGE = 'Nothing to change: the warm endpoints already look like that.';

export function replicasLabel(minReplica: number): string {
  return `${minReplica} ${minReplica === 1 ? 'replica' : 'replicas'}`;
}

/** A warm endpoint as an entry: its name, its minimum replicas typed, and shown. */
export function warmEntry(name: string, minReplica: number): Pin {
  return { modelId: name, computeType: replicasLabel(minReplica), wire: { minReplica } };
}

const entrySettingsSchema = z.object({ minReplica: count });

/**
 * The minimum replicas an entry keeps warm, from its typed settings. An entry without them (not
 * made by this backend) is refused with a sentence rather than guessed at.
 */
export function replicasOf(pin: Pin): number {
  const parsed = entrySettingsSchema.safeParse(pin.wire);
  if (!parsed.success) {
    throw new PinbotError('PROPOSAL_UNREADABLE', `pinbot cannot read how many replicas ${pin.modelId} is to keep warm from what was stored, so nothing was proposed.`, {});
  }
  return parsed.data.minReplica;
}

export function warmPins(endpoints: readonly EndpointInfo[]): Pin[] {
  return endpoints.filter((endpoint) => endpoint.minReplica >= 1).map((endpoint) => warmEntry(endpoint.name, endpoint.minReplica));
}

/** A version of a warm set: equal exactly when the same endpoints keep the same minimum replicas. */
export function warmVersion(pins: readonly Pin[]): string {
  const entries = pins.map((pin) => `${pin.modelId}\u0000${pin.computeType}`).sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex').slice(0, 16);
}

/** What the proposal saw of each endpoint, validated; undefined when what was stored cannot be read as that. */
export function seenState(proposal: Pick<Proposal, 'seen'>): SeenState | undefined {
  const parsed = seenStateSchema.safeParse(proposal.seen);
  return parsed.success ? parsed.data : undefined;
}

/** The scaling the proposal saw of each endpoint it touches, or undefined when that cannot be read back. */
export function seenScalings(proposal: Pick<Proposal, 'seen'>): Record<string, SeenScaling> | undefined {
  return seenState(proposal)?.seen;
}

/** The sentence of a proposal whose stored view of the endpoints cannot be read back: nothing is written on it. */
export const UNREADABLE_PROPOSAL = 'pinbot cannot read back what this proposal saw of the endpoints (it was stored damaged, or by another version), '
  + 'so it cannot check they are unchanged. Nothing was written; propose the change again.';

/**
 * The warm cost per hour before and after the change (floor and ceiling, or which prices are
 * unknown), from what the proposal stored when it was made; undefined when it stored no prices
 * (made before they were read) or cannot be read back.
 */
export function warmCostChange(proposal: Pick<Proposal, 'seen' | 'diff' | 'proposed'>): { before: WarmCost; after: WarmCost } | undefined {
  const state = seenState(proposal);
  const steps = readableSteps(proposal);
  if (state?.warm === undefined || steps === undefined) return undefined;
  const { seen, warm } = state;
  const before = new Map<string, WarmReplicas>(Object.entries(warm).map(([name, was]) => [name, { name, ...was }]));
  const after = new Map(before);
  for (const step of steps) {
    const was = seen[step.name] ?? warm[step.name];
    if (step.minReplica === 0) after.delete(step.name);
    else after.set(step.name, { name: step.name, min: step.minReplica, max: was?.max ?? step.minReplica, ...(was?.price !== undefined ? { price: was.price } : {}) });
  }
  return { before: warmCostOf([...before.values()]), after: warmCostOf([...after.values()]) };
}

/** A warm set's entries as names and minimum replicas. */
export function warmSettings(pins: readonly Pin[]): WarmSetting[] {
  return pins.map((pin) => ({ name: pin.modelId, minReplica: replicasOf(pin) }));
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

/**
 * The warm set a change proposes, with the scaling of every endpoint it touches recorded in the
 * plan's version for the check at approval. Names may be endpoint names or, when only one
 * endpoint serves it, a model repository.
 */
export function planWarmEndpoints(
  command: ChangeCommand, live: NamespaceState, revertTo?: readonly Pin[], rememberedTimeouts: Readonly<Record<string, number>> = {},
): Plan {
  const { endpoints } = live;
  const base = live.pins;
  const proposed = proposedWarm(command, base, endpoints, revertTo);
  const diff = diffLists(base, proposed);
  if (diff.length === 0) {
    throw new PinbotError('NO_CHANGE', `That change would leave the warm endpoints as they are (${describeWarm(base)}), so there is nothing to approve.`, {
      current: [...base], said: { noChange: NO_CHANGE, label: 'Warm now: ', nothing: 'none' },
    });
  }
  if (proposed.length > live.allowed && proposed.length > base.length) {
    throw new PinbotError(
      'MAX_WARM_EXCEEDED',
      `Can't keep ${proposed.length} endpoints warm: this scope's max_warm is ${live.allowed}. Nothing was proposed. Warm now: ${describeWarm(base)}; let one go cold in the same change with \`set\`.`,
      { allowed: live.allowed, requested: proposed.length, current: [...base] },
    );
  }
  const overCost = costCapRefusal({
    cap: live.maxCostPerHour, endpoints, catalogueUnread: live.catalogueUnread, before: warmSettings(base), after: warmSettings(proposed),
  }, 'propose');
  if (overCost) throw overCost;
  const seen: Record<string, SeenScaling> = {};
  for (const line of diff) {
    const endpoint = endpoints.find((candidate) => candidate.name === line.modelId);
    if (!endpoint) continue;
    const coldTimeout = endpoint.scaleToZeroTimeout ?? rememberedTimeouts[endpoint.name];
    seen[endpoint.name] = { ...scalingOf(endpoint), ...(coldTimeout !== undefined ? { coldTimeout } : {}) };
  }
  const warm: Record<string, SeenWarm> = {};
  for (const endpoint of endpoints.filter((candidate) => candidate.minReplica >= 1)) {
    warm[endpoint.name] = { min: endpoint.minReplica, max: endpoint.maxReplica, ...(endpoint.pricePerHour !== undefined ? { price: endpoint.pricePerHour } : {}) };
  }
  const state: SeenState = { seen, warm };
  return { base, baseVersion: warmVersion(base), proposed, diff, allowed: live.allowed, seen: state };
}

function proposedWarm(command: ChangeCommand, base: readonly Pin[], endpoints: readonly EndpointInfo[], revertTo?: readonly Pin[]): Pin[] {
  switch (command.verb) {
    case 'add': {
      const result = [...base];
      for (const requested of command.pins) {
        const endpoint = resolve(requested.modelId, endpoints);
        const replicas = checkedReplicas(endpoint, command.scale);
        const index = result.findIndex((pin) => pin.modelId === endpoint.name);
        // Already warm and no count asked for: it stays as it is.
        if (index !== -1 && command.scale === undefined) continue;
        const pin = warmEntry(endpoint.name, replicas);
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
        if (current && command.scale === undefined) return [current];
        return [warmEntry(endpoint.name, checkedReplicas(endpoint, command.scale))];
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
      return revertTo.map((pin) => warmEntry(pin.modelId, checkedReplicas(resolve(pin.modelId, endpoints), replicasOf(pin))));
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
export function coldTimeoutsSeen(proposal: Pick<Proposal, 'seen'>): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, scaling] of Object.entries(seenScalings(proposal) ?? {})) {
    const timeout = scaling.timeout ?? scaling.coldTimeout;
    if (timeout !== undefined && timeout !== null) found[name] = timeout;
  }
  return found;
}

/** Whether a plan lets go cold an endpoint that has no timeout of its own to keep. */
export function needsColdTimeout(plan: Pick<Plan, 'diff'>, live: NamespaceState): boolean {
  return plan.diff.some((line) => line.kind === 'removed'
    && live.endpoints.find((endpoint) => endpoint.name === line.modelId)?.scaleToZeroTimeout === undefined);
}

/** One PUT of a plan: the endpoint and the minimum replicas it gets. */
export interface ScalingStep {
  readonly name: string;
  readonly minReplica: number;
}

/** The writes a proposal makes, in its diff's order (those going cold first), each with the typed replicas of its proposed entry. */
export function plannedSteps(proposal: Pick<Proposal, 'diff' | 'proposed'>): ScalingStep[] {
  return proposal.diff.map((line) => {
    const entry = line.kind === 'removed' ? undefined : proposal.proposed.find((pin) => pin.modelId === line.modelId);
    return { name: line.modelId, minReplica: entry === undefined ? 0 : replicasOf(entry) };
  });
}

/** The planned writes, or undefined when a proposed entry's settings cannot be read back. */
export function readableSteps(proposal: Pick<Proposal, 'diff' | 'proposed'>): ScalingStep[] | undefined {
  try {
    return plannedSteps(proposal);
  } catch {
    return undefined;
  }
}

/** The warm set `pins` becomes once `steps` are written, in its order, new ones last. */
export function withWrites(pins: readonly Pin[], steps: readonly ScalingStep[]): Pin[] {
  const result = [...pins];
  for (const step of steps) {
    const index = result.findIndex((pin) => pin.modelId === step.name);
    const pin = warmEntry(step.name, step.minReplica);
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
