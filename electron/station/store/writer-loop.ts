import type { MessagePort } from 'node:worker_threads';
import type { Db } from './database.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { FromWriter, JobContext, JobError, JobHandlers, JobMap, JobOutcome, QueuedJob, ToWriter } from './writer-protocol.ts';

const maxBatch = 512;

/**
 * The writer thread's side: group commit with the fsync off the main event loop. Jobs that arrive while a batch is
 * committing (the main thread goes on accepting requests meanwhile) wait in this thread's message queue and form the
 * next batch, so batch N+1 gathers while batch N syncs, with no pacing timer: an idle writer commits a lone job at once.
 * One failing job never undoes another's work (runJobs: the batch runs again with a savepoint per job); a failed
 * COMMIT fails every job of its batch, and nobody is told any of them succeeded.
 */
export function serveWriter<M extends JobMap>(
  port: MessagePort,
  db: Db,
  handlers: JobHandlers<M>,
  options: {
    /** Runs after each committed batch's outcomes were posted, so nobody's reply waits for it (wal-checkpoint.ts). */
    afterCommit?: () => void;
  } = {},
): void {
  let queue: QueuedJob[] = [];
  let scheduled = false;
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const savepoint = db.prepare('SAVEPOINT job');
  const release = db.prepare('RELEASE job');
  const rollback = db.prepare('ROLLBACK TO job');
  const abort = db.prepare('ROLLBACK');
  const table = handlers as Record<string, (input: unknown, job: JobContext) => unknown>;

  function commitBatch(): void {
    scheduled = false;
    if (queue.length === 0 || !db.open) return;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = batch === queue ? [] : queue.slice(batch.length);
    let outcomes: JobOutcome[] | null;
    try {
      begin.run();
      outcomes = runJobs(batch, false);
      if (!outcomes) {
        // A job threw: undo the whole batch and run it again with each job in its own savepoint, so the failing job
        // is rolled back alone. Nothing of the first run was told to anyone (its names and tokens never left).
        // A job alone in its batch is not run again: undoing the batch undid exactly it (a refused 100k-row import
        // would otherwise be parsed and checked twice).
        if (db.inTransaction) abort.run();
        if (batch.length === 1) outcomes = [failedAlone!];
        else {
          begin.run();
          outcomes = runJobs(batch, true)!;
        }
      }
      if (db.inTransaction) commit.run();
    } catch (err) {
      if (db.inTransaction) abort.run();
      // Nothing of this batch is on disk: every job fails, whatever its handler returned.
      const error = describe(err);
      post({ kind: 'done', outcomes: batch.map((job) => ({ id: job.id, ok: false, error })) });
      schedule();
      return;
    }
    post({ kind: 'done', outcomes });
    schedule();
    options.afterCommit?.();
  }

  /**
   * Runs the batch's handlers. Optimistic (`isolated` false), without savepoints: each costs a copy of every page
   * its job changes (~16 for a provision, about an eighth of the writer's CPU per provision), and almost no job
   * throws (a refused provision is an answer, not an error). Returns null at the first throw (its outcome kept in
   * `failedAlone`, for a batch of one). Isolated, each job runs
   * in a savepoint, and a throwing job's writes are rolled back alone.
   */
  let failedAlone: JobOutcome | null = null;
  function runJobs(batch: QueuedJob[], isolated: boolean): JobOutcome[] | null {
    const outcomes: JobOutcome[] = [];
    for (const job of batch) {
      if (isolated) savepoint.run();
      try {
        const handler = table[job.type];
        if (!handler) throw new Error(`the writer has no job '${job.type}'`);
        const context: JobContext = { progress: (done, total) => post({ kind: 'progress', id: job.id, done, total }) };
        outcomes.push({ id: job.id, ok: true, value: handler(job.input, context) });
        if (isolated) release.run();
      } catch (err) {
        if (!isolated) {
          failedAlone = { id: job.id, ok: false, error: describe(err) };
          return null;
        }
        rollback.run();
        release.run();
        outcomes.push({ id: job.id, ok: false, error: describe(err) });
      }
    }
    return outcomes;
  }

  function schedule(): void {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    // After this turn's messages: everything that arrived during the last COMMIT joins the next one.
    setImmediate(commitBatch);
  }

  function post(message: FromWriter): void {
    port.postMessage(message);
  }

  port.on('message', (message: ToWriter) => {
    if (message.kind === 'jobs') {
      for (const job of message.jobs) queue.push(job);
      schedule();
      return;
    }
    // The main thread waited for its jobs before asking; anything still queued is committed first.
    while (queue.length > 0) commitBatch();
    db.close();
    post({ kind: 'closed' });
    port.close();
  });
}

function describe(err: unknown): JobError {
  // A refusal (not found, conflict) travels whole, so the caller gets the same answer as from the main thread.
  if (err instanceof ApiError) return { message: err.message, code: err.code, api: true, details: err.details };
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { message: err.message, code } : { message: err.message };
}
