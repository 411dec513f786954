import type { Db } from './database.ts';

export interface GroupCommitter {
  /**
   * Runs `work` inside the next shared transaction and resolves with its result only after that transaction
   * committed. A throwing `work` is rolled back alone (savepoint) and rejects alone.
   */
  run<T>(work: () => T): Promise<T>;
  /** Waits for everything queued so far to be committed. */
  flush(): Promise<void>;
}

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: every request that arrives while the event loop is busy joins one transaction, so a burst of
 * devices costs one fsync instead of one each. Idle, a request waits only until the current I/O phase ends.
 */
export function createGroupCommitter(db: Db, options: { maxBatch?: number } = {}): GroupCommitter {
  const maxBatch = options.maxBatch ?? 512;
  let queue: Job[] = [];
  let scheduled = false;
  const savepoint = db.prepare('SAVEPOINT job');
  const release = db.prepare('RELEASE job');
  const rollback = db.prepare('ROLLBACK TO job');

  function commitBatch(): void {
    scheduled = false;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    if (queue.length > 0) schedule();
    const results: { job: Job; ok: boolean; value: unknown }[] = [];
    try {
      db.exec('BEGIN IMMEDIATE');
      for (const job of batch) {
        savepoint.run();
        try {
          const value = job.work();
          release.run();
          results.push({ job, ok: true, value });
        } catch (err) {
          rollback.run();
          release.run();
          results.push({ job, ok: false, value: err });
        }
      }
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      // Nothing of this batch is on disk: nobody may be told it succeeded.
      for (const job of batch) job.reject(err);
      return;
    }
    for (const r of results) (r.ok ? r.job.resolve : r.job.reject)(r.value);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(commitBatch);
  }

  return {
    run<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    flush() {
      return this.run(() => undefined);
    },
  };
}
