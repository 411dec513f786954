/**
 * Long write jobs on the writer thread (removing a batch of 20,000 devices takes about a second there) hold SQLite's
 * write lock all that time. A write on the main connection meanwhile would wait for the lock inside SQLite's busy
 * handler, synchronously, and hold the event loop just as long as if the job had run here. So while such a job
 * runs, the main thread's writers (the group commit, admin calls) wait for the gate asynchronously instead.
 * Readers never wait: WAL lets them read the last committed state throughout.
 */
export interface WriteGate {
  /** Runs `job` (a long writer-thread job) with the gate closed; jobs may overlap, the gate opens after the last. */
  exclusive<T>(job: () => Promise<T>): Promise<T>;
  /** null while the gate is open (write now); otherwise a promise that resolves when it opens. */
  closed(): Promise<void> | null;
}

export function createWriteGate(): WriteGate {
  let holders = 0;
  let opened: Promise<void> | null = null;
  let open: () => void = () => {};
  return {
    async exclusive(job) {
      if (holders++ === 0) opened = new Promise<void>((resolve) => (open = resolve));
      try {
        return await job();
      } finally {
        if (--holders === 0) {
          opened = null;
          open();
        }
      }
    },
    closed: () => opened,
  };
}

/** Waits until `gate` is open (it may close again while waiting for another job; then waits again). */
export async function gateOpen(gate: WriteGate | undefined): Promise<void> {
  for (let closed = gate?.closed(); closed; closed = gate?.closed()) await closed;
}
