import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransportServer } from '../../electron/station/provisioning/types.ts';
import { createHttpTransport } from '../../electron/station/transports/http.ts';
import { ApiError } from '../../shared/errors.ts';
import { addDevices, deviceId, tokenA } from '../support/device-api-fixtures.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { curl } from '../support/real-clients.ts';

// ThingsBoard's HTTP device API after provisioning (DeviceApiController), with curl as the device.

let t: TestEngine;
let transport: TransportServer;
let base: string;

beforeEach(async () => {
  t = openTestEngine();
  await addDevices(t);
  await t.call('devices.add', { profile: 'sensors', name: 'dev-c', token: 'device_c_token' });
  transport = createHttpTransport({ host: '127.0.0.1', port: 0, service: t.service, deviceApi: t.engine.deviceApi });
  base = `http://127.0.0.1:${(await transport.listen()).port}/api/v1`;
});

afterEach(async () => {
  await transport.close();
  await t.close();
});

const get = (path: string, timeoutSec = 10) => curl(`${base}/${path}`, { method: 'GET', timeoutSec });

describe('HTTP GET /api/v1/{token}/attributes (DeviceApiController.getDeviceAttributes)', () => {
  beforeEach(async () => {
    await curl(`${base}/${tokenA}/attributes`, { body: '{"fw":"1.0","rssi":-60}' });
    await t.call('attributes.set', { level: 'profile', name: 'sensors', values: { interval: 60, mode: 'eco', cfg: { a: [1, 2] } } });
    await t.call('attributes.set', { level: 'batch', name: 'plant-3', values: { interval: 30 } });
    await t.call('attributes.set', { level: 'device', name: 'dev-a', values: { mode: 'fast' } });
  });

  it('no keys → every client and shared attribute, device > batch > profile (getAttributesKvEntries)', async () => {
    const r = await get(`${tokenA}/attributes`);
    expect([r.status, r.contentType]).toEqual([200, 'application/json']);
    expect(JSON.parse(r.body)).toEqual({ client: { fw: '1.0', rssi: -60 }, shared: { interval: 30, mode: 'fast', cfg: { a: [1, 2] } } });
  });

  it('named keys only; a missing key is left out; an empty scope is left out (JsonConverter.toJson(GetAttributeResponseMsg))', async () => {
    expect((await get(`${tokenA}/attributes?clientKeys=fw,nope&sharedKeys=interval,mode`)).body).toBe(
      '{"client":{"fw":"1.0"},"shared":{"interval":30,"mode":"fast"}}',
    );
    expect((await get(`${tokenA}/attributes?sharedKeys=interval`)).body).toBe('{"shared":{"interval":30}}');
    expect((await get(`${tokenA}/attributes?clientKeys=rssi`)).body).toBe('{"client":{"rssi":-60}}');
    expect((await get(`${tokenA}/attributes?sharedKeys=nope`)).body).toBe('{}');
  });

  it('a device of the same profile outside the batch gets the profile values; unknown token → 401', async () => {
    expect(JSON.parse((await get('device_c_token/attributes')).body)).toEqual({ shared: { interval: 60, mode: 'eco', cfg: { a: [1, 2] } } });
    expect((await get('wrong_token/attributes')).status).toBe(401);
  });
});

describe('HTTP long poll GET /api/v1/{token}/attributes/updates (subscribeToAttributes)', () => {
  it('answers with the changed keys and "deleted" within a second of attributes.set', async () => {
    await t.call('attributes.set', { level: 'batch', name: 'plant-3', values: { interval: 30, old: true } });
    const poll = get(`${tokenA}/attributes/updates?timeout=10000`);
    await t.engine.deviceApi.listening(deviceId(t, 'dev-a'), 'attributes');
    const setAt = Date.now();
    await t.call('attributes.set', { level: 'batch', name: 'plant-3', values: { interval: 15, old: null } });
    const r = await poll;
    expect(Date.now() - setAt).toBeLessThan(1000);
    // JsonConverter.toJson(AttributeUpdateNotificationMsg): updated keys at top level, then "deleted".
    expect([r.status, r.body]).toEqual([200, '{"interval":15,"deleted":["old"]}']);
  });

  it('408 with no body when nothing changed within timeout (registerSyncSession → REQUEST_TIMEOUT)', async () => {
    const r = await get(`${tokenA}/attributes/updates?timeout=300`);
    expect([r.status, r.body]).toEqual([408, '']);
  });
});

