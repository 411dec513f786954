import type { MessagePort } from 'node:worker_threads';
import type { Db } from './database.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { FromWriter, JobContext, JobError, JobHandlers, JobMap, JobOutcome, QueuedJob, ToWriter } from './writer-protocol.ts';

const maxBatch = 512;

/**
 * The writer thread's side: group commit with the fsync off the main event loop. Jobs that arrive while a batch is
 * committing (the main thread goes on accepting requests meanwhile) wait in this thread's message queue and form the
 * next batch, so batch N+1 gathers while batch N syncs, with no pacing timer: an idle writer commits a lone job at once.
 * Each job runs in its own savepoint, so one failing job never undoes another's work; a failed COMMIT fails every
 * job of its batch, and nobody is told any of them succeeded.
 */
export function serveWriter<M extends JobMap>(port: MessagePort, db: Db, handlers: JobHandlers<M>): void {
  let queue: QueuedJob[] = [];
  let scheduled = false;
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const savepoint = db.prepare('SAVEPOINT job');
  const release = db.prepare('RELEASE job');
  const rollback = db.prepare('ROLLBACK TO job');
  const table = handlers as Record<string, (input: unknown, job: JobContext) => unknown>;

  function commitBatch(): void {
    scheduled = false;
    if (queue.length === 0 || !db.open) return;
    const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
    queue = batch === queue ? [] : queue.slice(batch.length);
    const outcomes: JobOutcome[] = [];
    try {
      begin.run();
      for (const job of batch) {
        savepoint.run();
        try {
          const handler = table[job.type];
          if (!handler) throw new Error(`the writer has no job '${job.type}'`);
          const context: JobContext = { progress: (done, total) => post({ kind: 'progress', id: job.id, done, total }) };
          outcomes.push({ id: job.id, ok: true, value: handler(job.input, context) });
          release.run();
        } catch (err) {
          rollback.run();
          release.run();
          outcomes.push({ id: job.id, ok: false, error: describe(err) });
        }
      }
      commit.run();
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      // Nothing of this batch is on disk: every job fails, whatever its handler returned.
      const error = describe(err);
      post({ kind: 'done', outcomes: batch.map((job) => ({ id: job.id, ok: false, error })) });
      schedule();
      return;
    }
    post({ kind: 'done', outcomes });
    schedule();
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
