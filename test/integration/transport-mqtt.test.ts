import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MqttTransportOptions, mqttDefaults } from '../../electron/station/transports/mqtt.ts';
import { type MqttStation, closed, connectJs, firstMessage, mosquittoPub, mosquittoSub, paho, runTool, startMqttStation, subackCodes } from '../support/mqtt-clients.ts';

// ThingsBoard's own acceptance cases (AbstractMqttProvisionJsonDeviceTest), ported to three real MQTT clients.
const key = 'testProvisionKey';
const secret = 'testProvisionSecret';

type Station = MqttStation;
const startStation = (options: Partial<MqttTransportOptions> = {}) => startMqttStation({ withProfile: false, ...options });
const deviceName = 'Test Provision device';
const NOT_FOUND = '{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}';
const FAILURE = '{"errorMsg":"Failed to provision device!","status":"FAILURE"}';











/** How each client plays a device that provisions itself. */
interface Driver {
  name: string;
  /** One request as a `provision` session; resolves with the answer's exact payload, when the client can show it. */
  provision(port: number, request: object): Promise<string | null>;
  /** A `provision` session subscribing to `topic`; resolves with the SUBACK return code. */
  subscribe(port: number, topic: string): Promise<number>;
}

const drivers: Driver[] = [
  {
    name: 'mqtt.js (username provision, subscribes first)',
    async provision(port, request) {
      const client = await connectJs(port, { username: 'provision' });
      try {
        const answer = firstMessage(client);
        expect((await client.subscribeAsync('/provision/response', { qos: 1 }))[0]?.qos).toBe(1);
        await client.publishAsync('/provision/request', JSON.stringify(request), { qos: 1 });
        const { topic, payload } = await answer;
        expect(topic).toBe('/provision/response');
        return payload;
      } finally {
        await client.endAsync(true);
      }
    },
    async subscribe(port, topic) {
      const client = await connectJs(port, { username: 'provision' });
      try {
        return (await subackCodes(client, [topic]))[0]!;
      } finally {
        await client.endAsync(true);
      }
    },
  },
  {
    name: 'Paho (client id provision, never subscribes)',
    async provision(port, request) {
      const args = ['--client-id', 'provision', '--publish', '/provision/request', JSON.stringify(request)];
      const events = await paho(port, [...args, '--count', '1']);
      const messages = events.filter((e) => e.event === 'message');
      expect(messages, JSON.stringify(events)).toHaveLength(1);
      expect(messages[0]).toMatchObject({ topic: '/provision/response', qos: 1 });
      return messages[0]!.payload!;
    },
    async subscribe(port, topic) {
      const events = await paho(port, ['--username', 'provision', '--subscribe', `${topic}@1`, '--until-suback']);
      const suback = events.find((e) => e.event === 'suback');
      if (!suback) throw new Error(JSON.stringify(events));
      return suback.granted![0]!;
    },
  },
  {
    // mosquitto_pub and mosquitto_sub are separate sessions and the answer goes to the requesting one only, so
    // mosquitto_pub cannot show it (mosquitto_rr would, but needs MQTT 5): the outcome is read from the station.
    name: 'mosquitto_pub / mosquitto_sub (username provision)',
    async provision(port, request) {
      const pub = await mosquittoPub(port, ['-u', 'provision', '-q', '1', '-t', '/provision/request', '-m', JSON.stringify(request)]);
      expect(pub, pub.stderr).toMatchObject({ code: 0 });
      return null;
    },
    async subscribe(port, topic) {
      const sub = await mosquittoSub(port, ['-u', 'provision', '-q', '1', '-t', topic, '-E', '-d']);
      const code = /Subscribed \(mid: \d+\): (\d+)/.exec(sub.stdout);
      if (!code) throw new Error(`${sub.stdout}${sub.stderr}`);
      return Number(code[1]);
    },
  },
];

