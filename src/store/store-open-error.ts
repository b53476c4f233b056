import { dirname, resolve } from 'node:path';

/** The SQLite store cannot be created or written where `DATABASE_URL` says: one sentence naming the path. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

/** Why a file cannot be written there, by the code Node.js or SQLite gave; undefined for any other failure. */
const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of that path is a file, not a directory',
  EEXIST: 'a part of that path is a file, not a directory',
  ENOSPC: 'the disk is full',
  SQLITE_CANTOPEN: 'the file cannot be created or opened there',
  SQLITE_READONLY: 'the file or its directory is read-only',
  SQLITE_READONLY_DIRECTORY: 'its directory is read-only',
  SQLITE_PERM: 'permission denied',
  SQLITE_FULL: 'the disk is full',
};

/**
 * A failure to create, open or first write the SQLite file, said with the file and its directory,
 * or `undefined` when `error` is not one of those (it is then thrown as it is).
 */
export function storeOpenError(filename: string, error: unknown): StoreOpenError | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = typeof code === 'string' ? REASONS[code] ?? (code.startsWith('SQLITE_READONLY') ? REASONS['SQLITE_READONLY'] : undefined) : undefined;
  if (reason === undefined) return undefined;
  const file = resolve(filename);
  return new StoreOpenError(
    `the SQLite store ${file} cannot be written (${reason}, ${code as string}): make ${dirname(file)} a directory this user can write, `
    + 'or set DATABASE_URL to a file in one.',
    { cause: error },
  );
}
