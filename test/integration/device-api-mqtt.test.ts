import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDevices, deviceId, tokenA, tokenB, watch } from '../support/device-api-fixtures.ts';
import { connectJs, firstMessage, type MqttStation, mosquittoPub, paho, startMqttStation } from '../support/mqtt-clients.ts';

// ThingsBoard's MQTT device API after provisioning (MqttTransportHandler, MqttTopics, JsonMqttAdaptor), with
// mosquitto_pub/mosquitto_sub, Eclipse Paho and mqtt.js as devices.

let s: MqttStation;

beforeEach(async () => {
  s = await startMqttStation({ withProfile: false });
  await addDevices(s.t);
  await s.t.call('attributes.set', { level: 'profile', name: 'sensors', values: { interval: 60, mode: 'eco' } });
  await s.t.call('attributes.set', { level: 'batch', name: 'plant-3', values: { interval: 30 } });
});

afterEach(() => s.close());

/** mosquitto_sub printing what it receives (-v: topic and payload on one line); deviceApi.listening() says it subscribed. */
const subscriber = (token: string, topic: string) =>
  watch('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(s.port), '-u', token, '-d', '-v', '-C', '1', '-W', '10', '-q', '1', '-t', topic]);

describe('MQTT attributes request (v1/devices/me/attributes/request/{id} → response/{id})', () => {
  it('Paho: the answer carries the request id and ThingsBoard\'s JSON (JsonMqttAdaptor.convertToGetAttributes)', async () => {
    await s.t.call('attributes.set', { level: 'device', name: 'dev-a', values: { mode: 'fast' } });
    const events = await paho(s.port, [
      '--username', tokenA,
      '--subscribe', 'v1/devices/me/attributes/response/+@1',
      '--publish', 'v1/devices/me/attributes/request/7', '{"sharedKeys":"interval,mode,missing"}',
      '--count', '1',
    ]);
    const message = events.find((e) => e.event === 'message');
    expect(message).toMatchObject({ topic: 'v1/devices/me/attributes/response/7', qos: 1, payload: '{"shared":{"interval":30,"mode":"fast"}}' });
  });

  it('mosquitto: the answer arrives even without a subscription, at QoS 1 (getQoSForTopic default AT_LEAST_ONCE)', async () => {
    const client = await connectJs(s.port, { username: tokenA });
    const answer = firstMessage(client);
    client.publish('v1/devices/me/attributes/request/1', '{}', { qos: 1 });
    expect(await answer).toEqual({ topic: 'v1/devices/me/attributes/response/1', payload: '{"shared":{"interval":30,"mode":"eco"}}', qos: 1 });
    await client.endAsync();
  });

  it('an answer goes only to the asking session, never to another device subscribed to the same filter', async () => {
    const a = await connectJs(s.port, { username: tokenA });
    const b = await connectJs(s.port, { username: tokenB });
    await s.t.call('attributes.set', { level: 'device', name: 'dev-b', values: { mode: 'b-only' } });
    await a.subscribeAsync('v1/devices/me/attributes/response/+', { qos: 1 });
    await b.subscribeAsync('v1/devices/me/attributes/response/+', { qos: 1 });
    const toA = firstMessage(a);
    const firstToB = firstMessage(b);
    a.publish('v1/devices/me/attributes/request/1', '{"sharedKeys":"mode"}', { qos: 1 });
    expect((await toA).payload).toBe('{"shared":{"mode":"eco"}}');
    // B's first message must be its own answer (id 2), not A's.
    b.publish('v1/devices/me/attributes/request/2', '{"sharedKeys":"mode"}', { qos: 1 });
    expect(await firstToB).toMatchObject({ topic: 'v1/devices/me/attributes/response/2', payload: '{"shared":{"mode":"b-only"}}' });
    await Promise.all([a.endAsync(), b.endAsync()]);
  });

  it('a malformed request closes the session (AdaptorException on MQTT 3.1.1)', async () => {
    const events = await paho(s.port, ['--username', tokenA, '--publish', 'v1/devices/me/attributes/request/x', '{}', '--until-close']);
    expect(events.some((e) => e.event === 'closed')).toBe(true);
  });
});

describe('MQTT shared-attribute updates (subscription to v1/devices/me/attributes)', () => {
  it('mosquitto_sub hears the change within a second: changed keys and "deleted" (JsonConverter.toJson(AttributeUpdateNotificationMsg))', async () => {
    const sub = subscriber(tokenA, 'v1/devices/me/attributes');
    await s.t.engine.deviceApi.listening(deviceId(s.t, 'dev-a'), 'attributes');
    const setAt = Date.now();
    await s.t.call('attributes.set', { level: 'profile', name: 'sensors', values: { mode: null, fw: '2.1' } });
    const line = await sub.line(/^v1\/devices\/me\/attributes /);
    expect(Date.now() - setAt).toBeLessThan(1000);
    expect(line).toBe('v1/devices/me/attributes {"fw":"2.1","deleted":["mode"]}');
    expect((await sub.exited).code).toBe(0);
  });

  it('device > batch > profile: a profile change hidden by the batch value tells nobody; the device value wins', async () => {
    const client = await connectJs(s.port, { username: tokenA });
    await client.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    const next = firstMessage(client);
    await s.t.call('attributes.set', { level: 'profile', name: 'sensors', values: { interval: 120 } });
    await s.t.call('attributes.set', { level: 'device', name: 'dev-a', values: { interval: 5 } });
    expect(await next).toEqual({ topic: 'v1/devices/me/attributes', payload: '{"interval":5}', qos: 1 });
    const after = firstMessage(client);
    await s.t.call('attributes.set', { level: 'device', name: 'dev-a', values: { interval: null } });
    expect((await after).payload).toBe('{"interval":30}');
    await client.endAsync();
  });
});

describe('MQTT server-side RPC (v1/devices/me/rpc/request/+ → rpc/response/{id})', () => {
  it('mosquitto round trip: {"method","params"} on request/0, the answer published to response/0 comes back', async () => {
    const sub = subscriber(tokenA, 'v1/devices/me/rpc/request/+');
    await s.t.engine.deviceApi.listening(deviceId(s.t, 'dev-a'), 'rpc');
    const sent = s.t.call('rpc.send', { device: 'dev-a', method: 'setValve', params: { open: true }, timeoutMs: 5000 });
    // JsonMqttAdaptor.convertToPublish(ToDeviceRpcRequestMsg): no id in the body, it is the topic's last level.
    expect(await sub.line(/^v1\/devices\/me\/rpc\/request\//)).toBe('v1/devices/me/rpc/request/0 {"method":"setValve","params":{"open":true}}');
    const pub = await mosquittoPub(s.port, ['-u', tokenA, '-q', '1', '-t', 'v1/devices/me/rpc/response/0', '-m', '{"open":true}']);
    expect(pub.code).toBe(0);
    expect(await sent).toEqual({ id: 0, response: { open: true } });
  });

  it('a request waiting for the device is delivered when it subscribes; RPC goes only to that device', async () => {
    const sent = s.t.call('rpc.send', { device: 'dev-a', method: 'ping', params: 1, timeoutMs: 5000 });
    const b = await connectJs(s.port, { username: tokenB });
    await b.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    const a = await connectJs(s.port, { username: tokenA });
    const request = firstMessage(a);
    await a.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 0 });
    expect(await request).toEqual({ topic: 'v1/devices/me/rpc/request/0', payload: '{"method":"ping","params":1}', qos: 0 });
    a.publish('v1/devices/me/rpc/response/0', 'pong', { qos: 1 });
    expect(await sent).toEqual({ id: 0, response: 'pong' });
    // B subscribed first and heard nothing: its first message is a request meant for it.
    const toB = firstMessage(b);
    const forB = s.t.call('rpc.send', { device: 'dev-b', method: 'forB', timeoutMs: 5000 });
    expect((await toB).payload).toBe('{"method":"forB","params":{}}');
    b.publish('v1/devices/me/rpc/response/0', '{}', { qos: 1 });
    await forB;
    await Promise.all([a.endAsync(), b.endAsync()]);
    expect(deviceId(s.t, 'dev-a')).toBeGreaterThan(0);
  });
});
