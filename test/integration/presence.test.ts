import { type ChildProcess, spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device } from '../../shared/devices.ts';
import type { DeviceState } from '../../shared/station.ts';
import { runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { curl } from '../support/real-clients.ts';
import { startServe } from '../support/serve-process.ts';
import { startTestStation, type TestStation } from '../support/station.ts';

// Online ⇄ offline with real clients: mosquitto_sub killed with SIGKILL (the socket drops, no DISCONNECT), a raw TCP
// client that sends CONNECT by hand and then nothing (no PINGREQ), curl for a polling HTTP device.

let station: TestStation | null = null;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await station?.station.stop();
  station = null;
});

async function stationWithDevice(inactivityTimeoutMs?: number): Promise<TestStation> {
  station = await startTestStation();
  await station.call('profiles.add', {
    name: 'sensors',
    provisionDeviceKey: 'key',
    provisionDeviceSecret: 'secret',
    strategy: 'allow-create',
    inactivityTimeoutMs,
  });
  await station.call('devices.add', { profile: 'sensors', name: 'pump-1', token: 'PUMP1TOKEN' });
  return station;
}

/** Resolves when the live feed says `name` is in `state` (subscribe before acting), with the time it arrived. */
function nextState(s: TestStation, name: string, state: DeviceState, ms = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${name} did not become ${state} within ${ms} ms`));
    }, ms);
    const stop = s.station.engine!.bus.subscribe((e) => {
      if (e.type !== 'device' || e.device.name !== name || e.device.state !== state) return;
      clearTimeout(timer);
      stop();
      resolve(performance.now());
    });
  });
}

const device = async (s: TestStation, name = 'pump-1'): Promise<Device> => s.call('devices.get', { name });

/** mosquitto_sub as the device, resolved once it printed the CONNACK it received (`-d`). */
function mosquittoSession(port: number, token: string, keepaliveS = 5): Promise<ChildProcess> {
  // Line-buffered, or its debug lines would wait in a pipe buffer until it exits.
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-d', '-h', '127.0.0.1', '-p', String(port), '-u', token, '-k', String(keepaliveS), '-t', 'v1/devices/me/attributes']);
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no CONNACK: ${out}`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('CONNACK')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', () => reject(new Error(`mosquitto_sub exited: ${out}`)));
  });
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** An MQTT 3.1.1 CONNECT written out byte by byte: clean session, a user name, the given keep-alive. */
function connectPacket(clientId: string, username: string, keepaliveS: number): Buffer {
  const text = (s: string) => {
    const bytes = Buffer.from(s, 'utf8');
    return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
  };
  // Protocol name, level 4, flags: user name (0x80) | clean session (0x02), keep-alive in seconds (§3.1.2).
  const variable = Buffer.concat([text('MQTT'), Buffer.from([4, 0x82, keepaliveS >> 8, keepaliveS & 0xff])]);
  const rest = Buffer.concat([variable, text(clientId), text(username)]);
  return Buffer.concat([Buffer.from([0x10, rest.length]), rest]);
}

describe('an MQTT device is online while a session is open', () => {
  it('goes offline when its client is killed, and online again with its next telemetry', async () => {
    const s = await stationWithDevice();
    const online = nextState(s, 'pump-1', 'online');
    const client = await mosquittoSession(s.ports.mqtt, 'PUMP1TOKEN');
    await online;
    expect(await device(s)).toMatchObject({ state: 'online' });

    const offline = nextState(s, 'pump-1', 'offline');
    const killedAt = performance.now();
    await killed(client);
    // A killed process's socket is closed by the kernel: the station hears it at once, well inside 1.5 × keep-alive.
    expect((await offline) - killedAt).toBeLessThan(5 * 1500);
    expect(await device(s)).toMatchObject({ state: 'offline' });

    const back = nextState(s, 'pump-1', 'online');
    const reply = await curl(`http://127.0.0.1:${s.ports.http}/api/v1/PUMP1TOKEN/telemetry`, { body: '{"t":1}' });
    expect(reply.status).toBe(200);
    await back;
  });

  it('goes offline 1.5 × keep-alive after a client that connected and then fell silent (no PINGREQ)', async () => {
    const s = await stationWithDevice();
    const socket: Socket = connect(s.ports.mqtt, '127.0.0.1');
    const closedByStation = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    const connack = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    const online = nextState(s, 'pump-1', 'online');
    socket.write(connectPacket('raw-1', 'PUMP1TOKEN', 2));
    expect([...(await connack)]).toEqual([0x20, 0x02, 0x00, 0x00]);
    const connectedAt = performance.now();
    await online;

    const offlineAt = await nextState(s, 'pump-1', 'offline', 6000);
    await closedByStation;
    // aedes closes the client 1.5 × 2 s after its last packet (MQTT 3.1.1 §3.1.2.10): not before, and not much after.
    expect(offlineAt - connectedAt).toBeGreaterThanOrEqual(2900);
    expect(offlineAt - connectedAt).toBeLessThan(4500);
    socket.destroy();
  });

  it('with two sessions open, goes offline only when the last one ends', async () => {
    const s = await stationWithDevice();
    const first = await mosquittoSession(s.ports.mqtt, 'PUMP1TOKEN');
    const second = await mosquittoSession(s.ports.mqtt, 'PUMP1TOKEN');
    const seenBefore = (await device(s)).lastSeenAt;
    await killed(first);
    // The station records the end of the first session as a contact: wait for that, then it must still be online.
    const deadline = performance.now() + 5000;
    while ((await device(s)).lastSeenAt === seenBefore && performance.now() < deadline) await s.station.engine!.committer.flush();
    expect(await device(s)).toMatchObject({ state: 'online' });
    expect((await device(s)).lastSeenAt).not.toBe(seenBefore);

    const offline = nextState(s, 'pump-1', 'offline');
    await killed(second);
    await offline;
  });

  it('leaves a handed-over device handed over on its messages, and is online again when it opens a new session', async () => {
    const s = await stationWithDevice();
    // As the hand-over driver records a confirmation (handover/handovers.ts).
    s.station.engine!.db.prepare("UPDATE devices SET state = 'handed-over' WHERE name = 'pump-1'").run();
    const reply = await curl(`http://127.0.0.1:${s.ports.http}/api/v1/PUMP1TOKEN/telemetry`, { body: '{"t":1}' });
    expect(reply.status).toBe(200);
    const after = await device(s);
    expect(after.state).toBe('handed-over');
    expect(after.lastSeenAt).not.toBeNull();

    const online = nextState(s, 'pump-1', 'online');
    const client = await mosquittoSession(s.ports.mqtt, 'PUMP1TOKEN');
    await online;
    const offline = nextState(s, 'pump-1', 'offline');
    await killed(client);
    await offline;
  });
});

