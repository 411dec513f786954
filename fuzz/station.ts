import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { type ServeProcess, startServe } from '../test/support/serve-process.ts';
import { type MemoryAfterGc, stationHook } from './station-hook.ts';
import { type FuzzContext, fixtures, sentinel } from './types.ts';

/** The station under fuzz: `fieldstation serve` as a child process on loopback, and what the fuzzer needs of it. */
export interface FuzzStation {
  ctx: FuzzContext;
  pid: number;
  serve: ServeProcess;
  alive(): boolean;
  /** Resident set size of the station process in bytes (VmRSS from /proc/PID/status), garbage included. */
  rss(): number;
  /** The station's memory right after two full garbage collections (station-hook.ts); null if it did not answer. */
  memoryAfterGc(): Promise<MemoryAfterGc | null>;
  /** An admin API call with the run's secret; throws on a refusal. */
  call(method: string, params: object): Promise<unknown>;
  /** Puts back what mutated admin calls may have changed: listeners on, on 127.0.0.1, the two profiles. */
  restore(): Promise<void>;
  stop(): Promise<void>;
}

// Every fuzz input comes from 127.0.0.1, hundreds a second: the per-address limits (net/source-limits.ts, tested on
// their own) would turn valid inputs away and hide what the fuzzer is after, so they are raised here.
const sourceLimitArgs = ['--max-connections-per-address', '100000', '--max-connection-rate', '1000000', '--max-connections', '100000'];

export async function startFuzzStation(dataDir: string, options: { cpuProfile?: string } = {}): Promise<FuzzStation> {
  const sink = await startSink();
  const hook = stationHook(dataDir, options.cpuProfile);
  const serve = await startServe({ dataDir, args: ['--bind', '127.0.0.1', ...sourceLimitArgs], env: hook.env });
  const { http, mqtt, coap, ui } = serve.ports;
  if (!http || !mqtt || !coap || !ui) throw new Error(`the station did not print every listener:\n${serve.output()}`);
  const ctx: FuzzContext = { ports: { http, mqtt, coap, ui }, secret: serve.secret, sinkPort: (sink.address() as { port: number }).port };
  const pid = serve.process.pid!;

  async function call(method: string, params: object): Promise<unknown> {
    const res = await fetch(`${serve.baseUrl}/api/rpc/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${serve.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(10_000),
    });
    const reply = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    if (!reply.ok) throw new Error(`${method}: ${reply.error?.code}: ${reply.error?.message}`);
    return reply.value;
  }

  /** Adds the profile, or (it exists, perhaps changed by a mutated call) sets it back. */
  async function ensureProfile(name: string, key: string, secret: string): Promise<void> {
    const fields = { provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create', reprovision: 'deny', defaultCredentialsType: 'ACCESS_TOKEN' };
    try {
      await call('profiles.add', { name, ...fields });
    } catch {
      await call('profiles.update', { profile: name, ...fields });
    }
  }

  async function restore(): Promise<void> {
    await call('station.bind.set', { address: '127.0.0.1' });
    for (const name of ['http', 'mqtt', 'coap']) await call('station.listeners.set', { name, enabled: true });
    await ensureProfile(sentinel.profile, sentinel.provisionKey, sentinel.provisionSecret);
    await ensureProfile(fixtures.profile, fixtures.provisionKey, fixtures.provisionSecret);
  }

  await restore();
  await call('batches.create', { name: fixtures.batch, profile: fixtures.profile });
  await call('devices.add', { profile: fixtures.profile, name: fixtures.device, batch: fixtures.batch, token: fixtures.deviceToken });
  await call('tokens.issue', { batch: fixtures.batch, uses: 1000, expires: '30d' });

  return {
    ctx,
    pid,
    serve,
    alive: () => serve.process.exitCode === null && serve.process.signalCode === null,
    rss() {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      return kb ? Number(kb[1]) * 1024 : 0;
    },
    memoryAfterGc: () => hook.measure(pid, serve.process.stderr!),
    call,
    restore,
    async stop() {
      await serve.stop();
      await new Promise<void>((resolve) => sink.close(() => resolve()));
    },
  };
}

/** Accepts and drops every connection: the only place mutated sync targets and printers can reach. */
function startSink(): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
