import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runSimulation } from '../electron/cli/simulate/run.ts';
import { summarizeLatency } from '../electron/cli/simulate/stats.ts';
import type { SimProtocol, SimulationOptions, SimulationSummary } from '../electron/cli/simulate/types.ts';
import { ADMIN } from '../electron/station/api/router.ts';
import { createStation } from '../electron/station/station.ts';
import { startCoapBaseline } from './baselines/coap.ts';
import { startHttpBaseline } from './baselines/http.ts';
import { startMqttBaseline } from './baselines/mqtt.ts';
import type { Baseline } from './baselines/reply.ts';
import type { BenchRow } from './types.ts';

const suite = 'provisioning';
const key = 'bench-key';
const secret = 'bench-secret';
/** Devices per run at each concurrency: enough for a stable rate, few enough to keep the bench near 3 minutes. */
const levels: [concurrency: number, devices: number][] = [
  [1, 250],
  [16, 800],
  [64, 1200],
  [256, 2000],
];
/**
 * Rounds per level, alternating bare and station; each side keeps its best round. This machine's fsync time and the
 * other processes on it vary from second to second: a best-of keeps one slow second from deciding a ratio.
 */
const rounds = 2;
const burstDevices = 5000;
const baselines: Record<SimProtocol, () => Promise<Baseline>> = { http: startHttpBaseline, mqtt: startMqttBaseline, coap: startCoapBaseline };

/** Load options without the callbacks, which cannot cross to the worker. */
type Load = Omit<SimulationOptions, 'onProgress' | 'onResult'>;

/**
 * Durable provisioning throughput of a real station (SQLite FULL sync, group commit) per transport and concurrency,
 * next to the same load against a bare server of that transport in the same run; then 5,000 MQTT devices at once.
 * The simulated devices run in a worker thread so that on a 2-core machine the server under test has a core of its
 * own, as it would have facing real devices.
 */
export async function benchProvisioning(): Promise<BenchRow[]> {
  const load = startLoadWorker();
  const before = commitLatency();
  const rows: BenchRow[] = [];
  try {
    for (const protocol of ['http', 'mqtt', 'coap'] as const) rows.push(...(await benchTransport(protocol, load)));
    rows.push(...(await benchBurst(load)));
  } finally {
    await load.close();
  }
  const after = commitLatency();
  rows.unshift({
    suite,
    case: 'durable commit (context)',
    value: before.p50,
    unit: 'ms',
    note: `one-row SQLite commit, WAL + synchronous=FULL, on ${tmpdir()}: p50/p99 ${before.p50}/${before.p99} ms before the suite, ${after.p50}/${after.p99} ms after; every station figure below waits on these`,
  });
  return rows;
}

async function benchTransport(protocol: SimProtocol, load: LoadWorker): Promise<BenchRow[]> {
  const bare = await baselines[protocol]();
  const station = await startStation();
  const rows: BenchRow[] = [];
  let peakStation = 0;
  let peakBare = 0;
  try {
    const against = (port: number, concurrency: number, devices: number) => load.run({ protocol, port, concurrency, devices, key, secret });
    // Warm both sides' JIT before anything is measured.
    await against(bare.port, 16, 200);
    await against(station.port(protocol), 16, 200);
    for (const [concurrency, devices] of levels) {
      let b: SimulationSummary | null = null;
      let s: SimulationSummary | null = null;
      for (let round = 0; round < rounds; round++) {
        b = best(b, await against(bare.port, concurrency, devices));
        s = best(s, await against(station.port(protocol), concurrency, devices));
      }
      peakStation = Math.max(peakStation, s!.rate);
      peakBare = Math.max(peakBare, b!.rate);
      const latency = (x: SimulationSummary) => `p50 ${x.latencyMs.p50} / p99 ${x.latencyMs.p99} ms`;
      rows.push({
        suite,
        case: `${protocol} c=${concurrency}`,
        value: Math.round(s!.rate),
        unit: 'devices/s',
        baseline: Math.round(b!.rate),
        ratio: ratio(s!.rate, b!.rate),
        note: `${devices} devices; station ${latency(s!)}; bare ${latency(b!)}${problems(s!, b!)}`,
      });
    }
    rows.push({
      suite,
      case: `${protocol} peak`,
      value: Math.round(peakStation),
      unit: 'devices/s',
      baseline: Math.round(peakBare),
      ratio: ratio(peakStation, peakBare),
      note: 'best rate over the concurrency levels, each side; goal ratio ≥ 0.5',
    });
  } finally {
    await station.close();
    await bare.close();
  }
  return rows;
}

