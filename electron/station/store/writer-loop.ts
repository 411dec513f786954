import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { Db } from './database.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { FromWriter, JobContext, JobError, JobHandlers, JobMap, JobOutcome, QueuedJob, ToWriter } from './writer-protocol.ts';

/**
 * At most this many jobs a transaction. A batch's replies all wait for its last job's SQL, and the main thread gets
 * them in one wave: at 256 HTTP connections, batches of ~180 provisions (5 ms of SQL) had the main thread and the
 * writer taking turns, each idle half the time. With 64, the main thread answers one batch while the writer runs
 * the next: HTTP c=256 +5-22 % in five alternating pairs (station only, 64 vs 512), CoAP c=256, MQTT c=64 and the
 * 5,000-device burst no worse, c=32 and below unchanged (their batches are smaller). 32 was worse than 64: more
 * commits. A long job (an import) is one job and is never split.
 */
const maxBatch = 64;
/**
 * How long the writer watches its port for the next job after committing a lone one, and how many lone batches it
 * lets pass without watching after watches that caught nothing (doubling per miss in a row). See awaitNext.
 */
const watchMs = 0.6;
const maxWatchSkips = 63;

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
    if (batch.length === 1 && queue.length === 0) awaitNext();
  }

  let watchSkips = 0;
  let missesInRow = 0;

  /**
   * After a lone job, watches the port for the next one for a moment instead of going back to sleep in the event
   * loop. A device provisioning alone (c=1) sends its next request about 0.2-0.4 ms after its answer; by then an idle
   * writer thread has gone to sleep, and waking it (an event-fd write, the sleeping CPU woken) cost that request
   * ~0.1 ms more on this VM, a third of a commit. Watching (receiveMessageOnPort, no system call) for 0.6 ms caught
   * 95 % of them and the c=1 HTTP p50 went from 0.84 to 0.59 ms (bench, same window), with c=32 unchanged. The
   * price is CPU: a watch that catches nothing (devices arriving at random, such as MQTT c=16) burns 0.6 ms, so
   * after each miss in a row the next 1, 3, 7 ... 63 lone batches are not watched; batches of several jobs (load)
   * never are.
   */
  function awaitNext(): void {
    if (watchSkips > 0) {
      watchSkips--;
      return;
    }
    const until = performance.now() + watchMs;
    while (performance.now() < until) {
      const next = receiveMessageOnPort(port);
      if (next) {
        missesInRow = 0;
        receive(next.message as ToWriter);
        return;
      }
    }
    missesInRow++;
    watchSkips = Math.min(maxWatchSkips, 2 ** missesInRow - 1);
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

  port.on('message', receive);

  function receive(message: ToWriter): void {
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
  }
}

function describe(err: unknown): JobError {
  // A refusal (not found, conflict) travels whole, so the caller gets the same answer as from the main thread.
  if (err instanceof ApiError) return { message: err.message, code: err.code, api: true, details: err.details };
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? { message: err.message, code } : { message: err.message };
}
