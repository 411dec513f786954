import { request as httpRequest, Agent } from 'node:http';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTimeouts } from '../../electron/station/transports/http.ts';
import type { TransportServer } from '../../electron/station/provisioning/types.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { curl } from '../support/real-clients.ts';
import { addProfile, failure, generatedToken, heldProvision, key, name, notFound, provisionBody, secret, stubService } from '../support/transport-fixtures.ts';

// ThingsBoard's acceptance cases (PROVISIONING.md) over HTTP, with curl as the device; a subset again with fetch.

const badRequest = (errorMsg: string) => JSON.stringify({ errorMsg, status: 'BAD_REQUEST' });

let t: TestEngine;
let transport: TransportServer;
let base: string;

async function start(timeouts?: Partial<HttpTimeouts>): Promise<void> {
  transport = createHttpTransport({ host: '127.0.0.1', port: 0, service: t.service, deviceApi: t.engine.deviceApi, timeouts });
  const { port } = await transport.listen();
  base = `http://127.0.0.1:${port}`;
}

const provisionWithCurl = (body: string | Buffer, headers?: Record<string, string>) =>
  curl(`${base}/api/v1/provision`, { body, headers });

beforeEach(() => {
  t = openTestEngine();
});

afterEach(async () => {
  await transport?.close();
  await t.close();
});

describe('HTTP provisioning: ThingsBoard acceptance cases with curl', () => {
  beforeEach(() => start());

  it('disabled profile → NOT_FOUND (HTTP 200)', async () => {
    await addProfile(t, 'disabled');
    const r = await provisionWithCurl(provisionBody());
    expect(r).toMatchObject({ status: 200, body: notFound, contentType: 'application/json' });
  });

  it('check-pre-provisioned with the device present → SUCCESS with its existing token, then FAILURE', async () => {
    await addProfile(t, 'check-pre-provisioned');
    await t.call('devices.add', { profile: 'Test Profile', name, token: 'pre_provisioned_token' });
    const first = await provisionWithCurl(provisionBody({ token: 'ignored_token' }));
    expect(first.status).toBe(200);
    expect(first.body).toBe('{"credentialsValue":"pre_provisioned_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}');
    const second = await provisionWithCurl(provisionBody());
    expect(second).toMatchObject({ status: 200, body: failure });
  });

  it('allow-create without credentials → SUCCESS, device created with a 20-character token', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(provisionBody());
    expect(r.status).toBe(200);
    const token = generatedToken.exec(r.body)?.[1];
    expect(token, r.body).toBeDefined();
    const device = await t.call('devices.get', { name });
    expect(device).toMatchObject({
      state: 'provisioned',
      provisionedVia: 'http',
      credentialsType: 'ACCESS_TOKEN',
      credentialsValue: token,
      gateway: false,
    });
  });

  it('"gateway": true → gateway flag stored', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(provisionBody({ gateway: true }));
    expect(r.body).toMatch(generatedToken);
    expect(await t.call('devices.get', { name })).toMatchObject({ gateway: true });
  });

  it('ACCESS_TOKEN test_token → stored as given', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(provisionBody({ credentialsType: 'ACCESS_TOKEN', token: 'test_token' }));
    expect(r.body).toBe('{"credentialsValue":"test_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}');
    expect(await t.call('devices.get', { name })).toMatchObject({ credentialsType: 'ACCESS_TOKEN', credentialsValue: 'test_token' });
  });

  it('X509_CERTIFICATE hash "testHash" → credentialsValue testHash', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(provisionBody({ credentialsType: 'X509_CERTIFICATE', hash: 'testHash' }));
    expect(r.body).toBe('{"credentialsValue":"testHash","credentialsType":"X509_CERTIFICATE","status":"SUCCESS"}');
    expect(await t.call('devices.get', { name })).toMatchObject({ credentialsType: 'X509_CERTIFICATE', credentialsValue: 'testHash' });
  });

  it('MQTT_BASIC → stored, and the response credentialsValue is an object {clientId,userName,password}', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(
      provisionBody({ credentialsType: 'MQTT_BASIC', clientId: 'test_clientId', username: 'test_username', password: 'test_password' }),
    );
    expect(r.body).toBe(
      '{"credentialsValue":{"clientId":"test_clientId","userName":"test_username","password":"test_password"},' +
        '"credentialsType":"MQTT_BASIC","status":"SUCCESS"}',
    );
    expect(await t.call('devices.get', { name })).toMatchObject({
      credentialsType: 'MQTT_BASIC',
      credentialsValue: { clientId: 'test_clientId', userName: 'test_username', password: 'test_password' },
    });
  });

  it('wrong key → NOT_FOUND; wrong secret → NOT_FOUND; blank deviceName → FAILURE; nothing created', async () => {
    await addProfile(t, 'allow-create');
    expect(await provisionWithCurl(provisionBody({ provisionDeviceKey: 'wrongKey' }))).toMatchObject({ status: 200, body: notFound });
    expect(await provisionWithCurl(provisionBody({ provisionDeviceSecret: 'wrongSecret' }))).toMatchObject({ status: 200, body: notFound });
    expect(await provisionWithCurl(provisionBody({ deviceName: '   ' }))).toMatchObject({ status: 200, body: failure });
    expect(await t.call('devices.list', {})).toEqual([]);
  });

  it('needs no content-type (text/plain is served the same) and honours Expect: 100-continue', async () => {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(provisionBody(), { 'content-type': 'text/plain' });
    expect(r.body).toMatch(generatedToken);
    const expecting = await provisionWithCurl(provisionBody({ deviceName: 'second' }), { expect: '100-continue' });
    expect(expecting.body).toMatch(generatedToken);
  });
});

