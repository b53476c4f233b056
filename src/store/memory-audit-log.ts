import type { AuditLog, ChangeRecord } from '../core/ports.ts';

/** Applied changes in this process's memory, newest last. */
export class MemoryAuditLog implements AuditLog {
  private readonly changes: ChangeRecord[] = [];

  async record(change: ChangeRecord): Promise<void> {
    this.changes.push(change);
  }

  async recent(scope: string, limit: number): Promise<ChangeRecord[]> {
    return this.changes.filter((c) => c.scope === scope).slice(-limit).reverse();
  }

  async get(scope: string, changeId: string): Promise<ChangeRecord | undefined> {
    return this.changes.find((c) => c.scope === scope && c.id === changeId);
  }
}
