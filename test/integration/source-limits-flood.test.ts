import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationStatus } from '../../shared/station.ts';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { pahoProvision } from '../support/mqtt-clients.ts';
import { curl } from '../support/real-clients.ts';
import { type ServeProcess, startServe } from '../support/serve-process.ts';

// Issue 11 "Limits": a flood of 10,000 connection attempts from one address (127.0.0.2; Linux routes all of
// 127.0.0.0/8 to lo) must not stop the devices of another (127.0.0.1) from provisioning, on HTTP and on MQTT. The
// station runs as `fieldstation serve` with its default limits; devices are curl and Eclipse Paho.

const key = 'flood-key';
const secret = 'flood-secret';
const noisy = '127.0.0.2';
const attempts = 10_000;
// Sockets the flood holds at once: more than one address may hold (64 by default), under the listen backlog (511).
const batch = 200;
const devicesPerTransport = 8;

let served: ServeProcess;

beforeAll(async () => {
  const dataDir = tempDir();
  const added = runCli(['profile', 'add', '--data', dataDir, '--name', 'meters', '--key', key, '--secret', secret, '--strategy', 'allow-create']);
  expect(added.status, added.stderr).toBe(0);
  served = await startServe({ dataDir, args: ['--bind', '127.0.0.1', '--listeners', 'http,mqtt'] });
});

afterAll(async () => {
  await served?.stop();
});

/** One attempt: connect from the noisy address; settled once connected, refused, cut, or after a short wait. */
function attempt(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress: noisy });
    const settle = () => resolve(socket);
    socket.setTimeout(2000, settle);
    socket.once('connect', settle);
    socket.once('close', settle);
    socket.on('error', () => {});
  });
}

/**
 * `attempts` connections in batches of `batch` held open together, then destroyed; `onProgress` after each batch.
 * Bounded: it stops after `attempts`, whatever the station does.
 */
async function flood(port: number, onProgress: (done: number) => void): Promise<number> {
  let done = 0;
  while (done < attempts) {
    const n = Math.min(batch, attempts - done);
    const sockets = await Promise.all(Array.from({ length: n }, () => attempt(port)));
    for (const s of sockets) s.destroy();
    done += n;
    onProgress(done);
  }
  return done;
}

async function status(): Promise<StationStatus> {
  const res = await fetch(`${served.baseUrl}/api/status`, { headers: { authorization: `Bearer ${served.secret}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: StationStatus }).value;
}

const request = (name: string) => ({ deviceName: name, provisionDeviceKey: key, provisionDeviceSecret: secret });

describe('a connection flood from one address', () => {
  it("does not stop another address's devices from provisioning over HTTP and MQTT; the refusals are counted", { timeout: 180_000 }, async () => {
    // The devices start once both floods are under way (their first batch went through), and run alongside them.
    let started = 0;
    let underWay = () => {};
    const bothStarted = new Promise<void>((resolve) => {
      underWay = resolve;
    });
    const first = () => {
      started++;
      if (started === 2) underWay();
    };
    const progress = () => {
      let seen = false;
      return () => {
        if (!seen) first();
        seen = true;
      };
    };
    const floods = Promise.all([flood(served.ports.http!, progress()), flood(served.ports.mqtt!, progress())]);
    await bothStarted;

    const http = Array.from({ length: devicesPerTransport }, (_, i) =>
      curl(`http://127.0.0.1:${served.ports.http}/api/v1/provision`, { body: JSON.stringify(request(`http-${i}`)) }),
    );
    const mqtt: Promise<string>[] = [];
    for (let i = 0; i < devicesPerTransport; i++) mqtt.push(pahoProvision(served.ports.mqtt!, request(`mqtt-${i}`)));

    const httpReplies = await Promise.all(http);
    const mqttReplies = await Promise.all(mqtt);
    expect(await floods).toEqual([attempts, attempts]);

    expect(httpReplies.map((r) => [r.status, JSON.parse(r.body).status])).toEqual(Array(devicesPerTransport).fill([200, 'SUCCESS']));
    expect(mqttReplies.map((r) => JSON.parse(r).status)).toEqual(Array(devicesPerTransport).fill('SUCCESS'));

    const s = await status();
    expect(s.counters.devices.provisioned).toBe(2 * devicesPerTransport);
    const refused = s.refused!;
    const of = (transport: string) => refused.byReason.filter((r) => r.transport === transport).reduce((n, r) => n + r.count, 0);
    expect(of('http')).toBeGreaterThan(0);
    expect(of('mqtt')).toBeGreaterThan(0);
    // Every refusal is the noisy address's: the devices' address was never turned away.
    expect(refused.topAddresses).toEqual([{ address: noisy, count: refused.total }]);
    expect(refused.limits).toEqual({ connectionsPerAddress: 64, connectionRatePerAddress: 400, connectionsPerListener: 10_000 });
  });
});
