import type { Kysely } from 'kysely';
import type { LeftState, Schedule } from '../core/domain/schedule.ts';
import { silentLogger, type Logger, type ScheduleStore } from '../core/ports.ts';
import { fromScheduleRow, leftColumn, toScheduleRow } from './schedule-columns.ts';
import type { Database, ScheduleRow } from './schema.ts';

/**
 * Schedules in SQLite or PostgreSQL. Claiming a boundary, claiming again one left unfinished,
 * giving it back and removing are each one conditional UPDATE, so exactly one caller wins,
 * whichever process or replica it runs in.
 */
export class SqlScheduleStore implements ScheduleStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly logger: Logger = silentLogger,
  ) {}

  async create(schedule: Schedule): Promise<void> {
    await this.db.insertInto('schedules').values(toScheduleRow(schedule)).execute();
  }

  async get(id: string): Promise<Schedule | undefined> {
    const row = await this.db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.read(row);
  }

  async active(scope?: string): Promise<Schedule[]> {
    let query = this.db.selectFrom('schedules').selectAll().where('removed_at', 'is', null);
    if (scope !== undefined) query = query.where('scope', '=', scope);
    const rows = await query.orderBy('created_at').orderBy('id').execute();
    return rows.flatMap((row) => this.read(row) ?? []);
  }

  async claimBoundary(id: string, boundary: number, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('schedules')
      .set({ handled_boundary: boundary, claimed_at: at })
      .where('id', '=', id)
      .where('handled_boundary', '<', boundary)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async reclaimBoundary(id: string, boundary: number, staleBefore: number, at: number): Promise<boolean> {
    // The winner's new `claimed_at` is past every other caller's `staleBefore`, so only one matches.
    const result = await this.db
      .updateTable('schedules')
      .set({ claimed_at: at })
      .where('id', '=', id)
      .where('handled_boundary', '=', boundary)
      .where('done_boundary', '<', boundary)
      .where((eb) => eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<=', staleBefore)]))
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markDone(id: string, boundary: number): Promise<void> {
    await this.db.updateTable('schedules').set({ done_boundary: boundary }).where('id', '=', id).where('done_boundary', '<', boundary).execute();
  }

  async releaseBoundary(id: string, boundary: number, previous: number, claimedAt: number): Promise<boolean> {
    const result = await this.db
      .updateTable('schedules')
      .set({ handled_boundary: previous })
      .where('id', '=', id)
      .where('handled_boundary', '=', boundary)
      .where('claimed_at', '=', claimedAt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setLeft(id: string, left: LeftState): Promise<void> {
    await this.db.updateTable('schedules').set({ left: leftColumn(left) }).where('id', '=', id).execute();
  }

  async setOverride(id: string, until: number | undefined): Promise<void> {
    await this.db.updateTable('schedules').set({ overridden_until: until ?? null }).where('id', '=', id).execute();
  }

  async remove(id: string, at: number): Promise<boolean> {
    const result = await this.db.updateTable('schedules').set({ removed_at: at }).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** An unreadable row is left out, and said once per read, rather than acted on. */
  private read(row: ScheduleRow): Schedule | undefined {
    const schedule = fromScheduleRow(row);
    if (schedule === undefined) this.logger.warn({ scheduleId: row.id, scope: row.scope }, 'stored schedule unreadable; left out');
    return schedule;
  }
}
