import { spawn } from 'node:child_process';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttTransportOptions } from '../../electron/station/transports/mqtt.ts';
import { type MqttStation, closed, connectJs, mosquittoPub, paho, startMqttStation, subackCodes } from '../support/mqtt-clients.ts';

// Sessions beyond the acceptance cases: isolation between sessions, first contact, hostile input, lifecycle.
const key = 'testProvisionKey';
const secret = 'testProvisionSecret';

type Station = MqttStation;
const startStation = (options: Partial<MqttTransportOptions> = {}) => startMqttStation({ withProfile: true, ...options });







/** A long-running mosquitto_sub that listens in; resolves once its SUBACK arrived. */
async function mosquittoSpy(args: string[]): Promise<{ stop(): Promise<string> }> {
  // stdbuf: mosquitto_sub's debug lines would otherwise sit in a pipe buffer.
  const child = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-h', '127.0.0.1', '-d', '-v', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`mosquitto_sub did not subscribe: ${out}`)), 5000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (/Subscribed \(mid: \d+\)/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => reject(new Error(`mosquitto_sub exited: ${out}`)));
  });
  return {
    async stop() {
      child.kill();
      await exited;
      return out;
    },
  };
}



/** Every message a client receives, as text. */
function inbox(client: MqttClient): string[] {
  const received: string[] = [];
  client.on('message', (topic, payload) => received.push(`${topic} ${payload.toString('utf8')}`));
  return received;
}


const request = (extra: Record<string, unknown>) => JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: secret, ...extra });
const tokenAnswer = (token: string) => `{"credentialsValue":"${token}","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}`;

describe('MQTT isolation between sessions', () => {
  let s: Station;
  afterEach(() => s.close());

  it('concurrent provision sessions each get exactly their own answer, never another', async () => {
    s = await startStation({ provisionCloseDelayMs: 300 });
    const mosquitto = await mosquittoSpy(['-p', String(s.port), '-u', 'provision', '-t', '/provision/response', '-q', '1']);
    const spy = await connectJs(s.port, { username: 'provision' });
    const spyInbox = inbox(spy);
    expect(await subackCodes(spy, ['/provision/response'])).toEqual([1]);

    // Half by user name, half by client id: several sessions share the client id "provision" and none evicts another.
    const clients = await Promise.all(
      Array.from({ length: 12 }, (_, i) => connectJs(s.port, i % 2 ? { username: 'provision' } : { clientId: 'provision' })),
    );
    const inboxes = clients.map(inbox);
    await Promise.all(clients.map((c) => subackCodes(c, ['/provision/response'])));
    const ends = clients.map((c) => closed(c));
    const pahos = [0, 1].map((i) => {
      const ask = request({ deviceName: `paho-${i}`, token: `paho-token-${i}` });
      const args = ['--client-id', 'provision', '--subscribe', '/provision/response@1', '--publish', '/provision/request', ask];
      return paho(s.port, [...args, '--until-close']);
    });
    await Promise.all(
      clients.map((c, i) => c.publishAsync('/provision/request', request({ deviceName: `js-${i}`, token: `js-token-${i}` }), { qos: 1 })),
    );
    await Promise.all(ends);
    inboxes.forEach((received, i) => {
      expect(received).toEqual([`/provision/response ${tokenAnswer(`js-token-${i}`)}`]);
    });
    for (const [i, events] of (await Promise.all(pahos)).entries()) {
      expect(events.filter((e) => e.event === 'message').map((e) => e.payload)).toEqual([tokenAnswer(`paho-token-${i}`)]);
      expect(events.at(-1)).toMatchObject({ event: 'closed' });
    }

    // The listeners heard nothing of those 14 answers: the spy's own answer is the first thing it receives.
    const spyClosed = closed(spy);
    await spy.publishAsync('/provision/request', request({ deviceName: 'spy', token: 'spy-token' }), { qos: 1 });
    await spyClosed;
    expect(spyInbox).toEqual([`/provision/response ${tokenAnswer('spy-token')}`]);
    const heard = await mosquitto.stop();
    expect(heard).not.toMatch(/PUBLISH|credentialsValue/);
    expect(await s.t.call('devices.list', {})).toHaveLength(15);
  });

  it("a device never receives another device's publishes, and may subscribe only to its own v1 topics", async () => {
    s = await startStation();
    await s.t.call('devices.add', { profile: 'meters', name: 'A', token: 'token-a' });
    await s.t.call('devices.add', { profile: 'meters', name: 'B', token: 'token-b' });
    const a = await connectJs(s.port, { username: 'token-a' });
    const b = await connectJs(s.port, { username: 'token-b' });
    const aInbox = inbox(a);
    const bInbox = inbox(b);
    const spy = await mosquittoSpy(['-p', String(s.port), '-u', 'token-b', '-t', 'v1/devices/me/attributes', '-t', 'v1/devices/me/#']);

    const allowed = [
      'v1/devices/me/attributes',
      'v1/devices/me/attributes/response/+',
      'v1/devices/me/rpc/request/+',
      'v1/devices/me/rpc/response/+',
    ];
    expect(await subackCodes(b, allowed)).toEqual([1, 1, 1, 1]);
    const refused = [
      '#',
      'v1/devices/me/telemetry',
      'v1/devices/me/#',
      'v1/devices/+/telemetry',
      'v1/devices/A/telemetry',
      '+/devices/me/attributes',
      '$SYS/#',
      '/provision/response',
    ];
    expect(await subackCodes(b, refused)).toEqual(refused.map(() => 0x80));

    await a.publishAsync('v1/devices/me/attributes', '{"firmware":"1.0"}', { qos: 1 });
    await a.publishAsync('v1/devices/me/telemetry', '{"temperature":21}', { qos: 1 });
    await a.publishAsync('v1/devices/me/rpc/request/1', '{"method":"ping"}', { qos: 1 });
    await a.publishAsync('v1/devices/me/attributes', '{"retained":true}', { qos: 1, retain: true });
    // Barriers: a session's packets are handled in order, so each SUBACK comes after its earlier publishes were routed.
    await subackCodes(a, ['v1/devices/me/rpc/request/+']);
    await b.publishAsync('v1/devices/me/attributes', '{"own":true}', { qos: 1 });
    await subackCodes(b, ['v1/devices/me/attributes']);
    expect(bInbox).toEqual([]);
    expect(aInbox).toEqual([]);
    // Nothing was retained for a later subscriber either.
    const late = await connectJs(s.port, { username: 'token-b' });
    const lateInbox = inbox(late);
    await subackCodes(late, ['v1/devices/me/attributes']);
    await subackCodes(late, ['v1/devices/me/rpc/request/+']);
    expect(lateInbox).toEqual([]);
    expect(await spy.stop()).not.toMatch(/PUBLISH|temperature|firmware/);

    expect(await s.t.call('devices.get', { name: 'A' })).toMatchObject({
      telemetry: { temperature: { value: 21 } },
      attributes: { client: { firmware: '1.0', retained: true } },
    });
    expect((await s.t.call('devices.get', { name: 'B' })).attributes.client).toEqual({ own: true });
    for (const c of [a, b, late]) await c.endAsync(true);
  });
});

