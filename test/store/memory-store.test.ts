import { MemoryAuditLog } from '../../src/store/memory-audit-log.ts';
import { MemoryOnceLedger } from '../../src/store/memory-once-ledger.ts';
import { MemoryProposalStore } from '../../src/store/memory-proposal-store.ts';
import { MemoryReadyTimeStore } from '../../src/store/memory-ready-time-store.ts';
import { MemoryScheduleStore } from '../../src/store/memory-schedule-store.ts';
import { MemoryScopeLock } from '../../src/store/memory-scope-lock.ts';
import { MemorySnapshotStore } from '../../src/store/memory-snapshot-store.ts';
import { MemoryUsageStore } from '../../src/store/memory-usage-store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('memory', async () => ({
  proposals: new MemoryProposalStore(),
  audit: new MemoryAuditLog(),
  lock: new MemoryScopeLock(),
  once: new MemoryOnceLedger(),
  snapshots: new MemorySnapshotStore(),
  usage: new MemoryUsageStore(),
  schedules: new MemoryScheduleStore(),
  readyTimes: new MemoryReadyTimeStore(),
  close: async () => undefined,
}));
