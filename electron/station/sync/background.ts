import type { EventBus } from '../event-bus.ts';
import type { RoundResult } from './drain.ts';
import type { TargetRow, TargetStore } from './targets.ts';

// The worker's background mode: one loop per target, so a long drain of one target never delays another. Each loop
// drains, then sleeps until something is due (a retry, a probe of an offline target), new work is announced (a
// device provisioned here, a target added or retried through the API), or the next poll (work written by another
// process, e.g. `import-bundle` from the CLI).

export interface BackgroundDeps {
  targets: TargetStore;
  bus: EventBus;
  round: (row: TargetRow, signal: AbortSignal) => Promise<RoundResult>;
  /** Registers a function the service calls to wake every loop; returns its unregister. */
  onWake: (wake: () => void) => () => void;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  pollMs: number;
  log: (line: string) => void;
}

const successWakeMs = 200;

export function runBackground(deps: BackgroundDeps): { stop(): Promise<void> } {
  const abort = new AbortController();
  const { signal } = abort;
  let wakeUp!: () => void;
  let woken!: Promise<void>;
  const rearm = () => {
    woken = new Promise<void>((resolve) => {
      wakeUp = resolve;
    });
  };
  rearm();
  const wake = () => {
    const fire = wakeUp;
    rearm();
    fire();
  };
  const unregister = deps.onWake(wake);
  // A device told SUCCESS is worth sending soon, not at the next poll; a burst of them wakes the worker once.
  let wakeSoon: NodeJS.Timeout | null = null;
  const unsubscribe = deps.bus.subscribe((e) => {
    if (e.type !== 'provision' || e.attempt.outcome !== 'SUCCESS' || wakeSoon) return;
    wakeSoon = setTimeout(() => {
      wakeSoon = null;
      wake();
    }, successWakeMs);
  });
  /** Sleeps until `until` or a wake-up; the losing sleep is cancelled so no timer or listener piles up. */
  const pause = async (until: number, announced: Promise<void>) => {
    const done = new AbortController();
    const forward = () => done.abort();
    signal.addEventListener('abort', forward, { once: true });
    let slept = false;
    const sleeping = deps.sleep(Math.max(0, until - deps.now()), done.signal).then(() => {
      slept = true;
    });
    try {
      await Promise.race([announced, sleeping]);
    } finally {
      signal.removeEventListener('abort', forward);
      // Aborting builds a DOMException: only for a sleep that is still pending.
      if (!slept) done.abort();
    }
  };

  const loops = new Map<number, Promise<void>>();
  async function targetLoop(id: number): Promise<void> {
    while (!signal.aborted) {
      const announced = woken;
      const row = deps.targets.byId(id);
      if (!row) return; // removed
      let until = deps.now() + deps.pollMs;
      if (row.stopped_reason === null) {
        try {
          const r = await deps.round(row, signal);
          if (r.nextAt !== null) until = Math.min(until, r.nextAt);
        } catch (err) {
          deps.log(`sync: ${row.name}: ${(err as Error).message}`);
        }
      }
      if (!signal.aborted) await pause(until, announced);
    }
  }

  const supervisor = (async () => {
    while (!signal.aborted) {
      const announced = woken;
      for (const row of deps.targets.all()) {
        if (!loops.has(row.id)) loops.set(row.id, targetLoop(row.id).finally(() => loops.delete(row.id)));
      }
      await pause(deps.now() + deps.pollMs, announced);
    }
  })();

  return {
    async stop() {
      if (wakeSoon) clearTimeout(wakeSoon);
      abort.abort();
      wake();
      unsubscribe();
      unregister();
      await supervisor;
      await Promise.allSettled([...loops.values()]);
    },
  };
}