describe('MQTT first contact after provisioning', () => {

  /** The device once its client's session has ended: the station records the close a moment after the client exits. */
  const hungUp = async (name: string) => {
    await expect.poll(async () => (await s.t.call('devices.get', { name })).state, { timeout: 5000, interval: 20 }).toBe('offline');
    return s.t.call('devices.get', { name });
  };
  let s: Station;
  afterEach(() => s.close());

  /** Provisions over MQTT (Paho) and returns the credentials the station answered with. */
  async function provisionOverMqtt(extra: Record<string, unknown>): Promise<unknown> {
    const events = await paho(s.port, ['--username', 'provision', '--publish', '/provision/request', request(extra), '--count', '1']);
    const answer = JSON.parse(events.find((e) => e.event === 'message')!.payload!) as { status: string; credentialsValue: unknown };
    expect(answer.status).toBe('SUCCESS');
    return answer.credentialsValue;
  }

  it('mosquitto_pub with the access token: device online, telemetry stored', async () => {
    s = await startStation();
    const token = (await provisionOverMqtt({ deviceName: 'meter-1' })) as string;
    expect(await s.t.call('devices.get', { name: 'meter-1' })).toMatchObject({ state: 'provisioned', lastSeenAt: null });

    // QoS 0, as a device would: the CONNACK alone already means the device was seen.
    const connected = await mosquittoPub(s.port, ['-u', token, '-t', 'v1/devices/me/telemetry', '-m', '{"humidity":40}']);
    expect(connected, connected.stderr).toMatchObject({ code: 0 });
    // Seen; and mosquitto_pub hung up after its one message, so the device ends offline (presence.ts).
    expect(await hungUp('meter-1')).toMatchObject({ state: 'offline', lastSeenAt: expect.any(String) });

    // QoS 1: the PUBACK comes after the telemetry is committed.
    const pub = await mosquittoPub(s.port, ['-u', token, '-q', '1', '-t', 'v1/devices/me/telemetry', '-m', '{"temperature":21}']);
    expect(pub, pub.stderr).toMatchObject({ code: 0 });
    expect(await hungUp('meter-1')).toMatchObject({ state: 'offline', telemetry: { temperature: { value: 21 } } });
  });

  it('refuses an unknown token: CONNACK 5 for mosquitto_pub, Paho and mqtt.js', async () => {
    s = await startStation();
    const pub = await mosquittoPub(s.port, ['-u', 'not-a-token', '-t', 'v1/devices/me/telemetry', '-m', '{"temperature":21}']);
    expect(pub.code).not.toBe(0);
    expect(pub.stderr).toMatch(/not authori[sz]ed|Connection Refused/i);
    expect((await paho(s.port, ['--username', 'not-a-token', '--until-close']))[0]).toEqual({ event: 'connack', rc: 5 });
    await expect(connectJs(s.port, { username: 'not-a-token' })).rejects.toMatchObject({ code: 5 });
    // No user name at all is not a way in either.
    await expect(connectJs(s.port, { clientId: 'anonymous' })).rejects.toMatchObject({ code: 5 });
  });

  it('an MQTT_BASIC device connects with its client id, user name and password; a wrong password is refused', async () => {
    s = await startStation();
    const basic = { credentialsType: 'MQTT_BASIC', clientId: 'test_clientId', username: 'test_username', password: 'test_password' };
    expect(await provisionOverMqtt({ deviceName: 'basic-1', ...basic })).toEqual({
      clientId: 'test_clientId',
      userName: 'test_username',
      password: 'test_password',
    });
    const args = ['-i', 'test_clientId', '-u', 'test_username', '-q', '1', '-t', 'v1/devices/me/attributes', '-m', '{"model":"X1"}'];
    const ok = await mosquittoPub(s.port, [...args, '-P', 'test_password']);
    expect(ok, ok.stderr).toMatchObject({ code: 0 });
    expect(await hungUp('basic-1')).toMatchObject({ state: 'offline', lastSeenAt: expect.any(String), attributes: { client: { model: 'X1' } } });
    const wrong = await mosquittoPub(s.port, [...args, '-P', 'wrong_password']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/not authori[sz]ed|Connection Refused/i);
    const login = ['--client-id', 'test_clientId', '--username', 'test_username', '--password', 'test_password'];
    const events = await paho(s.port, [...login, '--publish', 'v1/devices/me/telemetry', '{"rssi":-60}', '--until-puback']);
    expect(events.slice(0, 2)).toMatchObject([{ event: 'connack', rc: 0 }, { event: 'puback' }]);
    expect(await s.t.call('devices.get', { name: 'basic-1' })).toMatchObject({ telemetry: { rssi: { value: -60 } } });
  });

  it('an MQTT_BASIC device stored without a password gets in whatever password its library sends, as in ThingsBoard', async () => {
    s = await startStation();
    expect(await provisionOverMqtt({ deviceName: 'user-only', credentialsType: 'MQTT_BASIC', username: 'only_user' })).toMatchObject({ userName: 'only_user' });
    expect(await provisionOverMqtt({ deviceName: 'client-only', credentialsType: 'MQTT_BASIC', clientId: 'only_client' })).toMatchObject({ clientId: 'only_client' });
    const publish = ['-q', '1', '-t', 'v1/devices/me/telemetry', '-m', '{"t":1}'];
    for (const login of [
      ['-u', 'only_user', '-P', 'anything'],
      ['-u', 'only_user'],
      ['-i', 'only_client', '-u', 'some_user', '-P', 'some_password'],
    ]) {
      const pub = await mosquittoPub(s.port, [...login, ...publish]);
      expect(pub, `${login.join(' ')}: ${pub.stderr}`).toMatchObject({ code: 0 });
    }
    // The user name is still the key: another one is refused.
    const other = await mosquittoPub(s.port, ['-u', 'other_user', '-P', 'anything', ...publish]);
    expect(other.code).not.toBe(0);
  });

  it('closes a device session on a payload that is not telemetry, as ThingsBoard does on MQTT 3.1.1', async () => {
    s = await startStation();
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    for (const payload of ['{"temperature":', '[1,2]', '"text"', '{"ts":"yesterday","values":{"t":1}}']) {
      const client = await connectJs(s.port, { username: 'token-m' });
      const whenClosed = closed(client);
      client.publish('v1/devices/me/telemetry', payload, { qos: 1 });
      await whenClosed;
    }
    expect((await s.t.call('devices.get', { name: 'm' })).telemetry).toEqual({});
  });

  it('acknowledges and drops a publish to a topic it does not serve, keeping the session open', async () => {
    s = await startStation();
    await s.t.call('devices.add', { profile: 'meters', name: 'm', token: 'token-m' });
    const client = await connectJs(s.port, { username: 'token-m' });
    await client.publishAsync('v1/devices/me/rpc/response/7', '{"ok":true}', { qos: 1 });
    await client.publishAsync('v1/devices/other/telemetry', '{"t":1}', { qos: 1 });
    await client.publishAsync('$SYS/broker/new/clients', 'fs-1', { qos: 1 });
    await client.publishAsync('v1/devices/me/telemetry', '{"t":2}', { qos: 1 });
    expect(client.connected).toBe(true);
    expect((await s.t.call('devices.get', { name: 'm' })).telemetry).toEqual({ t: { value: 2, ts: expect.any(String) } });
    await client.endAsync(true);
  });
});
