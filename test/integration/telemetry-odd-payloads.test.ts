import { afterEach, describe, expect, it } from 'vitest';
import { coapClient } from '../../electron/cli/simulate/coap.ts';
import { startTestStation, type TestStation } from '../support/station.ts';

// Telemetry the fuzzer (npm run fuzz) found answered with an internal error: a fractional or huge `ts`, and values
// nested deeper than JSON.stringify can go. A device's bad payload is its fault (400 / 4.00), never the station's.

const token = 'oddPayloadToken01';

describe('telemetry with odd timestamps and nesting', () => {
  let s: TestStation;
  afterEach(() => s.station.stop());

  async function station(): Promise<string> {
    s = await startTestStation();
    await s.call('profiles.add', { name: 'p', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'allow-create' });
    await s.call('devices.add', { profile: 'p', name: 'meter', token });
    return `http://127.0.0.1:${s.ports.http}/api/v1/${token}/telemetry`;
  }
  const post = (url: string, body: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('stores a fractional ts cut to whole milliseconds, as ThingsBoard reads it (a long)', async () => {
    const url = await station();
    const r = await post(url, '{"ts":1700000000000.75,"values":{"temperature":21}}');
    expect(r.status).toBe(200);
    const device = (await s.call('devices.get', { name: 'meter' })) as { telemetry: Record<string, { value: unknown; ts: string | number }> };
    expect(device.telemetry.temperature?.value).toBe(21);
    expect(new Date(device.telemetry.temperature!.ts).getTime()).toBe(1_700_000_000_000);
  });

  it('answers 400 for a ts that is no time (1e300, 1e400, 2^53 − 1, 2^53 + 2) and for 20,000 levels of nesting, then still accepts telemetry', async () => {
    const url = await station();
    const deep = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`;
    for (const body of ['{"ts":1e300,"values":{"a":1}}', '{"ts":1e400,"values":{"a":1}}', '{"ts":9007199254740991,"values":{"a":1}}', '{"ts":9007199254740994,"values":{"a":1}}', `{"a":${deep}}`]) {
      const r = await post(url, body);
      expect({ body: body.slice(0, 40), status: r.status }).toEqual({ body: body.slice(0, 40), status: 400 });
      expect(await r.json()).toMatchObject({ status: 'BAD_REQUEST' });
    }
    const attributes = await post(url.replace(/telemetry$/, 'attributes'), `{"a":${deep}}`);
    expect(attributes.status).toBe(400);
    expect((await post(url, '{"temperature":22}')).status).toBe(200);
    // The device still reads back (a ts past Date's range made devices.get fail with "Invalid time value").
    await expect(s.call('devices.get', { name: 'meter' })).resolves.toMatchObject({ name: 'meter' });
  });

  it('answers CoAP 4.00, not 5.00, for the same payloads', async () => {
    await station();
    const client = coapClient({ host: '127.0.0.1', port: s.ports.coap });
    const credentials = { type: 'ACCESS_TOKEN' as const, value: token };
    await expect(client.telemetry(credentials, '{"ts":1e400,"values":{"a":1}}', 5000)).rejects.toThrow('CoAP 4.00');
    await expect(client.telemetry(credentials, '{"ts":0.5,"values":{"a":1}}', 5000)).resolves.toBeUndefined();
  });
});