describe('HTTP provisioning with Node clients (fetch, http keep-alive)', () => {
  beforeEach(() => start());

  it('answers fetch with the exact ThingsBoard JSON for SUCCESS, MQTT_BASIC and NOT_FOUND', async () => {
    await addProfile(t, 'allow-create');
    const post = (body: string) => fetch(`${base}/api/v1/provision`, { method: 'POST', body });
    const created = await post(provisionBody());
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toBe('application/json');
    expect(await created.text()).toMatch(generatedToken);

    const mqtt = await post(
      provisionBody({ deviceName: 'mqtt one', credentialsType: 'MQTT_BASIC', clientId: 'c1', username: 'u1', password: 'p1' }),
    );
    expect(await mqtt.text()).toBe(
      '{"credentialsValue":{"clientId":"c1","userName":"u1","password":"p1"},"credentialsType":"MQTT_BASIC","status":"SUCCESS"}',
    );
    const wrong = await post(provisionBody({ deviceName: 'x', provisionDeviceSecret: 'nope' }));
    expect([wrong.status, await wrong.text()]).toEqual([200, notFound]);
  });

  it('serves a burst of 200 concurrent devices, one SUCCESS each', async () => {
    await addProfile(t, 'allow-create');
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${base}/api/v1/provision`, { method: 'POST', body: provisionBody({ deviceName: `burst-${i}` }) }).then((r) => r.text()),
      ),
    );
    expect(replies.filter((r) => generatedToken.test(r))).toHaveLength(200);
    expect(await t.call('devices.list', {})).toHaveLength(200);
  });

  it('keeps the connection alive between requests', async () => {
    await addProfile(t, 'allow-create');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const ports: number[] = [];
      for (const deviceName of ['ka-1', 'ka-2']) {
        const { status, localPort } = await new Promise<{ status: number; localPort: number }>((resolve, reject) => {
          const req = httpRequest(`${base}/api/v1/provision`, { method: 'POST', agent }, (res) => {
            const localPort = res.socket.localPort ?? 0;
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort }));
          });
          req.on('error', reject);
          req.end(provisionBody({ deviceName }));
        });
        expect(status).toBe(200);
        ports.push(localPort);
      }
      expect(ports[0]).toBe(ports[1]);
    } finally {
      agent.destroy();
    }
  });
});

describe('HTTP transport: bad input is refused plainly and the server keeps serving', () => {
  beforeEach(() => start());

  it('400 with one JSON shape for malformed JSON, null or mistyped key/secret, unknown credentialsType', async () => {
    await addProfile(t, 'allow-create');
    const cases: Array<[string, string]> = [
      ['{"provisionDeviceKey": "testProvisionKey", ', 'the request body is not valid JSON'],
      ['', 'the request body is not valid JSON'],
      ['null', 'the request must be a JSON object'],
      [JSON.stringify({ provisionDeviceKey: null, provisionDeviceSecret: secret }), 'provisionDeviceKey is missing'],
      [JSON.stringify({ provisionDeviceKey: key, provisionDeviceSecret: null }), 'provisionDeviceSecret is missing'],
      [JSON.stringify({ provisionDeviceKey: 42, provisionDeviceSecret: secret }), 'provisionDeviceKey must be a string'],
      [provisionBody({ credentialsType: 'PSK' }), 'credentialsType must be one of ACCESS_TOKEN, MQTT_BASIC, X509_CERTIFICATE'],
    ];
    for (const [body, message] of cases) {
      const r = await provisionWithCurl(body);
      expect({ body, status: r.status, reply: r.body }).toEqual({ body, status: 400, reply: badRequest(message) });
      expect(r.contentType).toBe('application/json');
    }
    const attempts = await t.call('provisioning.attempts', {});
    expect(attempts.filter((a) => a.outcome === 'BAD_REQUEST')).toHaveLength(cases.length);
    expect((await provisionWithCurl(provisionBody())).body).toMatch(generatedToken);
  });

  it('413 for a 1 MB body, announced with Expect: 100-continue (curl) or sent outright (fetch)', async () => {
    await addProfile(t, 'allow-create');
    const huge = Buffer.alloc(1024 * 1024, 'a');
    const tooLarge = JSON.stringify({ errorMsg: 'the request body is larger than 65536 bytes', status: 'PAYLOAD_TOO_LARGE' });
    expect(await provisionWithCurl(huge)).toMatchObject({ status: 413, body: tooLarge });
    expect(await provisionWithCurl(huge, { expect: '' })).toMatchObject({ status: 413, body: tooLarge });
    const viaFetch = await fetch(`${base}/api/v1/provision`, { method: 'POST', body: huge });
    expect([viaFetch.status, await viaFetch.text()]).toEqual([413, tooLarge]);
    // A body just under the limit is read (and refused as the JSON it is not).
    expect((await provisionWithCurl(Buffer.alloc(64 * 1024, ' '))).status).toBe(400);
    expect((await provisionWithCurl(provisionBody())).body).toMatch(generatedToken);
    const attempts = await t.call('provisioning.attempts', {});
    expect(attempts.filter((a) => a.reason === 'request body larger than 65536 bytes')).toHaveLength(3);
  });

  it('a device sending a too-large body outright can send all of it and still reads the 413 (no reset mid-upload)', async () => {
    // Without Expect: 100-continue a device sends its whole body before it reads; a server that closes as soon as it
    // has answered resets the connection under the upload, and the device sees "connection reset", not the 413
    // (curl: exit 55, no status). Written in pieces, each after the last was taken, as a device's TCP stack does.
    const { port } = new URL(base);
    const size = 8 * 1024 * 1024;
    const head = `POST /api/v1/provision HTTP/1.1\r\nHost: device\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
    const answer = await new Promise<{ received: string; error: string | null }>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      let error: string | null = null;
      socket.on('data', (d) => (received += d.toString('latin1')));
      socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
      socket.on('close', () => resolve({ received, error }));
      const piece = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const more = (): void => {
        while (sent < size) {
          sent += piece.length;
          if (!socket.write(piece)) return void socket.once('drain', more);
        }
        socket.end();
      };
      socket.write(head, more);
    });
    expect(answer.error).toBeNull();
    expect(answer.received).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer.received).toContain('"status":"PAYLOAD_TOO_LARGE"');
  });

  it('survives raw garbage on the TCP port, then still provisions', async () => {
    await addProfile(t, 'allow-create');
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let received = '';
      socket.on('data', (d) => (received += d.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(received));
      socket.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a, 0xde, 0xad, 0xbe, 0xef]));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect((await provisionWithCurl(provisionBody())).body).toMatch(generatedToken);
  });

  it('exposes only device endpoints: 404 elsewhere (the admin API is not here), 405 for a wrong method', async () => {
    for (const path of ['/', '/api/status', '/api/rpc/devices.list', '/api/v1/provision/', '/api/v1/x/telemetry/1', '/onboard/']) {
      const r = await curl(`${base}${path}`, { method: 'GET' });
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(JSON.parse(r.body)).toMatchObject({ status: 'NOT_FOUND' });
    }
    const badEscape = await curl(`${base}/api/v1/%E0%A4%A/telemetry`, { body: '{}' });
    expect([badEscape.status, badEscape.body]).toEqual([400, badRequest('the request path is not valid percent-encoding')]);
    for (const [method, path] of [
      ['GET', '/api/v1/provision'],
      ['PUT', '/api/v1/provision'],
      ['GET', '/api/v1/sometoken/telemetry'],
      ['DELETE', '/api/v1/sometoken/rpc/1'],
    ] as const) {
      const r = await curl(`${base}${path}`, { method });
      expect({ method, path, status: r.status, body: JSON.parse(r.body) }).toEqual({
        method,
        path,
        status: 405,
        body: { errorMsg: `${method} is not allowed here; use POST`, status: 'METHOD_NOT_ALLOWED' },
      });
    }
    // DeviceApiController maps GET and POST on /attributes (read, report).
    const del = await curl(`${base}/api/v1/sometoken/attributes`, { method: 'DELETE' });
    expect([del.status, JSON.parse(del.body)]).toEqual([405, { errorMsg: 'DELETE is not allowed here; use GET or POST', status: 'METHOD_NOT_ALLOWED' }]);
    const head = await fetch(`${base}/api/v1/provision`, { method: 'OPTIONS' });
    expect([head.status, head.headers.get('allow')]).toEqual([405, 'POST']);
  });
});