describe.each(drivers)('MQTT provisioning, ThingsBoard acceptance cases: $name', (driver) => {
  let s: Station;
  beforeEach(async () => {
    s = await startStation();
  });
  afterEach(() => s.close());

  const addProfile = (strategy: 'allow-create' | 'check-pre-provisioned' | 'disabled') =>
    s.t.call('profiles.add', { name: 'Test profile', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy });

  /** Asks, checks the exact payload where the client shows it, and the outcome the station recorded in any case. */
  async function expectAnswer(request: object, status: string, answer: string | RegExp): Promise<void> {
    const payload = await driver.provision(s.port, { provisionDeviceKey: key, provisionDeviceSecret: secret, ...request });
    if (payload !== null && typeof answer === 'string') expect(payload).toBe(answer);
    if (payload !== null && answer instanceof RegExp) expect(payload).toMatch(answer);
    const [latest] = await s.t.call('provisioning.attempts', { limit: 1 });
    expect(latest).toMatchObject({ transport: 'mqtt', outcome: status, remoteAddress: '127.0.0.1' });
  }

  it('disabled profile: NOT_FOUND', async () => {
    await addProfile('disabled');
    await expectAnswer({ deviceName }, 'NOT_FOUND', NOT_FOUND);
    expect(await s.t.call('devices.list', {})).toEqual([]);
  });

  it('check-pre-provisioned with the device present: its existing ACCESS_TOKEN, then FAILURE', async () => {
    await addProfile('check-pre-provisioned');
    await s.t.call('devices.add', { profile: 'Test profile', name: deviceName, token: 'pre_token' });
    await expectAnswer({ deviceName }, 'SUCCESS', '{"credentialsValue":"pre_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}');
    expect(await s.t.call('devices.get', { name: deviceName })).toMatchObject({ state: 'provisioned', provisionedVia: 'mqtt' });
    await expectAnswer({ deviceName }, 'FAILURE', FAILURE);
  });

  it('allow-create without credentials: SUCCESS with a generated token, device created', async () => {
    await addProfile('allow-create');
    await expectAnswer({ deviceName }, 'SUCCESS', /^\{"credentialsValue":"[A-Za-z0-9]{20}","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"\}$/);
    expect(await s.t.call('devices.get', { name: deviceName })).toMatchObject({
      state: 'provisioned',
      provisionedVia: 'mqtt',
      credentialsType: 'ACCESS_TOKEN',
      gateway: false,
    });
  });

  it('allow-create with "gateway":true: the gateway flag is stored', async () => {
    await addProfile('allow-create');
    await expectAnswer({ deviceName, gateway: true }, 'SUCCESS', /"status":"SUCCESS"\}$/);
    expect(await s.t.call('devices.get', { name: deviceName })).toMatchObject({ gateway: true });
  });

  it('ACCESS_TOKEN test_token: stored as given', async () => {
    await addProfile('allow-create');
    const request = { deviceName, credentialsType: 'ACCESS_TOKEN', token: 'test_token' };
    await expectAnswer(request, 'SUCCESS', '{"credentialsValue":"test_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}');
    expect(await s.t.call('devices.get', { name: deviceName })).toMatchObject({ credentialsType: 'ACCESS_TOKEN', credentialsValue: 'test_token' });
  });

  it('X509_CERTIFICATE hash testHash: credentialsValue testHash', async () => {
    await addProfile('allow-create');
    const request = { deviceName, credentialsType: 'X509_CERTIFICATE', hash: 'testHash' };
    await expectAnswer(request, 'SUCCESS', '{"credentialsValue":"testHash","credentialsType":"X509_CERTIFICATE","status":"SUCCESS"}');
    expect(await s.t.call('devices.get', { name: deviceName })).toMatchObject({ credentialsType: 'X509_CERTIFICATE', credentialsValue: 'testHash' });
  });

  it('MQTT_BASIC test_clientId/test_username/test_password: an object with clientId, userName, password', async () => {
    await addProfile('allow-create');
    const request = { deviceName, credentialsType: 'MQTT_BASIC', clientId: 'test_clientId', username: 'test_username', password: 'test_password' };
    await expectAnswer(
      request,
      'SUCCESS',
      '{"credentialsValue":{"clientId":"test_clientId","userName":"test_username","password":"test_password"},"credentialsType":"MQTT_BASIC","status":"SUCCESS"}',
    );
    expect(await s.t.call('devices.get', { name: deviceName })).toMatchObject({
      credentialsType: 'MQTT_BASIC',
      credentialsValue: { clientId: 'test_clientId', userName: 'test_username', password: 'test_password' },
    });
  });

  it('wrong key: NOT_FOUND', async () => {
    await addProfile('allow-create');
    await expectAnswer({ provisionDeviceKey: 'wrongKey', deviceName }, 'NOT_FOUND', NOT_FOUND);
    expect(await s.t.call('devices.list', {})).toEqual([]);
  });

  it('a provision session subscribing to v1/devices/me/attributes: SUBACK failure 0x80', async () => {
    expect(await driver.subscribe(s.port, 'v1/devices/me/attributes')).toBe(0x80);
    expect(await driver.subscribe(s.port, '/provision/response')).toBe(1);
  });
});

