import type { DriftAlert, ScopeSnapshot, SnapshotStore } from '../core/ports.ts';

/** Snapshots and drift alerts in this process's memory. */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly snapshots = new Map<string, ScopeSnapshot>();
  private readonly alerts = new Map<string, DriftAlert>();

  async lastSeen(scope: string): Promise<ScopeSnapshot | undefined> {
    return this.snapshots.get(scope);
  }

  async recordSeen(scope: string, snapshot: ScopeSnapshot): Promise<void> {
    this.snapshots.set(scope, snapshot);
  }

  async saveAlert(alert: DriftAlert): Promise<void> {
    if (!this.alerts.has(alert.id)) this.alerts.set(alert.id, alert);
  }

  async getAlert(id: string): Promise<DriftAlert | undefined> {
    return this.alerts.get(id);
  }
}
