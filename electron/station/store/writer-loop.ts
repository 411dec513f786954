import type { MessagePort } from 'node:worker_threads';
import type { Db } from './database.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { FromWriter, JobContext, JobError, JobHandlers, JobMap, JobOutcome, QueuedJob, ToWriter } from './writer-protocol.ts';

const maxBatch = 512;

/**
 * The writer thread's side: group commit with the fsync off the main event loop. Jobs that arrive while a batch is
 * committing (the main thread goes on accepting requests meanwhile) wait in this thread's message queue and form the
 * next batch, so batch N+1 gathers while batch N syncs, with no pacing timer: an idle writer commits a lone job at once.
 * One failing job never undoes another's work (the batch runs again with a savepoint per job); a failed
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
    let outcomes: JobOutcome[];
    try {
      begin.run();
      const first = runOptimistic(batch);
      if ('outcomes' in first) outcomes = first.outcomes;
      else {
        // A job threw: undo the whole batch and run it again with each job in its own savepoint, so the failing job
        // is rolled back alone. Nothing of the first run was told to anyone (its names and tokens never left).
        // A job alone in its batch is not run again: undoing the batch undid exactly it (a refused 100k-row import
        // would otherwise be parsed and checked twice). Some errors (a full disk) end the transaction themselves.
        if (db.inTransaction) abort.run();
        if (batch.length === 1) outcomes = [first.failed];
        else {
          begin.run();
          outcomes = runIsolated(batch);
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

  /** Runs one job's handler inside the current transaction (or savepoint); throws what the handler throws. */
  function runJob(job: QueuedJob): JobOutcome {
    const handler = table[job.type];
    if (!handler) throw new Error(`the writer has no job '${job.type}'`);
    const context: JobContext = { progress: (done, total) => post({ kind: 'progress', id: job.id, done, total }) };
    return { id: job.id, ok: true, value: handler(job.input, context) };
  }

  /**
   * The batch's jobs without savepoints: each costs a copy of every page its job changes (~16 for a provision, about
   * an eighth of the writer's CPU per provision), and almost no job throws (a refused provision is an answer, not an
   * error). Stops at the first job that throws, with its outcome; the caller undoes the transaction.
   */
  function runOptimistic(batch: QueuedJob[]): { outcomes: JobOutcome[] } | { failed: JobOutcome } {
    const outcomes: JobOutcome[] = [];
    for (const job of batch) {
      try {
        outcomes.push(runJob(job));
      } catch (err) {
        return { failed: { id: job.id, ok: false, error: describe(err) } };
      }
    }
    return { outcomes };
  }

  /** The batch's jobs each in its own savepoint: a job that throws is rolled back alone. */
  function runIsolated(batch: QueuedJob[]): JobOutcome[] {
    return batch.map((job) => {
      savepoint.run();
      try {
        const outcome = runJob(job);
        release.run();
        return outcome;
      } catch (err) {
        rollback.run();
        release.run();
        return { id: job.id, ok: false, error: describe(err) };
      }
    });
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