describe('HTTP server-side RPC: GET /rpc long poll, POST /rpc/{id} (subscribeToCommands, replyToCommand)', () => {
  it('round trip: {"id":0,"method","params"} to the poll, the posted answer back to rpc.send', async () => {
    const poll = get(`${tokenA}/rpc?timeout=10000`);
    await t.engine.deviceApi.listening(deviceId(t, 'dev-a'), 'rpc');
    const sent = t.call('rpc.send', { device: 'dev-a', method: 'setGpio', params: { pin: 4, value: 1 }, timeoutMs: 5000 });
    const request = await poll;
    // JsonConverter.toJson(ToDeviceRpcRequestMsg, true): ids count from 0 per device.
    expect([request.status, request.body]).toEqual([200, '{"id":0,"method":"setGpio","params":{"pin":4,"value":1}}']);
    const answer = await curl(`${base}/${tokenA}/rpc/0`, { body: '{"pin":4,"value":1,"ok":true}' });
    expect([answer.status, answer.body]).toEqual([200, '']);
    expect(await sent).toEqual({ id: 0, response: { pin: 4, value: 1, ok: true } });
    const events = await t.call('devices.events', { name: 'dev-a' });
    expect(events[0]).toMatchObject({ kind: 'rpc', outcome: 'SUCCESS' });
  });

  it('a request sent before the device polls waits for the poll (sendPendingRequests)', async () => {
    const sent = t.call('rpc.send', { device: 'dev-a', method: 'reboot', timeoutMs: 5000 });
    const request = await get(`${tokenA}/rpc`);
    expect(request.body).toBe('{"id":0,"method":"reboot","params":{}}');
    await curl(`${base}/${tokenA}/rpc/0`, { body: 'done' });
    expect(await sent).toEqual({ id: 0, response: 'done' });
  });

  it('no answer in time → a clear timeout error, audited; nobody listening → NO_ACTIVE_CONNECTION', async () => {
    const poll = get(`${tokenA}/rpc?timeout=10000`);
    await t.engine.deviceApi.listening(deviceId(t, 'dev-a'), 'rpc');
    const err = await t.call('rpc.send', { device: 'dev-a', method: 'slow', timeoutMs: 300 }).catch((e: unknown) => e);
    await poll;
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'timeout', message: "device 'dev-a' received RPC 'slow' but did not answer within 0.3 s" });
    const silent = await t.call('rpc.send', { device: 'dev-b', method: 'x', timeoutMs: 200 }).catch((e: unknown) => e);
    expect(silent).toMatchObject({ code: 'timeout', details: { error: 'NO_ACTIVE_CONNECTION' } });
    const events = await t.call('devices.events', { name: 'dev-a' });
    expect(events[0]).toMatchObject({ kind: 'rpc', outcome: 'TIMEOUT' });
  });

  it('a GET on /attributes is no longer 405; client-side POST /rpc is 501; a bad request id is 400', async () => {
    expect((await get(`${tokenA}/attributes`)).status).toBe(200);
    expect((await curl(`${base}/${tokenA}/rpc`, { body: '{"method":"getTime","params":{}}' })).status).toBe(501);
    expect((await curl(`${base}/${tokenA}/rpc/abc`, { body: '{}' })).status).toBe(400);
    expect((await get(`${tokenA}/rpc?timeout=soon`)).status).toBe(400);
  });
});
