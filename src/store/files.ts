/**
 * @module
 * Files that hold password hashes and private signing keys (the SQLite database, backups, exports)
 * are created readable by their owner only, whatever the umask. SQLite gives the -wal and -shm files
 * the mode of the database file, so creating that one 0600 covers them too.
 */
import { chmodSync, closeSync, openSync } from 'node:fs'

export const PRIVATE_MODE = 0o600

/** Creates `path` empty with mode 0600; false when it already exists. */
export function createPrivateFile(path: string): boolean {
  try {
    closeSync(openSync(path, 'wx', PRIVATE_MODE))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw e
  }
  chmodSync(path, PRIVATE_MODE)
  return true
}
