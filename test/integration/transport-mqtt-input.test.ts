import { connect as connectTcp, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRevokedLogins } from '../../electron/station/provisioning/revoked-logins.ts';
import type { ProvisioningService, ProvisionResponse } from '../../electron/station/provisioning/types.ts';
import { createMqttTransport, type MqttTransportOptions } from '../../electron/station/transports/mqtt.ts';
import { openTestEngine } from '../support/engine.ts';
import { type MqttStation, closed, connectJs, mosquittoPub, startMqttStation } from '../support/mqtt-clients.ts';

// Hostile or broken input on the MQTT port, and the listener's lifecycle.
const key = 'testProvisionKey';
const secret = 'testProvisionSecret';

type Station = MqttStation;
const startStation = (options: Partial<MqttTransportOptions> = {}) => startMqttStation({ withProfile: true, ...options });







/** A raw TCP connection; `ended` resolves when the server closed it. */
function rawSocket(port: number): Promise<{ socket: Socket; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: '127.0.0.1', port }, () => {
      const ended = new Promise<void>((done, fail) => {
        const timer = setTimeout(() => fail(new Error('the server kept the socket open')), 5000);
        socket.once('close', () => {
          clearTimeout(timer);
          done();
        });
      });
      resolve({ socket, ended });
    });
    socket.on('error', () => {});
    socket.once('error', reject);
  });
}

/** One request from a fresh provision session; resolves with the answer, or null if the session was closed instead. */
async function ask(port: number, payload: string | Buffer): Promise<string | null> {
  const client = await connectJs(port, { username: 'provision' });
  const outcome = new Promise<string | null>((resolve) => {
    client.once('message', (_topic, message) => resolve(message.toString('utf8')));
    client.once('close', () => resolve(null));
  });
  client.publish('/provision/request', payload, { qos: 1 });
  const answer = await outcome;
  await client.endAsync(true);
  return answer;
}

const valid = (deviceName: string) =>
  JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: secret, deviceName, token: `${deviceName}-token` });
const success = (deviceName: string) => `{"credentialsValue":"${deviceName}-token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}`;

describe('MQTT: broken and hostile input', () => {
  let s: Station;
  afterEach(() => s.close());

  it('closes a connection that does not speak MQTT, and keeps serving', async () => {
    s = await startStation();
    const http = await rawSocket(s.port);
    http.socket.write('GET / HTTP/1.1\r\nHost: station\r\n\r\n');
    await http.ended;
    const noise = await rawSocket(s.port);
    noise.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x13, 0x37]));
    await noise.ended;
    // A PUBLISH before any CONNECT.
    const early = await rawSocket(s.port);
    early.socket.write(Buffer.from([0x30, 0x05, 0x00, 0x01, 0x74, 0x68, 0x69]));
    await early.ended;
    expect(await ask(s.port, valid('after-noise'))).toBe(success('after-noise'));
  });

  it('closes a connection at the header of an oversized packet, without waiting for its body', async () => {
    s = await startStation();
    const socket = connectTcp({ host: '127.0.0.1', port: s.port });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // A PUBLISH fixed header announcing a 200 MB packet, and not one byte of it.
    socket.write(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x64]));
    await closed;
    await s.t.engine.committer.flush();
    expect((await s.t.call('provisioning.attempts', {}))[0]).toMatchObject({ outcome: 'BAD_REQUEST', reason: 'an MQTT packet of 209715200 bytes, over the 131136 allowed' });
    expect(await ask(s.port, valid('after-oversize'))).toBe(success('after-oversize'));
  });

  it('closes the session on an undecodable provision request, audits it, and keeps serving', async () => {
    s = await startStation();
    const malformed = [
      '{"provisionDeviceKey":',
      '',
      'null',
      '[]',
      '{"provisionDeviceKey":null,"provisionDeviceSecret":"testProvisionSecret"}',
      '{"provisionDeviceKey":1,"provisionDeviceSecret":true}',
      `{"provisionDeviceKey":"${key}","provisionDeviceSecret":"${secret}","credentialsType":"PSK"}`,
      `{"provisionDeviceKey":"${key}","provisionDeviceSecret":"${secret}","gateway":"yes"}`,
      `{"provisionDeviceKey":"${'k'.repeat(1024 * 1024)}","provisionDeviceSecret":"${secret}"}`,
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
    ];
    for (const payload of malformed) expect(await ask(s.port, payload)).toBeNull();
    // mosquitto_pub sees its session closed before the PUBACK.
    const pub = await mosquittoPub(s.port, ['-u', 'provision', '-q', '1', '-t', '/provision/request', '-m', '{"not":"closed']);
    expect(pub.code).not.toBe(0);

    await s.t.engine.committer.flush();
    const attempts = await s.t.call('provisioning.attempts', {});
    expect(attempts).toHaveLength(malformed.length + 1);
    expect(attempts.every((a) => a.outcome === 'BAD_REQUEST' && a.transport === 'mqtt')).toBe(true);
    // The 1 MB request is refused at its header, before its body is ever buffered.
    expect(attempts.map((a) => a.reason)).toContainEqual(expect.stringMatching(/^an MQTT packet of 10\d{5} bytes, over the 131136 allowed$/));
    expect(await s.t.call('devices.list', {})).toEqual([]);
    expect(await ask(s.port, valid('after-bad-input'))).toBe(success('after-bad-input'));
  });

  it('answers an empty key with NOT_FOUND: it is an outcome, not a malformed request', async () => {
    s = await startStation();
    expect(await ask(s.port, '{"provisionDeviceKey":"","provisionDeviceSecret":""}')).toBe(
      '{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}',
    );
  });

  it('closes a device session that sends more than the payload limit', async () => {
    s = await startStation({ maxPayloadBytes: 1024 });
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    const client = await connectJs(s.port, { username: 'token-m' });
    const whenClosed = closed(client);
    client.publish('v1/devices/me/telemetry', JSON.stringify({ blob: 'x'.repeat(1024 * 1024) }), { qos: 1 });
    await whenClosed;
    expect((await s.t.call('devices.get', { name: 'm' })).telemetry).toEqual({});
    const again = await connectJs(s.port, { username: 'token-m' });
    await again.publishAsync('v1/devices/me/telemetry', '{"t":1}', { qos: 1 });
    await again.endAsync(true);
  });
});

