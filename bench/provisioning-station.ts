import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { summarizeLatency } from '../electron/cli/simulate/stats.ts';
import { ADMIN } from '../electron/station/api/router.ts';
import { createStation } from '../electron/station/station.ts';
import type { StationJobs } from '../electron/station/station-writer.ts';
import { workerScript } from '../electron/station/store/worker-script.ts';
import { createWriter } from '../electron/station/store/writer-thread.ts';

export type StationProtocol = 'http' | 'mqtt' | 'coap';

export interface BenchStation {
  port(protocol: StationProtocol): number;
  deviceCount(): number;
  close(): Promise<void>;
}

/**
 * A real station as `fieldstation serve` runs it, on a fresh data directory with one allow-create profile. With
 * `echo`, its writer thread answers every provision at once and stores nothing (load/echo-writer.ts): the station
 * without its database, for the ceiling a durable ratio can approach.
 */
export async function startStation(key: string, secret: string, options: { echo?: boolean } = {}): Promise<BenchStation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fieldstation-bench-'));
  // The load comes from one address, as thousands of devices: the limits still run on every connection, but never bite.
  const limits = { connectionsPerAddress: 1_000_000, connectionRatePerAddress: 1_000_000, connectionsPerListener: 1_000_000 };
  const writer = options.echo ? () => createWriter<StationJobs>({ script: echoWriterScript, workerData: () => ({}) }) : undefined;
  const station = createStation({ dataDir, bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, limits, ...(writer ? { writer } : {}) });
  const info = await station.start();
  const engine = station.engine!;
  const added = await engine.router.call(
    'profiles.add',
    { name: 'bench', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' },
    ADMIN,
  );
  if (!added.ok) throw new Error(`bench profile: ${added.error.message}`);
  const count = engine.db.prepare('SELECT count(*) FROM devices').pluck();
  return {
    port: (protocol) => info.listeners.find((l) => l.name === protocol)!.port,
    deviceCount: () => (count.get() as number) ?? 0,
    async close() {
      await station.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function echoWriterScript(): URL {
  return workerScript({
    source: new URL('./load/echo-writer.ts', import.meta.url),
    // Built, this module is inside dist/bench.mjs: scripts/build.mjs puts the echo writer beside it.
    bundled: new URL('./bench-echo-writer.mjs', import.meta.url),
    fromSource: import.meta.url.endsWith('.ts'),
  });
}

/** What one durable commit costs on this disk right now (one row, WAL + synchronous=FULL): the floor under every station latency. */
export function commitLatency(): { p50: number; p99: number } {
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
