import type { Db } from './database.ts';

/** SQLite's own default for wal_autocheckpoint (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint). */
const defaultFrames = 1000;

type CheckpointRow = { busy: number; log: number; checkpointed: number };

/**
 * Checkpoints the WAL after a commit's replies are out instead of inside the COMMIT. SQLite runs its automatic
 * checkpoint in the COMMIT that makes the WAL pass 1000 frames, so the requests of that batch waited for it too
 * (copying the WAL's pages into the database file and two more fsyncs, 5-10 ms for a busy writer). The connection
 * turns its own off (`wal_autocheckpoint = 0`); `afterCommit` then looks at the WAL (the NOOP mode reads the
 * WAL-index header, no I/O) and runs a PASSIVE checkpoint when as many frames as SQLite's default wait there, so
 * the WAL stays as small as before. PASSIVE never waits for a reader or another writer; what it cannot copy now it
 * copies on a later call. Other connections (the main thread's, the CLI's) keep their automatic checkpoint.
 */
export function createWalCheckpointer(db: Db, frames = defaultFrames) {
  db.pragma('wal_autocheckpoint = 0');
  const look = db.prepare('PRAGMA wal_checkpoint(NOOP)');
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  return {
    afterCommit(): void {
      try {
        const wal = look.get() as CheckpointRow;
        if (wal.log - wal.checkpointed >= frames) checkpoint.get();
      } catch {
        // Only an optimisation of the file's layout: the frames stay in the WAL (still durable, still read), and the
        // next call, or another connection's automatic checkpoint, copies them.
      }
    },
  };
}
