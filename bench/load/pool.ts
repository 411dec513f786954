import { type ChildProcess, fork } from 'node:child_process';
import { summarizeLatency } from '../../electron/cli/simulate/stats.ts';
import { runBurst, runSteady } from './run-load.ts';
import type { BurstLoad, ChildReport, LoadFigures, SteadyLoad } from './types.ts';

/** Set in a generator process's environment; bench/index.ts then serves loads instead of running suites. */
export const loadChildEnv = 'FIELDSTATION_BENCH_LOAD_CHILD';

type ChildLoad = (SteadyLoad | BurstLoad) & { startAt: number };
type Request = { id: number; load: ChildLoad };
type Reply = { id: number; report?: ChildReport; error?: string };

/** The raw-socket load generator: several processes, each a share of the devices. */
export interface LoadPool {
  readonly processes: number;
  steady(load: SteadyLoad): Promise<LoadFigures>;
  burst(load: BurstLoad): Promise<LoadFigures>;
  close(): Promise<void>;
}

// Loads start this long after being sent, so every process begins together.
const startDelayMs = 250;

/**
 * Forks `processes` copies of this bench bundle as generators. The server under test stays alone in this process,
 * so what limits a figure is the server, or, when the null responder shows it, the generator.
 */
export async function startLoadPool(processes: number): Promise<LoadPool> {
  const children: ChildProcess[] = [];
  const pending = new Map<number, { resolve: (r: ChildReport) => void; reject: (e: Error) => void }>();
  let ids = 0;
  for (let i = 0; i < processes; i++) {
    const child = fork(process.argv[1]!, [], {
      env: { ...process.env, [loadChildEnv]: String(i) },
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.report) p.resolve(reply.report);
      else p.reject(new Error(`load generator: ${reply.error}`));
    });
    child.on('exit', (code) => {
      for (const p of pending.values()) p.reject(new Error(`a load generator process exited (code ${code})`));
      pending.clear();
    });
    children.push(child);
  }
  await Promise.all(children.map((c) => new Promise<void>((resolve, reject) => {
    c.once('message', () => resolve());
    c.once('error', reject);
  })));

  const ask = (child: ChildProcess, load: ChildLoad) =>
    new Promise<ChildReport>((resolve, reject) => {
      const id = ++ids;
      pending.set(id, { resolve, reject });
      child.send({ id, load } satisfies Request);
    });
  // Device names carry the process index, so no two processes ever send the same one.
  const spread = <L extends SteadyLoad | BurstLoad>(load: L, share: (i: number) => Partial<L>) => {
    const startAt = Date.now() + startDelayMs;
    return {
      startAt,
      reports: Promise.all(children.map((c, i) => ask(c, { ...load, ...share(i), namePrefix: `${load.namePrefix}-${i}`, startAt }))),
    };
  };
  const part = (total: number, i: number) => Math.floor(total / processes) + (i < total % processes ? 1 : 0);

  return {
    processes,
    async steady(load) {
      const { reports } = spread(load, (i) => ({ concurrency: part(load.concurrency, i) }));
      const merged = merge(await reports);
      return { ...merged, rate: (merged.succeeded * 1000) / load.measureMs, durationMs: load.warmupMs + load.measureMs };
    },
    async burst(load) {
      const { startAt, reports } = spread(load, (i) => ({ devices: part(load.devices, i) }));
      const got = await reports;
      const merged = merge(got);
      const durationMs = Math.max(...got.map((r) => r.lastDoneAt)) - startAt;
      return { ...merged, rate: (merged.succeeded * 1000) / durationMs, durationMs };
    },
    async close() {
      await Promise.all(children.map((c) => new Promise<void>((resolve) => {
        if (c.exitCode !== null) return resolve();
        c.once('exit', () => resolve());
        c.disconnect();
      })));
    },
  };
}

function merge(reports: ChildReport[]): Omit<LoadFigures, 'rate' | 'durationMs'> {
  const errors = new Map<string, number>();
  for (const r of reports) for (const [message, count] of r.errors) errors.set(message, (errors.get(message) ?? 0) + count);
  const { p50, p99 } = summarizeLatency(reports.flatMap((r) => r.latencies));
  const requestLatencies = reports.flatMap((r) => r.requestLatencies);
  const request = requestLatencies.length > 0 ? summarizeLatency(requestLatencies) : null;
  const exchanges = reports.reduce((n, r) => n + r.totalSucceeded + r.errors.reduce((m, [, c]) => m + c, 0), 0);
  const cpuMs = reports.reduce((n, r) => n + r.cpuMs, 0);
  return {
    generatorCpuUs: exchanges > 0 ? Math.round((cpuMs * 1000) / exchanges) : null,
    succeeded: reports.reduce((n, r) => n + r.succeeded, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    totalSucceeded: reports.reduce((n, r) => n + r.totalSucceeded, 0),
    latencyMs: { p50, p99 },
    requestLatencyMs: request && { p50: request.p50, p99: request.p99 },
    errors: [...errors].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count),
  };
}

/** A generator process's side: announce readiness, then run each load asked for and report. Ends when the parent disconnects. */
export function serveLoadChild(): void {
  process.on('message', ({ id, load }: Request) => {
    const running = load.kind === 'steady' ? runSteady(load, load.startAt) : runBurst(load, load.startAt);
    running.then(
      (report) => process.send!({ id, report } satisfies Reply),
      (err: unknown) => process.send!({ id, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
    );
  });
  process.send!({ ready: true });
}
