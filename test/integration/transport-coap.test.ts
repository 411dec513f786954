import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Agent, request as coapRequest } from 'coap';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransportServer } from '../../electron/station/provisioning/types.ts';
import { createCoapTransport } from '../../electron/station/transports/coap.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { type CoapClientReply, coapClient } from '../support/real-clients.ts';
import { addProfile, failure, generatedToken, heldProvision, key, name, notFound, provisionBody, secret, stubService } from '../support/transport-fixtures.ts';

// ThingsBoard's acceptance cases (PROVISIONING.md) over CoAP, with libcoap's coap-client-notls as the device; a subset
// again with node-coap's client.

const jsonFormat = 'Content-Format:application/json';

let t: TestEngine;
let transport: TransportServer;
let port: number;

beforeEach(async () => {
  t = openTestEngine();
  transport = createCoapTransport({ host: '127.0.0.1', port: 0, service: t.service , deviceApi: t.engine.deviceApi});
  port = (await transport.listen()).port;
});

afterEach(async () => {
  await transport.close();
  await t.close();
});

const uri = (path: string) => `coap://127.0.0.1:${port}${path}`;

const provisionWithLibcoap = (payload: string | Buffer, path = '/api/v1/provision') => coapClient(uri(path), { payload });

/** Only what a test asserts, so a failure shows the reply and not libcoap's whole trace. */
const reply = (r: CoapClientReply) => ({ code: r.code, payload: r.payload, options: r.options });

