import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { type MqttStation, provisionKey, provisionSecret, startMqttStation } from '../support/mqtt-clients.ts';

// The provision answer is written straight to the device's socket (mqtt-direct-publish.ts), as ThingsBoard's
// DeviceProvisionCallback does: these are the bytes a device reads, packet by packet, on a raw socket.

let s: MqttStation;
afterEach(() => s.close());

const u16 = (n: number) => [n >> 8, n & 255];
const text = (t: string) => [...Buffer.from(t, 'utf8')];

/** CONNECT, MQTT 3.1.1, clean session, user name `provision`, keep-alive 60 s. */
function connectPacket(clientId: string): Buffer {
  const body = [...u16(4), ...text('MQTT'), 4, 0x82, 0, 60, ...u16(clientId.length), ...text(clientId), ...u16(9), ...text('provision')];
  return Buffer.from([0x10, body.length, ...body]);
}

/** PUBLISH at QoS 1 on /provision/request (the body stays under 16 KiB: two length bytes at most, §2.2.3). */
function requestPacket(packetId: number, deviceName: string): Buffer {
  const payload = JSON.stringify({ provisionDeviceKey: provisionKey, provisionDeviceSecret: provisionSecret, deviceName });
  const body = [...u16(18), ...text('/provision/request'), ...u16(packetId), ...text(payload)];
  const length = body.length < 128 ? [body.length] : [(body.length & 127) | 128, body.length >> 7];
  return Buffer.from([0x32, ...length, ...body]);
}

/** Whole packets as they arrive: first byte and body. */
function packets(socket: Socket) {
  const queue: { first: number; body: Buffer }[] = [];
  const waiting: ((p: { first: number; body: Buffer }) => void)[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      let length = 0;
      let i = 1;
      for (let multiplier = 1; i < pending.length; multiplier *= 128) {
        const byte = pending[i++]!;
        length += (byte & 127) * multiplier;
        if ((byte & 128) === 0) break;
      }
      if (pending.length < 2 || pending.length < i + length) return;
      const packet = { first: pending[0]!, body: pending.subarray(i, i + length) };
      pending = pending.subarray(i + length);
      const taker = waiting.shift();
      if (taker) taker(packet);
      else queue.push(packet);
    }
  });
  return {
    next(): Promise<{ first: number; body: Buffer }> {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no packet within 5 s')), 5000);
        waiting.push((p) => {
          clearTimeout(timer);
          resolve(p);
        });
      });
    },
  };
}

it('answers a provision request with PUBACK, then a QoS 1 PUBLISH on /provision/response with packet ids 1, 2, … per session', async () => {
  s = await startMqttStation();
  const socket = connectTcp({ host: '127.0.0.1', port: s.port });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const read = packets(socket);
  socket.write(connectPacket('provision'));
  expect(await read.next()).toEqual({ first: 0x20, body: Buffer.from([0, 0]) });

  for (const [requestId, answerId, name] of [[7, 1, 'raw-one'], [8, 2, 'raw-two']] as const) {
    socket.write(requestPacket(requestId, name));
    // DeviceProvisionCallback.onSuccess: the request's PUBACK first, then the answer.
    expect(await read.next()).toEqual({ first: 0x40, body: Buffer.from(u16(requestId)) });
    const answer = await read.next();
    // PUBLISH, QoS 1, DUP and RETAIN clear.
    expect(answer.first).toBe(0x32);
    expect(answer.body.subarray(0, 21).toString('latin1')).toBe('\u0000\u0013/provision/response');
    expect(answer.body.readUInt16BE(21)).toBe(answerId);
    const payload = JSON.parse(answer.body.subarray(23).toString('utf8'));
    expect(payload).toMatchObject({ status: 'SUCCESS', credentialsType: 'ACCESS_TOKEN' });
    expect(Object.keys(payload)).toEqual(['credentialsValue', 'credentialsType', 'status']);
    // The device's PUBACK for an answer aedes never stored leaves the session open.
    socket.write(Buffer.from([0x40, 2, ...u16(answerId)]));
  }
  const devices = await s.t.call('devices.list', {});
  expect(devices.map((d: { name: string }) => d.name).sort()).toEqual(['raw-one', 'raw-two']);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(Buffer.from([0xe0, 0]));
  await closed;
});