describe('MQTT provision sessions', () => {
  let s: Station;
  afterEach(() => s.close());

  const request = JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: secret, deviceName });
  const addProfile = () =>
    s.t.call('profiles.add', { name: 'Test profile', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' });

  it('acknowledges the request, answers once, and closes the session after the configured delay', async () => {
    s = await startStation({ provisionCloseDelayMs: 200 });
    await addProfile();
    const client = await connectJs(s.port, { username: 'provision' });
    const answer = firstMessage(client);
    const whenClosed = closed(client);
    const started = Date.now();
    await client.publishAsync('/provision/request', request, { qos: 1 });
    expect((await answer).qos).toBe(1);
    await whenClosed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(mqttDefaults.provisionCloseDelayMs).toBe(60_000);
  });

  it('answers at the QoS granted on /provision/response (0 stays 0, 2 becomes 1)', async () => {
    s = await startStation();
    await addProfile();
    const ask = (qos: number, body: string) =>
      paho(s.port, ['--username', 'provision', '--subscribe', `/provision/response@${qos}`, '--publish', '/provision/request', body, '--count', '1']);
    const atZero = await ask(0, request);
    expect(atZero.find((e) => e.event === 'message')).toMatchObject({ qos: 0 });
    const atTwo = await ask(2, JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: secret, deviceName: 'second' }));
    expect(atTwo.find((e) => e.event === 'message')).toMatchObject({ qos: 1 });
  });

  it('closes a provision session that publishes anywhere but /provision/request', async () => {
    s = await startStation();
    await addProfile();
    const client = await connectJs(s.port, { username: 'provision' });
    const whenClosed = closed(client);
    client.publish('v1/devices/me/telemetry', '{"temperature":21}', { qos: 1 });
    await whenClosed;
    const events = await paho(s.port, ['--client-id', 'provision', '--publish', '/provision', request, '--until-close']);
    expect(events.map((e) => e.event)).toEqual(['connack', 'closed']);
    expect(await s.t.call('devices.list', {})).toEqual([]);
  });

  it('is not MQTT 5: mosquitto_rr (MQTT 5 only) is refused with "unacceptable protocol version"', async () => {
    s = await startStation();
    const args = ['-u', 'provision', '-t', '/provision/request', '-e', '/provision/response', '-m', request, '-W', '5'];
    const rr = await runTool('mosquitto_rr', ['-h', '127.0.0.1', '-p', String(s.port), ...args]);
    expect(rr.code).not.toBe(0);
    expect(rr.stderr + rr.stdout).toMatch(/protocol/i);
  });
});