describe('CoAP provisioning: ThingsBoard acceptance cases with coap-client-notls', () => {
  it('disabled profile → 4.00 with NOT_FOUND', async () => {
    await addProfile(t, 'disabled');
    expect(reply(await provisionWithLibcoap(provisionBody()))).toEqual({ code: '4.00', payload: notFound, options: jsonFormat });
  });

  it('check-pre-provisioned with the device present → 2.01 with its existing token, then 4.00 FAILURE', async () => {
    await addProfile(t, 'check-pre-provisioned');
    await t.call('devices.add', { profile: 'Test Profile', name, token: 'pre_provisioned_token' });
    expect(reply(await provisionWithLibcoap(provisionBody({ token: 'ignored_token' })))).toEqual({
      code: '2.01',
      payload: '{"credentialsValue":"pre_provisioned_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}',
      options: jsonFormat,
    });
    expect(reply(await provisionWithLibcoap(provisionBody()))).toEqual({ code: '4.00', payload: failure, options: jsonFormat });
  });

  it('allow-create without credentials → 2.01, device created with a 20-character token', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithLibcoap(provisionBody());
    expect(r.code, r.log).toBe('2.01');
    const token = generatedToken.exec(r.payload)?.[1];
    expect(token, r.payload).toBeDefined();
    expect(await t.call('devices.get', { name })).toMatchObject({
      state: 'provisioned',
      provisionedVia: 'coap',
      credentialsType: 'ACCESS_TOKEN',
      credentialsValue: token,
      gateway: false,
    });
  });

  it('"gateway": true → gateway flag stored', async () => {
    await addProfile(t, 'allow-create');
    expect((await provisionWithLibcoap(provisionBody({ gateway: true }))).payload).toMatch(generatedToken);
    expect(await t.call('devices.get', { name })).toMatchObject({ gateway: true });
  });

  it('ACCESS_TOKEN test_token → stored as given', async () => {
    await addProfile(t, 'allow-create');
    expect(reply(await provisionWithLibcoap(provisionBody({ credentialsType: 'ACCESS_TOKEN', token: 'test_token' })))).toEqual({
      code: '2.01',
      payload: '{"credentialsValue":"test_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}',
      options: jsonFormat,
    });
    expect(await t.call('devices.get', { name })).toMatchObject({ credentialsValue: 'test_token' });
  });

  it('X509_CERTIFICATE hash "testHash" → credentialsValue testHash', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithLibcoap(provisionBody({ credentialsType: 'X509_CERTIFICATE', hash: 'testHash' }));
    expect(reply(r)).toEqual({
      code: '2.01',
      payload: '{"credentialsValue":"testHash","credentialsType":"X509_CERTIFICATE","status":"SUCCESS"}',
      options: jsonFormat,
    });
    expect(await t.call('devices.get', { name })).toMatchObject({ credentialsType: 'X509_CERTIFICATE', credentialsValue: 'testHash' });
  });

  it('MQTT_BASIC → stored, and the response credentialsValue is an object {clientId,userName,password}', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithLibcoap(
      provisionBody({ credentialsType: 'MQTT_BASIC', clientId: 'test_clientId', username: 'test_username', password: 'test_password' }),
    );
    expect(reply(r)).toEqual({
      code: '2.01',
      payload:
        '{"credentialsValue":{"clientId":"test_clientId","userName":"test_username","password":"test_password"},' +
        '"credentialsType":"MQTT_BASIC","status":"SUCCESS"}',
      options: jsonFormat,
    });
    expect(await t.call('devices.get', { name })).toMatchObject({
      credentialsType: 'MQTT_BASIC',
      credentialsValue: { clientId: 'test_clientId', userName: 'test_username', password: 'test_password' },
    });
  });

  it('wrong key → NOT_FOUND; wrong secret → NOT_FOUND; blank deviceName → FAILURE; all 4.00, nothing created', async () => {
    await addProfile(t, 'allow-create');
    const asked = [
      provisionBody({ provisionDeviceKey: 'wrongKey' }),
      provisionBody({ provisionDeviceSecret: 'wrongSecret' }),
      provisionBody({ deviceName: '   ' }),
    ];
    const replies = [];
    for (const body of asked) replies.push(reply(await provisionWithLibcoap(body)));
    expect(replies).toEqual([
      { code: '4.00', payload: notFound, options: jsonFormat },
      { code: '4.00', payload: notFound, options: jsonFormat },
      { code: '4.00', payload: failure, options: jsonFormat },
    ]);
    expect(await t.call('devices.list', {})).toEqual([]);
  });

  it('also answers on /api/v1/{anything}/provision (the segment is ignored)', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithLibcoap(provisionBody(), '/api/v1/whatever/provision');
    expect(r.code).toBe('2.01');
    expect(r.payload).toMatch(generatedToken);
  });

  it('provisions an X509 device sending a whole PEM: blockwise both ways, libcoap changing its token per block', async () => {
    await addProfile(t, 'allow-create');
    const body = randomBytes(1500).toString('base64');
    const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    const request = provisionBody({ credentialsType: 'X509_CERTIFICATE', hash: pem });
    expect(request.length).toBeGreaterThan(2048); // three Block1 blocks of 1024
    const r = await provisionWithLibcoap(request);
    expect(r.log).toMatch(/Block1:0\/M\//); // it really went blockwise...
    expect(r.log).toMatch(/Block2:1\//); // ...and so did the reply (the trimmed certificate is 2 KB)
    // Every block of the reply carries the reply's own code and format (node-coap's cache would send 2.05 bare).
    const blocks = [...r.log.matchAll(/^v:1 t:\w+ c:(\d\.\d\d) .*\[ (.*Block2:\d+\/.*) \]/gm)];
    expect(blocks.map((b) => b[1])).toEqual(['2.01', '2.01', '2.01']);
    for (const b of blocks) expect(b[2]).toContain(jsonFormat);
    expect(r.log).not.toMatch(/mismatch/);
    expect({ code: r.code, payload: r.payload }).toEqual({
      code: '2.01',
      payload: JSON.stringify({ credentialsValue: body, credentialsType: 'X509_CERTIFICATE', status: 'SUCCESS' }),
    });
    expect(await t.call('devices.list', {})).toHaveLength(1);
  });
});

/** node-coap's client, one request at a time, with a bound on the wait (its own timeout is the exchange lifetime). */
function coapPost(
  agent: Agent,
  pathname: string,
  payload: string | Buffer,
  options: { method?: 'POST' | 'GET'; block1?: boolean } = {},
): Promise<{ code: string; payload: string; contentFormat: unknown }> {
  return new Promise((resolve, reject) => {
    const req = coapRequest({ hostname: '127.0.0.1', port, pathname, method: options.method ?? 'POST', agent });
    // node-coap sends a body over ~1 KB only blockwise, and only when asked to: Block1 0/_/1024.
    if (options.block1) req.setOption('Block1', Buffer.of(0x06));
    const timer = setTimeout(() => reject(new Error(`no CoAP reply to ${pathname} in 10 s`)), 10_000);
    req.on('response', (res) => {
      clearTimeout(timer);
      const reply = { code: res.code, payload: res.payload.toString('utf8'), contentFormat: res.headers['Content-Format'] };
      // Resolving later: a request started inside the last open request's 'response' handler finds the socket closed.
      setImmediate(() => resolve(reply));
    });
    req.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(payload);
  });
}

