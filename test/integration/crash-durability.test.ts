import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { provisionBody } from '../../electron/cli/simulate/answer.ts';
import { mqttClient } from '../../electron/cli/simulate/mqtt.ts';
import { runSimulation } from '../../electron/cli/simulate/run.ts';
import type { DeviceResult, SimProtocol } from '../../electron/cli/simulate/types.ts';
import { cliPath, runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';

// DESIGN.md's first promise: a device told SUCCESS is on disk. The station is killed with SIGKILL (no shutdown code
// runs) while hundreds of devices are mid-provisioning, then restarted on the same data directory.

const key = 'crash-key';
const secret = 'crash-secret';
const perProtocol = 200;
const killAfter = 200;

interface Serving {
  child: ChildProcess;
  ports: Record<'http' | 'mqtt', number>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `fieldstation serve` on 127.0.0.1, resolved once it printed every listener and the UI line. */
function serve(dataDir: string): Promise<Serving> {
  const args = ['serve', '--data', dataDir, '--ui-port', '0', '--http-port', '0', '--mqtt-port', '0', '--coap-port', '0', '--bind', '127.0.0.1'];
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve was not ready within 15 s:\n${out}`)), 15_000);
    const onData = (d: Buffer) => {
      out += d;
      if (!out.includes('Open the UI:')) return;
      const port = (name: string) => Number(new RegExp(`^${name}\\s+listening on 127\\.0\\.0\\.1:(\\d+)`, 'm').exec(out)?.[1]);
      clearTimeout(timer);
      resolve({ child, ports: { http: port('http'), mqtt: port('mqtt') } });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before it was ready:\n${out}`));
    });
  });
}

interface ListedDevice {
  name: string;
  credentialsType: string | null;
  credentialsValue: unknown;
  state: string;
  provisionedVia: string | null;
}

describe('crash durability', () => {
  it('every device told SUCCESS before a SIGKILL is stored with exactly those credentials after restart', async () => {
    const dataDir = tempDir();
    const added = await runCliAsync(['profile', 'add', '--data', dataDir, '--name', 'crash', '--key', key, '--secret', secret, '--strategy', 'allow-create']);
    expect(added.status, added.stderr).toBe(0);

    const first = await serve(dataDir);
    const exited = once(first.child, 'exit');
    const told = new Map<string, DeviceResult>();
    let answered = 0;
    let killedAt = -1;
    const onResult = (r: DeviceResult) => {
      if (r.outcome === 'SUCCESS') told.set(r.name, r);
      if (r.outcome !== 'error' && ++answered === killAfter) {
        killedAt = answered;
        first.child.kill('SIGKILL');
      }
    };
    // Half over HTTP, half over MQTT, 25 in flight each: the station has both kinds mid-flight when it dies.
    const load = (protocol: SimProtocol) =>
      runSimulation({
        protocol,
        port: first.ports[protocol as 'http' | 'mqtt'],
        devices: perProtocol,
        concurrency: 25,
        key,
        secret,
        namePrefix: `crash-${protocol}`,
        timeoutMs: 5000,
        onResult,
      });
    const [http, mqtt] = await Promise.all([load('http'), load('mqtt')]);
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    expect(killedAt).toBe(killAfter);
    // The kill really was mid-flight: some devices never got an answer.
    expect(http.outcomes.errors + mqtt.outcomes.errors).toBeGreaterThan(0);
    expect(http.outcomes.SUCCESS + mqtt.outcomes.SUCCESS).toBe(told.size);
    expect(told.size).toBeGreaterThanOrEqual(killAfter);
    expect(http.outcomes.SUCCESS).toBeGreaterThan(0);
    expect(mqtt.outcomes.SUCCESS).toBeGreaterThan(0);

    const second = await serve(dataDir);
    const listed = await runCliAsync(['devices', '--data', dataDir, '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    const stored = new Map((JSON.parse(listed.stdout) as ListedDevice[]).map((d) => [d.name, d]));
    const lost: string[] = [];
    const changed: string[] = [];
    for (const [name, result] of told) {
      const device = stored.get(name);
      if (!device) lost.push(name);
      else if (device.credentialsType !== 'ACCESS_TOKEN' || device.credentialsValue !== result.credentials?.value) changed.push(name);
    }
    expect({ lost, changed }).toEqual({ lost: [], changed: [] });
    for (const name of told.keys()) expect(stored.get(name)?.provisionedVia).toBe(name.startsWith('crash-http') ? 'http' : 'mqtt');
    // Committed but unanswered devices may exist (the reply died with the process); nothing else may.
    for (const name of stored.keys()) expect(name).toMatch(/^crash-(http|mqtt)-\d+$/);

    // The restarted station still serves: a new device, and a told one cannot be created twice.
    const fresh = await runSimulation({ protocol: 'http', port: second.ports.http, devices: 1, key, secret, namePrefix: 'after-crash' });
    expect(fresh.outcomes.SUCCESS).toBe(1);
    const [someone] = [...told.keys()];
    const again = await mqttClient({ host: '127.0.0.1', port: second.ports.mqtt }).provision(provisionBody(key, secret, someone!, 'access-token'), 5000);
    expect(again).toEqual({ status: 'FAILURE', credentials: null });

    second.child.kill('SIGTERM');
    const [code] = await once(second.child, 'exit');
    expect(code).toBe(0);
  });
});
