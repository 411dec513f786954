import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath, runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';
import { startThingsBoardCloud, type ThingsBoardCloud } from '../support/thingsboard-cloud.ts';

// A whole site rehearsed on one machine, as issue 10 asks: 200 simulated devices provision at the station over
// MQTT, report telemetry, are handed over as a batch to a ThingsBoard-shaped cloud, and reconnect there with the
// credentials the station gave them. The station is SIGKILLed in the middle of the hand-over and restarted on the
// same data directory and ports; the run still completes, and the cloud holds every device exactly once.

const DEVICES = 200;
const servers: ServeProcess[] = [];
const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function cli(data: string, ...args: string[]) {
  const r = await runCliAsync([...args, '--data', data]);
  if (r.status !== 0) throw new Error(`fieldstation ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, withinMs: number, what: string): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: not after ${withinMs} ms: ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('a site rehearsed end to end with a hand-over', () => {
  it(`${DEVICES} devices: provision, telemetry, hand-over to the cloud through a SIGKILL, reconnect there once each`, { timeout: 180_000 }, async () => {
    const data = tempDir();
    const cloud = await startThingsBoardCloud({ profiles: ['meters'], deviceApi: true });
    clouds.push(cloud);
    let mqttPort = await freePort();
    // Every simulated device connects from 127.0.0.1: a whole site behind one address needs the limits raised (README).
    const serve = () =>
      startServe({ dataDir: data, mqttPort, args: ['--bind', '127.0.0.1', '--max-connections-per-address', '1000', '--max-connection-rate', '5000'] });
    // The port was free a moment ago; an outgoing connection may take it meanwhile: pick another then (bounded).
    let station: ServeProcess | undefined;
    for (let attempt = 0; station === undefined; attempt++) {
      try {
        station = await serve();
      } catch (err) {
        if (attempt >= 3 || !/already in use/.test(String(err))) throw err;
        mqttPort = await freePort();
      }
    }
    servers.push(station);

    await cli(data, 'profile', 'add', '--name', 'meters', '--key', 'meters-key', '--secret', 'meters-secret', '--strategy', 'allow-create');
    await cli(data, 'batch', 'add', '--name', 'plant-3', '--profile', 'meters');
    const [token] = JSON.parse(await cli(data, 'tokens', 'issue', '--batch', 'plant-3', '--uses', String(DEVICES), '--json')) as { key: string; secret: string }[];

    // The devices: one simulator process, every device powered on at once, following the hand-over.
    const sim = spawn(process.execPath, [
      cliPath, 'simulate', '--protocol', 'mqtt', '--devices', String(DEVICES), '--concurrency', '50', '--key', token!.key,
      '--secret', token!.secret, '--port', String(mqttPort), '--telemetry', '--follow-handover', '--handover-timeout', '150', '--json',
    ]);
    let simOut = '';
    let simErr = '';
    sim.stdout.on('data', (d) => (simOut += d));
    sim.stderr.on('data', (d) => (simErr += d));
    const simDone = new Promise<number | null>((resolve) => sim.once('close', resolve));

    const devices = async () => JSON.parse(await cli(data, 'devices', '--batch', 'plant-3', '--json')) as { name: string; state: string }[];
    // Provisioned and heard from (online, or offline again between their telemetry and following the hand-over).
    await until(devices, (d) => d.length === DEVICES && d.every((x) => x.state !== 'pending'), 60_000, 'devices provisioned');

    await cli(data, 'sync', 'target', 'add', '--name', 'cloud', '--type', 'thingsboard', '--url', cloud.url, '--username', 'tenant@thingsboard.org', '--password', 'tenant');
    const started = JSON.parse(await cli(data, 'handover', '--batch', 'plant-3', '--target', 'cloud', '--mqtt-port', String(cloud.deviceApi!.mqttPort), '--json'));
    expect(started).toMatchObject({ started: DEVICES, skipped: [] });

    // Kill the station in the middle: some devices already told, not all of them confirmed.
    const status = async () => JSON.parse(await cli(data, 'handover', 'status', '--batch', 'plant-3', '--json')) as { counts: Record<string, number> };
    await until(status, (s) => s.counts.syncing! < DEVICES, 60_000, 'hand-over under way');
    station.process.kill('SIGKILL');
    await station.exited;
    station = await serve();
    servers.push(station);

    const code = await simDone;
    const summary = JSON.parse(simOut) as { succeeded: number; handover: { moved: number; accepted: number; errors: unknown[] } };
    expect({ code, handover: summary.handover }, simErr).toMatchObject({ code: 0, handover: { moved: DEVICES, accepted: DEVICES, errors: [] } });

    const final = await until(status, (s) => s.counts.confirmed === DEVICES, 30_000, 'every device confirmed');
    expect(final.counts).toMatchObject({ confirmed: DEVICES, syncing: 0, waiting: 0, delivered: 0, failed: 0, 'timed-out': 0 });
    expect((await devices()).every((d) => d.state === 'handed-over')).toBe(true);

    // The cloud: each device created once, and each logged in there with the station's credentials.
    expect(cloud.stats.devicesCreated).toBe(DEVICES);
    expect(cloud.state.devices.size).toBe(DEVICES);
    expect(cloud.deviceApi!.refused).toEqual([]);
    for (const d of cloud.state.devices.values()) {
      expect(cloud.deviceApi!.activity.get(d.id)?.connects ?? 0, d.name).toBeGreaterThanOrEqual(1);
    }
  });
});