describe('CoAP provisioning with node-coap as the client', () => {
  let agent: Agent;
  beforeEach(() => {
    agent = new Agent({ type: 'udp4' });
  });
  afterEach(() => {
    agent.close();
  });

  it('answers with the exact ThingsBoard JSON, 2.01 or 4.00, Content-Format application/json', async () => {
    await addProfile(t, 'allow-create');
    const created = await coapPost(agent, '/api/v1/provision', provisionBody());
    expect(created.code).toBe('2.01');
    expect(created.contentFormat).toBe('application/json');
    expect(created.payload).toMatch(generatedToken);
    const mqtt = await coapPost(
      agent,
      '/api/v1/provision',
      provisionBody({ deviceName: 'mqtt one', credentialsType: 'MQTT_BASIC', clientId: 'c1', username: 'u1', password: 'p1' }),
    );
    expect(mqtt).toEqual({
      code: '2.01',
      payload: '{"credentialsValue":{"clientId":"c1","userName":"u1","password":"p1"},"credentialsType":"MQTT_BASIC","status":"SUCCESS"}',
      contentFormat: 'application/json',
    });
    expect(await coapPost(agent, '/api/v1/provision', provisionBody({ deviceName: 'x', provisionDeviceSecret: 'no' }))).toEqual({
      code: '4.00',
      payload: notFound,
      contentFormat: 'application/json',
    });
    expect(await coapPost(agent, '/api/v1/provision', provisionBody())).toMatchObject({ code: '4.00', payload: failure });
  });

  it('provisions an X509 device sending a whole PEM blockwise, and returns the 2 KB reply blockwise', async () => {
    await addProfile(t, 'allow-create');
    const body = randomBytes(1500).toString('base64');
    const pem = `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
    const r = await coapPost(agent, '/api/v1/provision', provisionBody({ credentialsType: 'X509_CERTIFICATE', hash: pem }), {
      block1: true,
    });
    expect(r).toEqual({
      code: '2.01',
      payload: JSON.stringify({ credentialsValue: body, credentialsType: 'X509_CERTIFICATE', status: 'SUCCESS' }),
      contentFormat: 'application/json',
    });
    expect(await t.call('devices.get', { name })).toMatchObject({ credentialsType: 'X509_CERTIFICATE', credentialsValue: body });
  });

  it('serves a burst of 100 concurrent devices, one 2.01 each', async () => {
    await addProfile(t, 'allow-create');
    // One agent per device, as 100 devices have 100 sockets (and node-coap's agent sends one request at a time).
    const agents = Array.from({ length: 100 }, () => new Agent({ type: 'udp4' }));
    try {
      const replies = await Promise.all(agents.map((a, i) => coapPost(a, '/api/v1/provision', provisionBody({ deviceName: `burst-${i}` }))));
      expect(replies.filter((r) => r.code === '2.01' && generatedToken.test(r.payload))).toHaveLength(100);
    } finally {
      for (const a of agents) a.close();
    }
    expect(await t.call('devices.list', {})).toHaveLength(100);
  });

  it('4.04 for other paths, 4.05 for other methods, 4.00 for GET telemetry', async () => {
    expect((await coapPost(agent, '/api/v2/provision', provisionBody())).code).toBe('4.04');
    expect((await coapPost(agent, '/api/v1/a/b/provision', provisionBody())).code).toBe('4.04');
    expect((await coapPost(agent, '/', '')).code).toBe('4.04');
    expect((await coapPost(agent, '/api/v1/provision', '', { method: 'GET' })).code).toBe('4.05');
    // CoapTransportResource.processHandleGet: "Can't fetch/subscribe to timeseries updates" → BAD_REQUEST.
    expect((await coapPost(agent, '/api/v1/token/telemetry', '', { method: 'GET' })).code).toBe('4.00');
  });
});

describe('CoAP transport: bad input gets 4.00 without a body, and the server keeps serving', () => {
  it('malformed JSON, null or mistyped key/secret, unknown credentialsType → 4.00, no payload, audited', async () => {
    await addProfile(t, 'allow-create');
    const bodies = [
      '{"provisionDeviceKey": "testProvisionKey", ',
      'null',
      JSON.stringify({ provisionDeviceKey: null, provisionDeviceSecret: secret }),
      JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: null }),
      JSON.stringify({ provisionDeviceKey: 42, provisionDeviceSecret: secret }),
      provisionBody({ credentialsType: 'PSK' }),
    ];
    for (const body of bodies) {
      const r = await provisionWithLibcoap(body);
      expect({ body, ...reply(r) }).toEqual({ body, code: '4.00', payload: '', options: '' });
    }
    const empty = await coapClient(uri('/api/v1/provision'), { method: 'post' });
    expect(reply(empty)).toEqual({ code: '4.00', payload: '', options: '' });
    const attempts = await t.call('provisioning.attempts', {});
    expect(attempts.filter((a) => a.outcome === 'BAD_REQUEST' && a.transport === 'coap')).toHaveLength(bodies.length + 1);
    expect((await provisionWithLibcoap(provisionBody())).payload).toMatch(generatedToken);
  });

  it('a 1 MB blockwise body is refused with 4.13 (Size1 = 64 KB) once it passes 64 KB, from libcoap and node-coap', async () => {
    await addProfile(t, 'allow-create');
    const huge = Buffer.alloc(1024 * 1024, 'a');
    const r = await provisionWithLibcoap(huge);
    expect(r.code, r.log.slice(-2000)).toBe('4.13');
    expect(r.options).toBe('Size1:65536');
    const agent = new Agent({ type: 'udp4' });
    try {
      expect((await coapPost(agent, '/api/v1/provision', huge, { block1: true })).code).toBe('4.13');
      // Just under the limit is assembled, then refused as the JSON it is not.
      expect((await coapPost(agent, '/api/v1/provision', Buffer.alloc(64 * 1024, ' '), { block1: true })).code).toBe('4.00');
    } finally {
      agent.close();
    }
    expect((await provisionWithLibcoap(provisionBody())).payload).toMatch(generatedToken);
  });

  it('survives garbage datagrams, then a valid request still succeeds', async () => {
    await addProfile(t, 'allow-create');
    const header = (byte0: number, code: number, ...rest: number[]) => Buffer.from([byte0, code, 0x12, 0x34, ...rest]);
    const garbage = [
      Buffer.alloc(0),
      Buffer.from([0xff]),
      Buffer.from('GET / HTTP/1.1\r\n\r\n'),
      randomBytes(512),
      header(0x00, 0x02), // version 0
      header(0x49, 0x02), // token length 9
      header(0x40, 0x02, 0xff), // payload marker without a payload
      header(0x40, 0x02, 0xbf), // option length nibble 15 (reserved)
      header(0x60, 0x45), // a 2.05 response sent to the server
      header(0x70, 0x00), // RST for nothing
      header(0x41, 0x02, 0x07, 0xb3, 0x61, 0x70, 0x69), // token, Uri-Path "api"
      // Block1 option of 4 bytes (invalid), then of NUM 2^20−1 × 1024 bytes: a 1 GB offset from 20 bytes of UDP.
      header(0x41, 0x02, 0x07, 0xd4, 0x0e, 0x01, 0x02, 0x03, 0x04, 0xff, 0x61),
      header(0x41, 0x02, 0x07, 0xd3, 0x0e, 0xff, 0xff, 0xf6, 0xff, 0x61),
    ];
    const socket = createSocket('udp4');
    try {
      for (const datagram of garbage) {
        await new Promise<void>((resolve, reject) => socket.send(datagram, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
      }
    } finally {
      socket.close();
    }
    // The server reads its socket in order: this request is handled after every datagram above.
    const r = await provisionWithLibcoap(provisionBody());
    expect(r.code).toBe('2.01');
    expect(r.payload).toMatch(generatedToken);
  });
});

describe('CoAP first contact (device API after provisioning)', () => {
  async function provisionedToken(): Promise<string> {
    await addProfile(t, 'allow-create');
    const r = await provisionWithLibcoap(provisionBody());
    const token = generatedToken.exec(r.payload)?.[1];
    if (!token) throw new Error(`provisioning failed: ${r.log}`);
    return token;
  }

  it('telemetry with the token → 2.01, device online with lastSeenAt and the telemetry stored', async () => {
    const token = await provisionedToken();
    const r = await coapClient(uri(`/api/v1/${token}/telemetry`), { payload: '{"temperature":21.5}' });
    expect(reply(r)).toEqual({ code: '2.01', payload: '', options: '' });
    const device = await t.call('devices.get', { name });
    expect(device.state).toBe('online');
    expect(device.lastSeenAt).not.toBeNull();
    expect(device.telemetry.temperature?.value).toBe(21.5);
  });

  it('attributes → 2.01; unknown token → 4.01; bad payload → 4.00', async () => {
    const token = await provisionedToken();
    expect((await coapClient(uri(`/api/v1/${token}/attributes`), { payload: '{"firmware":"1.2.3"}' })).code).toBe('2.01');
    expect((await t.call('devices.get', { name })).attributes.client).toMatchObject({ firmware: '1.2.3' });
    expect((await coapClient(uri('/api/v1/not-a-token/telemetry'), { payload: '{"t":1}' })).code).toBe('4.01');
    expect((await coapClient(uri('/api/v1/not-a-token/attributes'), { payload: '{"t":1}' })).code).toBe('4.01');
    expect((await coapClient(uri(`/api/v1/${token}/telemetry`), { payload: '{"t":' })).code).toBe('4.00');
    expect((await coapClient(uri(`/api/v1/${token}/attributes`), { payload: '[1,2]' })).code).toBe('4.00');
  });

  it('a 3 KB telemetry batch from libcoap arrives whole (blockwise, new token per block)', async () => {
    const token = await provisionedToken();
    const values = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`sensor_${i}`, i]));
    const payload = JSON.stringify(values);
    expect(payload.length).toBeGreaterThan(2048);
    const r = await coapClient(uri(`/api/v1/${token}/telemetry`), { payload });
    expect(r.code, r.log.slice(-2000)).toBe('2.01');
    const telemetry = (await t.call('devices.get', { name })).telemetry;
    expect(Object.keys(telemetry)).toHaveLength(150);
    expect(telemetry.sensor_149?.value).toBe(149);
  });

  it('telemetry with node-coap → 2.01 / 4.01', async () => {
    const token = await provisionedToken();
    const agent = new Agent({ type: 'udp4' });
    try {
      expect((await coapPost(agent, `/api/v1/${token}/telemetry`, '{"v":1}')).code).toBe('2.01');
      expect((await coapPost(agent, '/api/v1/nope/telemetry', '{"v":1}')).code).toBe('4.01');
    } finally {
      agent.close();
    }
    expect((await t.call('devices.get', { name })).telemetry.v?.value).toBe(1);
  });
});

describe('CoAP transport: a failing service', () => {
  it('answers 5.00 and logs the cause', async () => {
    const logged: string[] = [];
    const fail = () => Promise.reject(new Error('disk I/O error'));
    const service = stubService({ provision: fail, recordTelemetry: fail });
    const failing = createCoapTransport({ host: '127.0.0.1', port: 0, service, deviceApi: t.engine.deviceApi, log: (line) => logged.push(line) });
    const { port: failingPort } = await failing.listen();
    try {
      const at = (path: string) => `coap://127.0.0.1:${failingPort}${path}`;
      expect(reply(await coapClient(at('/api/v1/provision'), { payload: provisionBody() }))).toEqual({ code: '5.00', payload: '', options: '' });
      expect((await coapClient(at('/api/v1/token/telemetry'), { payload: '{}' })).code).toBe('5.00');
    } finally {
      await failing.close();
    }
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('disk I/O error');
  });
});

