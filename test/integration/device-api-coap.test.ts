import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransportServer } from '../../electron/station/provisioning/types.ts';
import { createCoapTransport } from '../../electron/station/transports/coap.ts';
import { addDevices, deviceId, tokenA, watch } from '../support/device-api-fixtures.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { coapClient } from '../support/real-clients.ts';

// ThingsBoard's CoAP device API after provisioning (CoapTransportResource, DefaultCoapClientContext,
// JsonCoapAdaptor), with libcoap's coap-client-notls as the device.

let t: TestEngine;
let transport: TransportServer;
let base: string;

beforeEach(async () => {
  t = openTestEngine();
  await addDevices(t);
  await t.call('attributes.set', { level: 'profile', name: 'sensors', values: { interval: 60, mode: 'eco' } });
  await t.call('attributes.set', { level: 'batch', name: 'plant-3', values: { interval: 30 } });
  transport = createCoapTransport({ host: '127.0.0.1', port: 0, service: t.service, deviceApi: t.engine.deviceApi });
  base = `coap://127.0.0.1:${(await transport.listen()).port}/api/v1`;
});

afterEach(async () => {
  await transport.close();
  await t.close();
});

/** `coap-client-notls -s SECONDS`: observes, printing each notification's payload on its own line. */
const observer = (path: string, seconds: number) => watch('coap-client-notls', ['-m', 'get', '-s', String(seconds), '-B', String(seconds + 1), `${base}/${path}`], (seconds + 5) * 1000);

describe('CoAP GET attributes (JsonCoapAdaptor.convertToPublish(GetAttributeResponseMsg))', () => {
  it('2.05 with ThingsBoard JSON; named keys; 4.04 when nothing matches; 4.01 for an unknown token', async () => {
    const all = await coapClient(`${base}/${tokenA}/attributes`, { method: 'get' });
    expect([all.code, all.payload]).toEqual(['2.05', '{"shared":{"interval":30,"mode":"eco"}}']);
    expect(all.options).toContain('Content-Format:application/json');
    const some = await coapClient(`${base}/${tokenA}/attributes?sharedKeys=mode,missing`, { method: 'get' });
    expect([some.code, some.payload]).toEqual(['2.05', '{"shared":{"mode":"eco"}}']);
    expect((await coapClient(`${base}/${tokenA}/attributes?clientKeys=none`, { method: 'get' })).code).toBe('4.04');
    expect((await coapClient(`${base}/wrong/attributes`, { method: 'get' })).code).toBe('4.01');
  });
});

describe('CoAP observe (RFC 7641) on attributes and RPC', () => {
  it('attributes: first the shared state, then each change within a second (registerFeatureObservation)', async () => {
    const obs = observer(`${tokenA}/attributes`, 4);
    expect(await obs.line(/^\{/)).toBe('{"interval":30,"mode":"eco"}');
    await t.engine.deviceApi.listening(deviceId(t, 'dev-a'), 'attributes');
    const setAt = Date.now();
    await t.call('attributes.set', { level: 'device', name: 'dev-a', values: { mode: 'fast' } });
    await obs.line(/"mode":"fast"/);
    expect(Date.now() - setAt).toBeLessThan(1000);
    obs.kill();
    const { stdout } = await obs.exited;
    // libcoap prints notification payloads back to back.
    expect(stdout.replaceAll('\n', '')).toContain('{"interval":30,"mode":"eco"}{"mode":"fast"}');
  });

  it('RPC: {"id":0,"method","params"} to the observer, the answer POSTed to /rpc/0 (2.01) returns to rpc.send', async () => {
    const obs = observer(`${tokenA}/rpc`, 4);
    await t.engine.deviceApi.listening(deviceId(t, 'dev-a'), 'rpc');
    const sent = t.call('rpc.send', { device: 'dev-a', method: 'blink', params: { times: 3 }, timeoutMs: 5000 });
    // JsonCoapAdaptor.convertToPublish(ToDeviceRpcRequestMsg): JsonConverter.toJson(msg, true).
    expect(await obs.line(/^\{/)).toBe('{"id":0,"method":"blink","params":{"times":3}}');
    const answer = await coapClient(`${base}/${tokenA}/rpc/0`, { payload: '{"blinked": 3}' });
    expect(answer.code).toBe('2.01');
    // The answer is passed on re-serialized (convertToDeviceRpcResponse: response.toString()).
    expect(await sent).toEqual({ id: 0, response: { blinked: 3 } });
    obs.kill();
    await obs.exited;
  });

  it('RPC answer that is not a JSON object → 4.00; GET /rpc without observe → 4.00; client-side POST /rpc → 5.01', async () => {
    expect((await coapClient(`${base}/${tokenA}/rpc/0`, { payload: 'plain' })).code).toBe('4.00');
    expect((await coapClient(`${base}/${tokenA}/rpc`, { method: 'get' })).code).toBe('4.00');
    expect((await coapClient(`${base}/${tokenA}/rpc`, { payload: '{"method":"getTime","params":{}}' })).code).toBe('5.01');
  });
});
