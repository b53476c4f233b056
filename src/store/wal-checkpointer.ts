import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import type { Logger } from '../core/ports.ts';

/**
 * Checkpoints a WAL-mode SQLite database from a thread of its own. Left to SQLite, a checkpoint
 * runs inside whichever commit crosses 1,000 WAL pages, on the thread that also acks Slack and
 * Discord: copying the pages and syncing the WAL and the database file stalls it for 6–13 ms (a
 * burst's acks wait behind it). The thread runs a PASSIVE checkpoint at an
 * interval instead, which never blocks the main connection's readers or writer.
 */
export interface WalCheckpointer {
  /** Stops the thread after closing its connection; the main connection's close checkpoints last. */
  stop(): Promise<void>;
}

export interface WalCheckpointerOptions {
  readonly everyMs?: number;
  readonly logger: Logger;
}

const DEFAULT_EVERY_MS = 500;
/** SQLite's own default, restored when the thread is not running. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * The thread's source, CommonJS run with `eval`: it then loads the same way under tsx, vitest and
 * the compiled build. It closes its connection before it ends, so the driver's objects are never
 * left to the garbage collector (see retained-sqlite.ts).
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { fileMustExist: true });
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch (error) {
    // Another connection checkpointing or recovering the WAL: the next tick tries again.
    if (error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error;
  }
}, workerData.everyMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
parentPort.postMessage('running');
`;

export function startWalCheckpointer(main: Database, filename: string, options: WalCheckpointerOptions): WalCheckpointer {
  const { logger } = options;
  // SQLite applies this PRAGMA when the statement is prepared, not when it runs, so a kept
  // statement cannot set it again; `exec` prepares afresh and leaves no statement behind.
  const commitsCheckpoint = () => main.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  const commitsDoNotCheckpoint = () => main.exec('PRAGMA wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { driver, filename, everyMs: options.everyMs ?? DEFAULT_EVERY_MS },
    // It holds one connection and one statement; a small heap keeps its memory small.
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 },
  });
  worker.unref();
  let stopping = false;
  // Until the thread runs, and after it ends for any reason, commits checkpoint as SQLite would.
  worker.once('message', () => {
    if (!stopping) commitsDoNotCheckpoint();
  });
  worker.on('error', (error) => {
    logger.warn({ err: error }, 'WAL checkpoint thread failed; commits checkpoint the WAL instead');
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (main.open) commitsCheckpoint();
      resolve();
    });
  });

  return {
    stop: async () => {
      if (stopping) return exited;
      stopping = true;
      worker.postMessage('stop');
      const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timeout);
    },
  };
}