describe('a polling device is offline once silent longer than its profile inactivity timeout', () => {
  it('goes offline after one curl telemetry and a second of silence', async () => {
    const s = await stationWithDevice(1000);
    const online = nextState(s, 'pump-1', 'online');
    const sentAt = performance.now();
    const reply = await curl(`http://127.0.0.1:${s.ports.http}/api/v1/PUMP1TOKEN/telemetry`, { body: '{"temperature":21}' });
    expect(reply.status).toBe(200);
    await online;
    const offlineAt = await nextState(s, 'pump-1', 'offline', 5000);
    expect(offlineAt - sentAt).toBeGreaterThanOrEqual(1000);
    expect(await device(s)).toMatchObject({ state: 'offline' });
    expect((await s.call('station.status', {})).counters.devices).toMatchObject({ online: 0, offline: 1 });
  });

  it('never times out a device whose MQTT session is open, and does time it out once the session is gone', async () => {
    const s = await stationWithDevice(1000);
    const { db, presence } = s.station.engine!;
    const client = await mosquittoSession(s.ports.mqtt, 'PUMP1TOKEN');
    const reply = await curl(`http://127.0.0.1:${s.ports.http}/api/v1/PUMP1TOKEN/telemetry`, { body: '{"t":1}' });
    expect(reply.status).toBe(200);
    // As if it had been silent for a minute, far past its 1 s timeout.
    const silentForAMinute = db.prepare("UPDATE devices SET last_seen_at = ? WHERE name = 'pump-1'");
    silentForAMinute.run(Date.now() - 60_000);
    expect(await presence.sweep()).toBe(0);
    expect(await device(s)).toMatchObject({ state: 'online' });

    const offline = nextState(s, 'pump-1', 'offline');
    await killed(client);
    await offline;
    const back = nextState(s, 'pump-1', 'online');
    expect((await curl(`http://127.0.0.1:${s.ports.http}/api/v1/PUMP1TOKEN/telemetry`, { body: '{"t":2}' })).status).toBe(200);
    await back;
    silentForAMinute.run(Date.now() - 60_000);
    expect(await presence.sweep()).toBe(1);
    expect(await device(s)).toMatchObject({ state: 'offline' });
  });
});

describe('serve after a crash', () => {
  it('shows devices that were online in an MQTT session of the killed run as offline (devices --state offline)', async () => {
    const dataDir = tempDir();
    const cli = (...args: string[]) => runCliAsync([...args, '--data', dataDir]);
    expect((await cli('profile', 'add', '--name', 'p', '--key', 'k', '--secret', 's', '--strategy', 'allow-create', '--inactivity-timeout', '5m')).status).toBe(0);
    expect((await cli('device', 'add', '--profile', 'p', '--name', 'pump-1', '--token', 'PUMP1TOKEN')).status).toBe(0);
    const first = await startServe({ dataDir, args: ['--bind', '127.0.0.1'] });
    const client = await mosquittoSession(first.ports.mqtt!, 'PUMP1TOKEN');
    first.process.kill('SIGKILL');
    await first.exited;
    await killed(client);
    const left = JSON.parse((await cli('devices', '--state', 'online', '--json')).stdout) as Device[];
    expect(left.map((d) => d.name)).toEqual(['pump-1']);

    const second = await startServe({ dataDir, args: ['--bind', '127.0.0.1'] });
    try {
      const offline = await cli('devices', '--state', 'offline', '--json');
      expect(offline.status).toBe(0);
      expect((JSON.parse(offline.stdout) as Device[]).map((d) => d.name)).toEqual(['pump-1']);
      const profiles = JSON.parse((await cli('profile', 'list', '--json')).stdout) as { inactivityTimeoutMs: number }[];
      expect(profiles[0]!.inactivityTimeoutMs).toBe(300_000);
    } finally {
      await second.stop();
    }
  });
});