describe('CoAP transport lifecycle', () => {
  it('close() lets an answer in flight go out, then releases the port', async () => {
    const held = heldProvision();
    const slow = createCoapTransport({ host: '127.0.0.1', port: 0, service: stubService({ provision: held.provision }), deviceApi: t.engine.deviceApi });
    const { port: slowPort } = await slow.listen();
    const pending = coapClient(`coap://127.0.0.1:${slowPort}/api/v1/provision`, { payload: provisionBody() });
    await held.inside;
    const closed = slow.close();
    held.release();
    const r = await pending;
    expect(reply(r)).toEqual({
      code: '2.01',
      payload: '{"credentialsValue":"held_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}',
      options: jsonFormat,
    });
    await closed;
  });

  it('close() is idempotent and releases the UDP port; binding a taken port is a plain ListenError', async () => {
    const taken = createCoapTransport({ host: '127.0.0.1', port, service: t.service , deviceApi: t.engine.deviceApi});
    await expect(taken.listen()).rejects.toMatchObject({ name: 'ListenError', code: 'EADDRINUSE' });
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    const again = createCoapTransport({ host: '127.0.0.1', port, service: t.service , deviceApi: t.engine.deviceApi});
    expect((await again.listen()).port).toBe(port);
    await again.close();
  });
});
