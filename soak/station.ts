import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../electron/station/paths.ts';
import { type ServeProcess, startServe } from '../test/support/serve-process.ts';

// The station under soak: `fieldstation serve` as a child process (the way a technician runs it), SIGKILLed and
// restarted on the same ports, so devices keep the address they were given.

const bin = join(packageRoot, 'bin', 'fieldstation.js');

/** One `fieldstation` command to completion; throws with its stderr when it fails. */
export function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`fieldstation ${args.join(' ')}: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

export interface Ports {
  http: number;
  mqtt: number;
  coap: number;
}

export interface SoakStation {
  /** Where devices connect (stable across restarts). */
  readonly ports: Ports;
  /** True while a serving process is up and ready. */
  readonly up: boolean;
  kills: number;
  /** SIGKILL, now; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a fresh process on the same ports. */
  restart(): Promise<void>;
  /** One admin API method on the running station (`POST /api/rpc/METHOD`); throws on an error answer. */
  api(method: string, params: unknown): Promise<unknown>;
  /** SIGTERM (a clean stop). */
  stop(): Promise<void>;
}

export async function startSoakStation(dataDir: string): Promise<SoakStation> {
  let proc: ServeProcess = await startServe({ dataDir, args: ['--bind', '127.0.0.1'] });
  const ports: Ports = { http: proc.ports.http!, mqtt: proc.ports.mqtt!, coap: proc.ports.coap! };
  const uiPort = proc.ports.ui!;
  let up = true;
  const station: SoakStation = {
    ports,
    get up() {
      return up;
    },
    kills: 0,
    async kill() {
      up = false;
      proc.process.kill('SIGKILL');
      await proc.exited;
      station.kills += 1;
    },
    async restart() {
      // The kernel frees the ports with the process; a UDP or listening TCP port is reusable at once.
      proc = await startServe({ dataDir, uiPort, httpPort: ports.http, mqttPort: ports.mqtt, coapPort: ports.coap, args: ['--bind', '127.0.0.1'] });
      up = true;
    },
    async api(method, params) {
      const r = await fetch(`${proc.baseUrl}/api/rpc/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${proc.secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
      const reply = (await r.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
      if (!reply.ok) throw new Error(`${method}: ${reply.error?.message}`);
      return reply.value;
    },
    async stop() {
      up = false;
      await proc.stop();
    },
  };
  return station;
}
