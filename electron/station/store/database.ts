import Database from 'better-sqlite3';
import { type Migration, migrations as allMigrations } from './migrations/index.ts';

export type Db = Database.Database;

export interface OpenOptions {
  /** Apply migrations up to this version only (tests open old schemas with it). */
  upTo?: number;
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) the station database in WAL mode and brings its schema up to date. */
export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const db = new Database(file, { nativeBinding: electronBinding() });
  try {
    db.pragma('journal_mode = WAL');
    // FULL, not NORMAL: a device told SUCCESS must survive power loss, not only a process crash.
    // Group commit in provisioning/ keeps the fsync cost per device small.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The CLI may write while `serve` runs on the same file.
    db.pragma('busy_timeout = 5000');
    // Sub-journals (savepoints: a nested db.transaction(); statement journals of multi-row writes) and the transient
    // tables of `IN (SELECT value FROM json_each(?))` lists and ORDER BY sorts, in memory instead of temporary files
    // (https://www.sqlite.org/tempfiles.html). Sync forms and confirms webhook batches in savepoints, and a stored
    // batch body (100 devices, ~60 KB) passed the 64 KiB spill: with temp_store on file, reading the open batches
    // alone cost ~0.9 ms against 0.08 ms (issue 13). Nothing durable lives there: the WAL and synchronous=FULL are
    // unchanged; a crash loses only uncommitted work. On the writer thread, when every provision still ran in a
    // savepoint, each spilled its ~16 changed pages to a temporary file: about 32 pwrite calls a provision (strace).
    db.pragma('temp_store = MEMORY');
    immediateTransactions(db);
    migrate(db, options.migrations ?? allMigrations, options.upTo);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Makes `db.transaction(fn)()` begin IMMEDIATE (take the write lock first) instead of DEFERRED. Another connection
 * writes the same file: the provisioning writer thread, the CLI. A deferred transaction that reads and then writes
 * fails at once with SQLITE_BUSY_SNAPSHOT ("database is locked", no busy_timeout wait) when that other connection
 * committed after its read (https://www.sqlite.org/rescode.html#busy_snapshot); an immediate one waits its turn under
 * busy_timeout and then reads what is current. `.deferred` stays available for read-only snapshots.
 */
function immediateTransactions(db: Db): void {
  const transaction = db.transaction.bind(db);
  // Each variant carries the others as read-only properties (better-sqlite3 lib/methods/transaction.js).
  db.transaction = ((fn: Parameters<Db['transaction']>[0]) => transaction(fn).immediate) as Db['transaction'];
}

/**
 * Under Electron the engine loads a copy of the native module built for Electron's ABI (scripts/electron-native.mjs);
 * under plain Node, node_modules' own build, even if the variable leaked into the environment.
 */
function electronBinding(): string | undefined {
  return process.versions.electron ? process.env.FIELDSTATION_SQLITE_BINDING || undefined : undefined;
}

export function schemaVersion(db: Db): number {
  const row = db.prepare('SELECT max(version) AS v FROM migrations').get() as { v: number | null } | undefined;
  return row?.v ?? 0;
}

function migrate(db: Db, list: readonly Migration[], upTo = Number.POSITIVE_INFINITY): void {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
  const current = schemaVersion(db);
  const newest = list.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(
      `the database is at schema ${current}, newer than this Fieldstation knows (${newest}); update Fieldstation`,
    );
  }
  const record = db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of list) {
    if (m.version <= current || m.version > upTo) continue;
    // foreign_keys cannot change inside a transaction; off, DROP TABLE does not cascade into the tables that
    // point at the one being rebuilt.
    if (m.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        if (m.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${m.version} (${m.name}) would break ${broken.length} references`);
        }
        record.run(m.version, m.name, Date.now());
      })();
    } finally {
      if (m.rebuildsTables) db.pragma('foreign_keys = ON');
    }
  }
}
