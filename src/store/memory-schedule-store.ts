import type { LeftState, Schedule } from '../core/domain/schedule.ts';
import type { ScheduleStore } from '../core/ports.ts';

/**
 * Schedules in this process's memory. Each change runs to completion without awaiting, so a claim
 * is atomic here too; it does not survive a restart and must not be shared by several replicas.
 */
export class MemoryScheduleStore implements ScheduleStore {
  private readonly schedules = new Map<string, Schedule>();

  async create(schedule: Schedule): Promise<void> {
    if (this.schedules.has(schedule.id)) throw new Error(`schedule ${schedule.id} exists`);
    this.schedules.set(schedule.id, schedule);
  }

  async get(id: string): Promise<Schedule | undefined> {
    return this.schedules.get(id);
  }

  async active(scope?: string): Promise<Schedule[]> {
    return [...this.schedules.values()]
      .filter((schedule) => schedule.removedAt === undefined && (scope === undefined || schedule.scope === scope))
      .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async claimBoundary(id: string, boundary: number, at: number): Promise<boolean> {
    const current = this.schedules.get(id);
    if (current === undefined || current.removedAt !== undefined || current.handledBoundary >= boundary) return false;
    this.schedules.set(id, { ...current, handledBoundary: boundary, claimedAt: at });
    return true;
  }

  async reclaimBoundary(id: string, boundary: number, staleBefore: number, at: number): Promise<boolean> {
    const current = this.schedules.get(id);
    if (current === undefined || current.removedAt !== undefined || current.handledBoundary !== boundary) return false;
    if (current.doneBoundary >= boundary || (current.claimedAt !== undefined && current.claimedAt > staleBefore)) return false;
    this.schedules.set(id, { ...current, claimedAt: at });
    return true;
  }

  async markDone(id: string, boundary: number): Promise<void> {
    const current = this.schedules.get(id);
    if (current !== undefined && current.doneBoundary < boundary) this.schedules.set(id, { ...current, doneBoundary: boundary });
  }

  async releaseBoundary(id: string, boundary: number, previous: number, claimedAt: number): Promise<boolean> {
    const current = this.schedules.get(id);
    if (current === undefined || current.handledBoundary !== boundary || current.claimedAt !== claimedAt) return false;
    this.schedules.set(id, { ...current, handledBoundary: previous });
    return true;
  }

  async setLeft(id: string, left: LeftState): Promise<void> {
    const current = this.schedules.get(id);
    if (current !== undefined) this.schedules.set(id, { ...current, left });
  }

  async setOverride(id: string, until: number | undefined): Promise<void> {
    const current = this.schedules.get(id);
    if (current === undefined) return;
    const { overriddenUntil: _cleared, ...rest } = current;
    this.schedules.set(id, until === undefined ? rest : { ...rest, overriddenUntil: until });
  }

  async remove(id: string, at: number): Promise<boolean> {
    const current = this.schedules.get(id);
    if (current === undefined || current.removedAt !== undefined) return false;
    this.schedules.set(id, { ...current, removedAt: at });
    return true;
  }
}