describe('MQTT transport lifecycle', () => {
  it('listens on port 0, and close() is idempotent and closes every socket and the listener', async () => {
    const t = openTestEngine();
    const transport = createMqttTransport({ host: '127.0.0.1', port: 0, service: t.service , deviceApi: t.engine.deviceApi});
    expect(await transport.close()).toBeUndefined();
    const again = createMqttTransport({ host: '127.0.0.1', port: 0, service: t.service , deviceApi: t.engine.deviceApi});
    const { address, port } = await again.listen();
    expect(address).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);

    const provision = await connectJs(port, { username: 'provision' });
    const provisionClosed = closed(provision);
    const silent = await rawSocket(port);
    const first = again.close();
    const second = again.close();
    expect(second).toBe(first);
    await first;
    await provisionClosed;
    await silent.ended;
    await expect(rawSocket(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(again.listen()).rejects.toThrow(/closed/);
    await t.close();
  });

  it('reports a port in use as a ListenError naming the flag to change', async () => {
    const t = openTestEngine();
    const first = createMqttTransport({ host: '127.0.0.1', port: 0, service: t.service , deviceApi: t.engine.deviceApi});
    const { port } = await first.listen();
    const second = createMqttTransport({ host: '127.0.0.1', port, service: t.service , deviceApi: t.engine.deviceApi});
    await expect(second.listen()).rejects.toMatchObject({
      name: 'ListenError',
      code: 'EADDRINUSE',
      message: expect.stringContaining('--mqtt-port'),
    });
    await second.close();
    await first.close();
    await t.close();
  });

  it('waits for a provisioning call in flight before close() resolves', async () => {
    let release: (response: ProvisionResponse) => void = () => {};
    let markStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      markStarted = resolve;
    });
    const service = {
      decode: (body: unknown) => ({ ok: true, request: body }),
      provision: () => {
        markStarted();
        return new Promise<ProvisionResponse>((resolve) => {
          release = resolve;
        });
      },
      rejectMalformed: () => {},
      // The MQTT transport listens for revoked logins from the start (mqtt-sessions.ts).
      logins: createRevokedLogins(),
    } as unknown as ProvisioningService;
    const t = openTestEngine();
    const transport = createMqttTransport({ host: '127.0.0.1', port: 0, service, deviceApi: t.engine.deviceApi });
    const { port } = await transport.listen();
    const client = await connectJs(port, { username: 'provision' });
    client.publish('/provision/request', valid('slow'), { qos: 1 });
    await started;
    let done = false;
    const closing = transport.close().then(() => {
      done = true;
    });
    await closed(client);
    expect(done).toBe(false);
    release({ errorMsg: 'Provision data was not found!', status: 'NOT_FOUND' });
    await closing;
    expect(done).toBe(true);
    await t.close();
  });
});