/** Every device of a 5,000-device batch powering on at once, over MQTT: time until the last one has its answer. */
async function benchBurst(load: LoadWorker): Promise<BenchRow[]> {
  const bare = await startMqttBaseline();
  const station = await startStation();
  try {
    const burst = (port: number) =>
      load.run({ protocol: 'mqtt', port, devices: burstDevices, concurrency: burstDevices, key, secret, timeoutMs: 60_000 });
    const b = await burst(bare.port);
    const s = await burst(station.port('mqtt'));
    const stored = station.deviceCount();
    return [
      {
        suite,
        case: `mqtt burst ${burstDevices} at once`,
        value: s.durationMs,
        unit: 'ms',
        baseline: b.durationMs,
        ratio: ratio(s.durationMs, b.durationMs),
        note: `all answered: ${s.outcomes.SUCCESS} SUCCESS, ${s.failed} not; ${stored} devices stored; p50 ${s.latencyMs.p50} / p99 ${s.latencyMs.p99} ms; ratio = time / bare time${problems(s, b)}`,
      },
    ];
  } finally {
    await station.close();
    await bare.close();
  }
}

/** What one durable commit costs on this disk right now: the floor under every station latency. */
function commitLatency(): { p50: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-fsync-'));
  const db = new Database(join(dir, 'probe.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      db.transaction(() => insert.run('x'.repeat(200)))();
      times.push(performance.now() - start);
    }
    const { p50, p99 } = summarizeLatency(times);
    return { p50, p99 };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The better of two rounds; a round with failures never wins over a clean one. */
function best(a: SimulationSummary | null, b: SimulationSummary): SimulationSummary {
  if (a === null) return b;
  if (a.ok !== b.ok) return a.ok ? a : b;
  return b.rate > a.rate ? b : a;
}

function ratio(value: number, baseline: number): number {
  return baseline > 0 ? Number((value / baseline).toFixed(3)) : 0;
}

/** The figures mean nothing if devices failed: say so next to them. */
function problems(station: SimulationSummary, bare: SimulationSummary): string {
  const describe = (who: string, x: SimulationSummary) => {
    if (x.ok) return '';
    const o = x.outcomes;
    const first = x.errors[0] ? ` (${x.errors[0].message})` : '';
    return `; ${who}: NOT_FOUND ${o.NOT_FOUND}, FAILURE ${o.FAILURE}, errors ${o.errors}${first}`;
  };
  return describe('STATION FAILURES', station) + describe('BARE FAILURES', bare);
}

interface BenchStation {
  port(protocol: SimProtocol): number;
  deviceCount(): number;
  close(): Promise<void>;
}

/** A real station as `fieldstation serve` runs it, on a fresh data directory with one allow-create profile. */
async function startStation(): Promise<BenchStation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-'));
  const station = createStation({ dataDir, bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 } });
  const info = await station.start();
  const engine = station.engine!;
  const added = await engine.router.call(
    'profiles.add',
    { name: 'bench', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' },
    ADMIN,
  );
  if (!added.ok) throw new Error(`bench profile: ${added.error.message}`);
  return {
    port: (protocol) => info.listeners.find((l) => l.name === protocol)!.port,
    deviceCount: () => (engine.db.prepare('SELECT count(*) FROM devices').pluck().get() as number) ?? 0,
    async close() {
      await station.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---- the load generator's thread ----

const workerTag = 'fieldstation-bench-load';

type Request = { id: number; load: Load };
type Reply = { id: number; summary?: SimulationSummary; error?: string };

interface LoadWorker {
  run(load: Load): Promise<SimulationSummary>;
  close(): Promise<void>;
}

/** A worker thread on this same bundle (bench/index.ts hands it to serveLoadWorker) that runs simulations on request. */
function startLoadWorker(): LoadWorker {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: workerTag } });
  const pending = new Map<number, { resolve: (s: SimulationSummary) => void; reject: (e: Error) => void }>();
  let ids = 0;
  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id);
    if (!p) return;
    pending.delete(reply.id);
    if (reply.summary) p.resolve(reply.summary);
    else p.reject(new Error(`load worker: ${reply.error}`));
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`load worker exited with code ${code}`)));
  return {
    run(load) {
      return new Promise((resolve, reject) => {
        const id = ++ids;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, load } satisfies Request);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

/** Whether this thread is a load worker started by startLoadWorker. */
export function isLoadWorker(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { role?: unknown }).role === workerTag;
}

/** The worker's side: runs each requested simulation and posts its summary back. */
export function serveLoadWorker(): void {
  const port = parentPort;
  if (!port) throw new Error('serveLoadWorker runs only in a worker thread');
  port.on('message', ({ id, load }: Request) => {
    runSimulation(load).then(
      (summary) => port.postMessage({ id, summary } satisfies Reply),
      (err: unknown) => port.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies Reply),
    );
  });
}
