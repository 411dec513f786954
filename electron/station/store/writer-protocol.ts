// The messages between the main thread and the writer thread (writer-thread.ts, writer-loop.ts). Both ends are this
// program, built from one source, so the jobs are typed (a map from job type to its input and result) rather than
// validated at run time: parsing every provisioning request twice would cost more than it protects.

/** What a writer does: each job type with its input and what its handler returns (both structured-cloneable). */
export type JobMap = Record<string, { input: unknown; result: unknown }>;

/** What a running job may tell the caller before its result: how far it got (a long import's rows, say). */
export interface JobContext {
  progress(done: number, total: number): void;
}

/** Handlers run inside the writer's transaction, on the writer's own connection. */
export type JobHandlers<M extends JobMap> = { [K in keyof M]: (input: M[K]['input'], job: JobContext) => M[K]['result'] };

export interface QueuedJob {
  id: number;
  type: string;
  input: unknown;
}

/** A failed job's error; `api` marks an ApiError (shared/errors.ts), which the main thread throws again as one. */
export interface JobError {
  message: string;
  code?: string;
  api?: boolean;
  details?: unknown;
}

export type JobOutcome = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: JobError };

export type ToWriter = { kind: 'jobs'; jobs: QueuedJob[] } | { kind: 'close' };

export type FromWriter =
  | { kind: 'done'; outcomes: JobOutcome[] }
  // Sent while the job runs (the thread is busy, the message is not): the caller's loop is free to pass it on.
  | { kind: 'progress'; id: number; done: number; total: number }
  | { kind: 'closed' };
