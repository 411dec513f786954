import { chmodSync, closeSync, mkdirSync, openSync, statSync, unlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export class DataDirError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`cannot use data directory ${dir}: ${reason}`);
    this.name = 'DataDirError';
  }
}

const reasons: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EEXIST: 'a file of that name is in the way',
  ENOSPC: 'the disk is full',
};

/** Creates the data directory if needed and proves it is writable, before anything is opened in it. */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const probe = join(path, `.write-test-${process.pid}`);
    closeSync(openSync(probe, 'w', 0o600));
    unlinkSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new DataDirError(path, reasons[code] ?? (err as Error).message);
  }
  return path;
}

/**
 * The database holds every device's credentials: user-only, like the master key. SQLite creates a new database file
 * 0644 (SQLITE_DEFAULT_FILE_PERMISSIONS, less the umask) and gives its -wal and -shm files the database file's mode
 * (os_unix.c, findCreateFileMode), so creating the file 0600 first protects all three; files left looser by an
 * older version are tightened (they are ours: created by the station in its own data directory).
 */
export function protectDatabaseFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch {
      continue; // no -wal/-shm yet: SQLite will create them with the database's mode
    }
    if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
  }
}

/** Where a station keeps its data when no --data is given: the OS's conventional per-user place. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.FIELDSTATION_DATA) return env.FIELDSTATION_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Fieldstation', 'station');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Fieldstation', 'station');
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'fieldstation');
}