describe('HTTP transport: slow clients cannot pin sockets', () => {
  beforeEach(() => start({ headersMs: 300, requestMs: 600, checkEveryMs: 50 }));

  it('drops a connection that never finishes its headers (slowloris) and one that never finishes its body', async () => {
    const { port } = new URL(base);
    const dropped = (partial: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(partial));
        let received = '';
        socket.on('data', (d) => (received += d.toString('latin1')));
        socket.on('error', reject);
        socket.on('close', () => resolve(received));
      });
    const [headers, body] = await Promise.all([
      dropped('POST /api/v1/provision HTTP/1.1\r\nHost: station\r\nX-Slow: 1'),
      dropped('POST /api/v1/provision HTTP/1.1\r\nHost: station\r\nContent-Length: 100\r\n\r\n{"provisionDeviceKey"'),
    ]);
    expect(headers).toMatch(/^HTTP\/1\.1 408 /);
    expect(body).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('HTTP first contact (device API after provisioning)', () => {
  beforeEach(() => start());

  async function provisionedToken(): Promise<string> {
    await addProfile(t, 'allow-create');
    const r = await provisionWithCurl(provisionBody());
    const token = generatedToken.exec(r.body)?.[1];
    if (!token) throw new Error(`provisioning failed: ${r.body}`);
    return token;
  }

  it('telemetry with the token → 200 empty body, device online with lastSeenAt and the telemetry stored', async () => {
    const token = await provisionedToken();
    const r = await curl(`${base}/api/v1/${token}/telemetry`, { body: '{"temperature":21.5,"humidity":40}' });
    expect(r).toMatchObject({ status: 200, body: '' });
    const device = await t.call('devices.get', { name });
    expect(device.state).toBe('online');
    expect(device.lastSeenAt).not.toBeNull();
    expect(device.telemetry.temperature?.value).toBe(21.5);
    expect(device.telemetry.humidity?.value).toBe(40);
  });

  it('attributes with the token → 200, stored as client attributes', async () => {
    const token = await provisionedToken();
    const r = await curl(`${base}/api/v1/${token}/attributes`, { body: '{"firmware":"1.2.3"}' });
    expect(r).toMatchObject({ status: 200, body: '' });
    expect((await t.call('devices.get', { name })).attributes.client).toMatchObject({ firmware: '1.2.3' });
  });

  it('unknown token → 401; bad JSON or non-telemetry JSON → 400; the device stays provisioned', async () => {
    const token = await provisionedToken();
    const unknown = await curl(`${base}/api/v1/not-a-token/telemetry`, { body: '{"t":1}' });
    expect([unknown.status, JSON.parse(unknown.body).status]).toEqual([401, 'UNAUTHORIZED']);
    const unknownAttr = await fetch(`${base}/api/v1/not-a-token/attributes`, { method: 'POST', body: '{"a":1}' });
    expect(unknownAttr.status).toBe(401);
    const badJson = await curl(`${base}/api/v1/${token}/telemetry`, { body: '{"t":' });
    expect([badJson.status, badJson.body]).toEqual([400, badRequest('the payload is not valid JSON')]);
    const notTelemetry = await curl(`${base}/api/v1/${token}/telemetry`, { body: '42' });
    expect(notTelemetry.status).toBe(400);
    expect((await t.call('devices.get', { name })).state).toBe('provisioned');
  });

  it('telemetry with fetch, and a 1 MB telemetry body is refused with 413', async () => {
    const token = await provisionedToken();
    const ok = await fetch(`${base}/api/v1/${encodeURIComponent(token)}/telemetry`, { method: 'POST', body: '[{"ts":1700000000000,"values":{"v":1}}]' });
    expect([ok.status, await ok.text()]).toEqual([200, '']);
    const huge = await curl(`${base}/api/v1/${token}/telemetry`, { body: Buffer.alloc(1024 * 1024, 'a') });
    expect(huge.status).toBe(413);
    expect((await t.call('devices.get', { name })).telemetry.v?.value).toBe(1);
  });
});

describe('HTTP transport: a failing service', () => {
  it('answers 500 with the same JSON shape and logs the cause', async () => {
    const logged: string[] = [];
    const fail = () => Promise.reject(new Error('disk I/O error'));
    const service = stubService({ provision: fail, recordTelemetry: fail });
    transport = createHttpTransport({ host: '127.0.0.1', port: 0, service, deviceApi: t.engine.deviceApi, log: (line) => logged.push(line) });
    base = `http://127.0.0.1:${(await transport.listen()).port}`;
    const internal = JSON.stringify({ errorMsg: 'the station could not handle this request; try again', status: 'INTERNAL_ERROR' });
    expect(await provisionWithCurl(provisionBody())).toMatchObject({ status: 500, body: internal });
    expect(await curl(`${base}/api/v1/token/telemetry`, { body: '{}' })).toMatchObject({ status: 500, body: internal });
    expect(logged).toHaveLength(2);
    expect(logged[0]).toContain('disk I/O error');
  });
});

describe('HTTP transport lifecycle', () => {
  it('close() lets an answer in flight go out, refuses new requests meanwhile, then releases the port', async () => {
    const held = heldProvision();
    transport = createHttpTransport({ host: '127.0.0.1', port: 0, service: stubService({ provision: held.provision }), deviceApi: t.engine.deviceApi });
    base = `http://127.0.0.1:${(await transport.listen()).port}`;
    const pending = provisionWithCurl(provisionBody());
    await held.inside;
    const closed = transport.close();
    const meanwhile = await provisionWithCurl(provisionBody());
    expect([meanwhile.status, JSON.parse(meanwhile.body).status]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    held.release();
    expect(await pending).toMatchObject({
      status: 200,
      body: '{"credentialsValue":"held_token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}',
    });
    await closed;
    expect((await curl(`${base}/api/v1/provision`, { body: '{}', timeoutSec: 2 })).status).toBe(0);
  });

  it('listens on port 0, and close() is idempotent and releases the port', async () => {
    await start();
    const { port } = new URL(base);
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    const again = createHttpTransport({ host: '127.0.0.1', port: Number(port), service: t.service , deviceApi: t.engine.deviceApi});
    expect((await again.listen()).port).toBe(Number(port));
    await again.close();
  });
});
