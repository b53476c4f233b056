import { statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { retainForProcess } from '../../src/store/retained-sqlite.ts';
import { startWalCheckpointer } from '../../src/store/wal-checkpointer.ts';
import { captureLogger } from '../helpers/hf-harness.ts';
import { testTempDir } from '../helpers/temp-dir.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ROW_BYTES = 2_000;
/** ~150 pages of 4 KiB: well under the 1,000 WAL pages at which SQLite would checkpoint by itself. */
const ROWS = 300;

interface MainConnection {
  readonly db: Database;
  autocheckpointPages(): number;
  insertRows(count: number): void;
}

/** The main connection as the store opens it; its statements outlive the test (see retained-sqlite.ts). */
function openMainConnection(file: string): MainConnection {
  const db = retainForProcess(new BetterSqlite3(file));
  retainForProcess(db.prepare('PRAGMA journal_mode = WAL')).get();
  retainForProcess(db.prepare('create table rows (body blob not null)')).run();
  const insert = retainForProcess(db.prepare('insert into rows (body) values (randomblob(?))'));
  onTestFinished(() => {
    db.close();
  });
  return {
    db,
    // A PRAGMA's value is read when its statement is prepared, so each read prepares one.
    autocheckpointPages: () => (retainForProcess(db.prepare('PRAGMA wal_autocheckpoint')).get() as { wal_autocheckpoint: number }).wal_autocheckpoint,
    insertRows: (count) => {
      for (let i = 0; i < count; i++) insert.run(ROW_BYTES);
    },
  };
}

describe('the WAL checkpoint thread', () => {
  it('copies what the main connection commits into the database file, while commits no longer checkpoint', async () => {
    const file = join(testTempDir('pinbot-wal-'), 'pinbot.sqlite');
    const main = openMainConnection(file);
    const checkpointer = startWalCheckpointer(main.db, file, { logger: captureLogger(), everyMs: 20 });
    onTestFinished(() => checkpointer.stop());

    await waitFor(() => main.autocheckpointPages() === 0, 10_000, 'the thread to take over checkpoints');
    const sizeBefore = statSync(file).size;
    main.insertRows(ROWS);

    // Without the thread these pages would stay in the WAL until the connection closed.
    await waitFor(() => statSync(file).size >= sizeBefore + ROWS * ROW_BYTES, 10_000, 'the rows to reach the database file');
  });

  it('hands checkpoints back to the commits when it stops', async () => {
    const file = join(testTempDir('pinbot-wal-'), 'pinbot.sqlite');
    const main = openMainConnection(file);
    const checkpointer = startWalCheckpointer(main.db, file, { logger: captureLogger() });
    await waitFor(() => main.autocheckpointPages() === 0, 10_000, 'the thread to take over checkpoints');

    await checkpointer.stop();

    expect(main.autocheckpointPages()).toBe(1000);
  });

  it('leaves checkpoints to the commits, and says so, when the thread cannot open the database', async () => {
    const dir = testTempDir('pinbot-wal-');
    const main = openMainConnection(join(dir, 'pinbot.sqlite'));
    const logger = captureLogger();
    const checkpointer = startWalCheckpointer(main.db, join(dir, 'missing', 'pinbot.sqlite'), { logger });
    onTestFinished(() => checkpointer.stop());

    await waitFor(() => logger.lines.some((line) => line.level === 'warn'), 10_000, 'the failure to be logged');

    expect(logger.lines.find((line) => line.level === 'warn')?.message).toBe('WAL checkpoint thread failed; commits checkpoint the WAL instead');
    expect(main.autocheckpointPages()).toBe(1000);
  });
});
