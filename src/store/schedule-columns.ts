import { z } from 'zod';
import { KNOWN_COMPUTE_TYPES } from '../core/domain/pin.ts';
import type { LeftState, Schedule, ScheduleSpec } from '../core/domain/schedule.ts';
import type { ChannelRef } from '../core/domain/channel.ts';
import type { Principal } from '../core/domain/principal.ts';
import type { ScheduleRow } from './schema.ts';

/**
 * A schedule's JSON columns are read back through these shapes: a row that another version wrote
 * differently, or that was edited by hand, is refused rather than switching an entry on a guess.
 */
const clockTime = z.object({ hour: z.number().int().min(0).max(24), minute: z.number().int().min(0).max(59) });
const weekday = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6), z.literal(7)]);

const specSchema = z.object({
  entry: z.string().min(1),
  computeType: z.enum(KNOWN_COMPUTE_TYPES).optional(),
  scale: z.number().int().min(0).optional(),
  days: z.array(weekday),
  start: clockTime,
  end: clockTime,
  zone: z.string().min(1),
});

const principalSchema = z.object({
  platform: z.enum(['slack', 'discord', 'console']),
  userId: z.string(),
  displayName: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

const channelSchema = z.object({
  platform: z.enum(['slack', 'discord', 'console']),
  channelId: z.string(),
  guildId: z.string().optional(),
});

const leftSchema = z.object({
  pin: z.object({ modelId: z.string(), computeType: z.string(), wire: z.record(z.string(), z.unknown()).optional() }).optional(),
  at: z.number(),
});

function parsed<T>(schema: z.ZodType<T>, text: string): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

export function toScheduleRow(schedule: Schedule): ScheduleRow {
  return {
    id: schedule.id,
    scope: schedule.scope,
    backend: schedule.backend,
    spec: JSON.stringify(schedule.spec),
    proposal_id: schedule.proposalId,
    requester: JSON.stringify(schedule.requester),
    approver: JSON.stringify(schedule.approver),
    channel: JSON.stringify(schedule.channel),
    created_at: schedule.createdAt,
    removed_at: schedule.removedAt ?? null,
    handled_boundary: schedule.handledBoundary,
    claimed_at: schedule.claimedAt ?? null,
    done_boundary: schedule.doneBoundary,
    left: JSON.stringify(schedule.left),
    overridden_until: schedule.overriddenUntil ?? null,
  };
}

/** The schedule a row holds, or undefined when one of its JSON columns is not what the store writes. */
export function fromScheduleRow(row: ScheduleRow): Schedule | undefined {
  const spec: ScheduleSpec | undefined = parsed(specSchema, row.spec);
  const requester: Principal | undefined = parsed(principalSchema, row.requester);
  const approver: Principal | undefined = parsed(principalSchema, row.approver);
  const channel: ChannelRef | undefined = parsed(channelSchema, row.channel);
  const left: LeftState | undefined = parsed(leftSchema, row.left);
  if (spec === undefined || requester === undefined || approver === undefined || channel === undefined || left === undefined) return undefined;
  return {
    id: row.id,
    scope: row.scope,
    backend: row.backend,
    spec,
    proposalId: row.proposal_id,
    requester,
    approver,
    channel,
    createdAt: Number(row.created_at),
    ...(row.removed_at !== null ? { removedAt: Number(row.removed_at) } : {}),
    handledBoundary: Number(row.handled_boundary),
    ...(row.claimed_at !== null ? { claimedAt: Number(row.claimed_at) } : {}),
    doneBoundary: Number(row.done_boundary),
    left,
    ...(row.overridden_until !== null ? { overriddenUntil: Number(row.overridden_until) } : {}),
  };
}

/** The `left` column for a state. */
export function leftColumn(left: LeftState): string {
  return JSON.stringify(left);
}
