import { Worker } from 'node:worker_threads';
import { ApiError, ErrorCode } from '../../../shared/errors.ts';
import type { FromWriter, JobError, JobMap, QueuedJob, ToWriter } from './writer-protocol.ts';

export interface Writer<M extends JobMap> {
  /** Runs one job in the writer's next transaction; resolves with its result only after that transaction committed. */
  run<K extends keyof M & string>(type: K, input: M[K]['input'], options?: RunOptions): Promise<M[K]['result']>;
  /** Waits for every job queued so far to settle. */
  flush(): Promise<void>;
  /** Whether some job was sent and its result has not come back yet (it may have committed already). */
  busy(): boolean;
  /**
   * Starts the thread now rather than on the first job, without keeping the process alive: a server expecting
   * requests calls it, so the first burst of them does not also wait for the thread to load and open its file.
   */
  prepare(): void;
  /** Flushes, then ends the thread (its connection closes). Idempotent. */
  close(): Promise<void>;
}

export interface RunOptions {
  /** Called on this thread as the job reports progress (JobContext.progress), before its result. */
  onProgress?: (done: number, total: number) => void;
}

export interface WriterOptions {
  /** The worker's script (worker-script.ts finds it built or from source). */
  script: () => URL;
  /** What the script receives as `workerData` (the database file), worked out when the thread starts. */
  workerData: () => unknown;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  onProgress?: RunOptions['onProgress'];
}

/**
 * The main thread's side of the writer thread (writer-loop.ts). Jobs asked for in one turn of the event loop travel
 * in one message. The thread starts on the first job, so commands that never write through it never pay for it, and
 * it keeps the process alive only while jobs are pending.
 */
export function createWriter<M extends JobMap>(options: WriterOptions): Writer<M> {
  let worker: Worker | null = null;
  let stopped: Error | null = null;
  let closing: Promise<void> | null = null;
  let serial = 0;
  let outgoing: QueuedJob[] = [];
  const pending = new Map<number, Pending>();
  let idle: (() => void)[] = [];

  function settled(): void {
    if (pending.size > 0) return;
    worker?.unref();
    for (const wake of idle.splice(0)) wake();
  }

  /**
   * The thread ended (an uncaught error, or it exited). Jobs it had taken are rejected: their transaction died with it
   * uncommitted, so nobody is told SUCCESS. Jobs not sent yet go to a new thread; the next job starts one. After
   * close() nothing starts again.
   */
  function lost(from: Worker, err: Error): void {
    if (worker !== from) return; // 'error' is followed by 'exit': the first one counts
    worker = null;
    if (closing) stopped ??= err;
    const unsent = new Set(outgoing.map((job) => job.id));
    for (const [id, p] of pending) {
      if (unsent.has(id)) continue;
      pending.delete(id);
      p.reject(err);
    }
    settled();
  }

  function start(): Worker {
    const w = new Worker(options.script(), { workerData: options.workerData() });
    w.on('message', (message: FromWriter) => {
      if (message.kind === 'progress') pending.get(message.id)?.onProgress?.(message.done, message.total);
      if (message.kind !== 'done') return;
      for (const outcome of message.outcomes) {
        const p = pending.get(outcome.id);
        if (!p) continue;
        pending.delete(outcome.id);
        if (outcome.ok) p.resolve(outcome.value);
        else p.reject(rebuilt(outcome.error));
      }
      settled();
    });
    w.on('error', (err) => lost(w, new Error(`the database writer failed: ${err.message}`)));
    w.on('exit', (code) => lost(w, new Error(`the database writer stopped (exit code ${code})`)));
    return w;
  }

  function send(): void {
    const jobs = outgoing;
    outgoing = [];
    if (jobs.length === 0 || stopped) return;
    worker ??= start();
    worker.ref();
    worker.postMessage({ kind: 'jobs', jobs } satisfies ToWriter);
  }

  const writer: Writer<M> = {
    run(type, input, options = {}) {
      if (stopped) return Promise.reject(stopped);
      if (closing) return Promise.reject(new Error('the database writer is closing'));
      return new Promise((resolve, reject) => {
        const id = ++serial;
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: options.onProgress });
        // Everything asked for in this turn (one poll phase of sockets) goes in one message.
        if (outgoing.push({ id, type, input }) === 1) setImmediate(send);
      });
    },
    prepare() {
      if (worker || stopped || closing) return;
      worker = start();
      worker.unref();
    },
    busy: () => pending.size > 0,
    flush() {
      if (pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
    close() {
      closing ??= (async () => {
        await writer.flush();
        const w = worker;
        if (!w || stopped) return;
        const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
        w.ref();
        w.postMessage({ kind: 'close' } satisfies ToWriter);
        await exited;
        idle = [];
      })();
      return closing;
    },
  };
  return writer;
}

/** The job's error as thrown on this side: an ApiError again (its code and details kept), or an Error with its code. */
function rebuilt(error: JobError): Error {
  const code = ErrorCode.safeParse(error.code);
  if (error.api && code.success) return new ApiError(code.data, error.message, error.details);
  return Object.assign(new Error(error.message), error.code ? { code: error.code } : {});
}
