import type { Db } from './database.ts';
import type { WriteGate } from './write-gate.ts';

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
export function createGroupCommitter(db: Db, options: { maxBatch?: number; gate?: WriteGate } = {}): GroupCommitter {
  const maxBatch = options.maxBatch ?? 512;
  const maxPauseMs = 10;
  const minWindowMs = 2;
  const busyWithinMs = 20;
  let queue: Job[] = [];
  let scheduled = false;
  // How long the last commit held the event loop, and when it let go (see schedule()).
  let lastCost = 0;
  let lastEnd = 0;
  let lastBatch = 0;
  const savepoint = db.prepare('SAVEPOINT job');
  const release = db.prepare('RELEASE job');
  const rollback = db.prepare('ROLLBACK TO job');

  function commitBatch(): void {
    // A long job holds the write lock on the writer thread: BEGIN IMMEDIATE here would wait for it inside SQLite,
    // holding the loop (write-gate.ts). Stay scheduled; what arrives meanwhile joins this batch.
    const closed = options.gate?.closed();
    if (closed) {
      void closed.then(commitBatch);
      return;
    }
    scheduled = false;
    const started = performance.now();
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
    lastEnd = performance.now();
    lastCost = lastEnd - started;
    lastBatch = batch.length;
    for (const r of results) (r.ok ? r.job.resolve : r.job.reject)(r.value);
  }

  /**
   * libuv accepts one connection per loop turn, and a commit blocks the loop while the disk syncs: committing every
   * turn would take one request per fsync. So the next commit waits as long as the last one held the loop (at most
   * 10 ms), letting the I/O that piled up meanwhile join it. A request after a quiet spell commits at once; under
   * steady one-at-a-time load each request pays about one extra fsync time of latency (bench: http c=1).
   */
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    const sinceLast = performance.now() - lastEnd;
    // The last commit gathered several requests and was a moment ago: requests are streaming in concurrently, so
    // gather a few ms of them into one transaction. One-at-a-time traffic never waits for this.
    const window = lastBatch > 1 && sinceLast < busyWithinMs ? Math.max(minWindowMs, lastCost) : lastCost;
    const wait = Math.min(maxPauseMs, window) - sinceLast;
    if (wait <= 0 || queue.length >= maxBatch) setImmediate(commitBatch);
    else setTimeout(commitBatch, wait);
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
