import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addDevices, deviceId, tokenA, tokenB, watch } from '../support/device-api-fixtures.ts';
import { closed, connectJs, type MqttStation, startMqttStation } from '../support/mqtt-clients.ts';

// Issue 11 (trust): a device removed at the station, or reset without its credentials, loses its open MQTT session
// at once, as ThingsBoard closes a deleted device's sessions (DefaultTransportService.onDeviceDeleted); before, the
// session stayed and its telemetry went on being accepted. Other devices' sessions stay.
let s: MqttStation;

beforeEach(async () => {
  s = await startMqttStation({ withProfile: false });
  await addDevices(s.t);
});
afterEach(() => s.close());

describe('MQTT sessions of a device whose login the station took back', () => {
  it('removing the device closes its session (mosquitto_sub sees it, and is refused when it reconnects); another device stays', async () => {
    const sub = watch('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(s.port), '-u', tokenA, '-d', '-q', '1', '-t', 'v1/devices/me/attributes']);
    // Its output is block-buffered into the pipe: the station says when the subscription is in place.
    await s.t.engine.deviceApi.listening(deviceId(s.t, 'dev-a'), 'attributes');
    const other = await connectJs(s.port, { username: tokenB, reconnectPeriod: 0 });

    await s.t.call('devices.remove', { names: ['dev-a'], provisioned: 'remove' });
    // mosquitto_sub reconnects after a lost connection; its token is gone now, so the CONNACK refuses and it ends.
    const { code, stdout, stderr } = await sub.exited;
    expect(`${stdout}\n${stderr}`).toMatch(/not authori[sz]ed/i);
    expect(code).not.toBe(0);
    expect(s.logs.some((l) => /closing device dev-a .*its login was taken back/.test(l))).toBe(true);

    expect(other.connected).toBe(true);
    await other.publishAsync('v1/devices/me/telemetry', '{"temperature":21}', { qos: 1 });
    await other.endAsync();
  });

  it('resetting a device without its credentials closes its session; with them kept it stays', async () => {
    const b = await connectJs(s.port, { username: tokenB, reconnectPeriod: 0 });
    await s.t.call('devices.reset', { name: 'dev-b', keepCredentials: true });
    await b.publishAsync('v1/devices/me/telemetry', '{"temperature":21}', { qos: 1 });
    expect(b.connected).toBe(true);

    const a = await connectJs(s.port, { username: tokenA, reconnectPeriod: 0 });
    const gone = closed(a);
    await s.t.call('devices.reset', { name: 'dev-a', keepCredentials: false });
    await gone;
    expect(b.connected).toBe(true);
    await b.endAsync();
  });
});
