import { createHash } from 'node:crypto';
import type { ChangeCommand, RequestedPin } from '../../core/domain/command.ts';
import { PinbotError } from '../../core/domain/errors.ts';
import type { Pin } from '../../core/domain/pin.ts';
import { diffLists, type Plan } from '../../core/domain/plan.ts';
import { pinToWire, withComputeType } from './pin-wire.ts';
import { PINNED_WORDS } from './words.ts';

/**
 * A version of a list as read: the hash of its entries, each exactly as the API sent it.
 * Order is ignored, because the API's order carries no meaning and pinbot may reorder.
 */
export function listVersion(pins: readonly Pin[]): string {
  const entries = pins.map((pin) => canonicalJson(pinToWire(pin))).sort();
  return createHash('sha256').update(entries.join('\n')).digest('hex').slice(0, 16);
}

/**
 * Builds the full list a change proposes. Every entry the change does not name is kept as it was
 * read; `revertTo` is the list to restore for `revert`.
 */
export function buildPlan(
  command: ChangeCommand,
  live: { readonly pins: readonly Pin[]; readonly allowed: number },
  revertTo?: readonly Pin[],
): Plan {
  const base = live.pins;
  const proposed = proposedList(command, base, revertTo);
  const diff = diffLists(base, proposed);
  if (diff.length === 0) {
    throw new PinbotError('NO_CHANGE', 'That change would leave the pinned list as it is, so there is nothing to approve.', {
      current: [...base], said: { noChange: PINNED_WORDS.noChange, ...PINNED_WORDS.current },
    });
  }
  if (proposed.length > live.allowed && proposed.length > 0) {
    throw new PinbotError(
      'QUOTA_EXCEEDED',
      `Can't pin ${proposed.length} models: the plan allows ${live.allowed}.`,
      { allowed: live.allowed, requested: proposed.length, current: [...base] },
    );
  }
  return { base, baseVersion: listVersion(base), proposed, diff, allowed: live.allowed };
}

function proposedList(command: ChangeCommand, base: readonly Pin[], revertTo?: readonly Pin[]): Pin[] {
  switch (command.verb) {
    case 'add':
      return addPins(base, command.pins);
    case 'remove':
      return removePins(base, command.modelIds);
    case 'set':
      return command.pins.map((requested) => keepOrCreate(base, requested));
    case 'compute':
      return changeCompute(base, command.modelIds, command.computeType);
    case 'clear':
      return [];
    case 'revert':
    case 'restore':
      if (!revertTo) throw new Error(`${command.verb} needs the list to restore`);
      return [...revertTo];
  }
}

function addPins(base: readonly Pin[], requested: readonly RequestedPin[]): Pin[] {
  const result = [...base];
  for (const wanted of requested) {
    const index = result.findIndex((pin) => pin.modelId === wanted.modelId);
    const existing = index === -1 ? undefined : result[index];
    if (existing === undefined) {
      result.push({ modelId: wanted.modelId, computeType: wanted.computeType });
    } else if (existing.computeType !== wanted.computeType) {
      result[index] = withComputeType(existing, wanted.computeType);
    }
  }
  return result;
}

function removePins(base: readonly Pin[], modelIds: readonly string[]): Pin[] {
  requirePinned(base, modelIds);
  return base.filter((pin) => !modelIds.includes(pin.modelId));
}

function changeCompute(base: readonly Pin[], modelIds: readonly string[], computeType: RequestedPin['computeType']): Pin[] {
  requirePinned(base, modelIds);
  return base.map((pin) => (modelIds.includes(pin.modelId) && pin.computeType !== computeType ? withComputeType(pin, computeType) : pin));
}

/** An entry already pinned as asked keeps its wire form, so extra fields survive a `set`. */
function keepOrCreate(base: readonly Pin[], requested: RequestedPin): Pin {
  const existing = base.find((pin) => pin.modelId === requested.modelId);
  if (existing === undefined) return { modelId: requested.modelId, computeType: requested.computeType };
  return existing.computeType === requested.computeType ? existing : withComputeType(existing, requested.computeType);
}

function requirePinned(base: readonly Pin[], modelIds: readonly string[]): void {
  const missing = modelIds.filter((id) => !base.some((pin) => pin.modelId === id));
  if (missing.length > 0) {
    throw new PinbotError('NOT_PINNED', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not pinned.`, {
      modelIds: missing,
      current: [...base],
    });
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
