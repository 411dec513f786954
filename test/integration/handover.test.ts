import { afterEach, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../support/station.ts';
import { startThingsBoardCloud, type ThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { curl } from '../support/real-clients.ts';

// The hand-over through a served station, with curl as the devices: nobody is told to go to the cloud before the
// cloud holds it, the endpoint arrives as shared attributes, and the device's acknowledgement settles it.

const stations: TestStation[] = [];
const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(stations.splice(0).map((s) => s.station.stop()));
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

/** Polls the station's own status (a signal, not a sleep) until `done` holds, within a bound. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs = 15_000): Promise<T> {
  const end = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`still not there after ${withinMs} ms: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function site(devices: number) {
  const s = await startTestStation();
  stations.push(s);
  const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
  clouds.push(cloud);
  await s.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'allow-create' });
  await s.call('batches.create', { name: 'plant-3', profile: 'meters' });
  const base = `http://127.0.0.1:${s.ports.http}`;
  for (let i = 0; i < devices; i++) {
    const reply = await curl(`${base}/api/v1/provision`, {
      body: JSON.stringify({ provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', deviceName: `m-${i}`, token: `tok-m-${i}` }),
    });
    expect(JSON.parse(reply.body)).toMatchObject({ status: 'SUCCESS' });
  }
  // Imported into the batch only by name: allow-create puts new devices in no batch, so move them.
  await s.station.engine!.db.prepare("UPDATE devices SET batch_id = (SELECT id FROM batches WHERE name = 'plant-3')").run();
  await s.call('devices.add', { profile: 'meters', name: 'never-powered', batch: 'plant-3' });
  return { s, cloud, base };
}

describe('hand-over', () => {
  it('tells each device its cloud only after the cloud holds it, and settles on its acknowledgement', async () => {
    const { s, cloud, base } = await site(3);
    // An acknowledgement sent before the device was told anything proves nothing.
    await curl(`${base}/api/v1/tok-m-2/attributes`, { body: '{"cloudAck":true}' });

    const started = await s.call('handover.start', { batch: 'plant-3', target: 'cloud', endpoint: { mqttPort: 18830 } }).catch((e: Error) => e);
    expect(String(started)).toMatch(/no sync target named 'cloud'/);

    await s.call('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
    const result = await s.call('handover.start', { batch: 'plant-3', target: 'cloud', endpoint: { mqttPort: 18830 } });
    const port = Number(new URL(cloud.url).port);
    expect(result).toEqual({
      target: 'cloud',
      endpoint: { host: '127.0.0.1', mqttPort: 18830, httpPort: port, coapPort: 5683, tls: false },
      started: 3,
      skipped: [{ device: 'never-powered', reason: 'not provisioned yet' }],
    });

    const told = await until(
      () => s.call('handover.status', { batch: 'plant-3' }),
      (st) => st.counts.waiting === 3,
    );
    expect(told.devices.map((d) => d.state)).toEqual(['waiting', 'waiting', 'waiting']);
    // Sync delivered every device, with the same credentials, before it was told to go there.
    for (let i = 0; i < 3; i++) expect(cloud.state.deviceByName(`m-${i}`)).toBeDefined();

    const detail = await s.call('devices.get', { name: 'm-0' });
    expect(detail.attributes.shared).toEqual({ cloudHost: '127.0.0.1', cloudMqttPort: 18830, cloudHttpPort: port, cloudCoapPort: 5683, cloudTls: false });

    // m-0 acknowledges; m-1 says no (false is no acknowledgement); m-2's old acknowledgement does not count.
    await curl(`${base}/api/v1/tok-m-0/attributes`, { body: '{"cloudAck":"127.0.0.1"}' });
    await curl(`${base}/api/v1/tok-m-1/attributes`, { body: '{"cloudAck":false}' });
    const settled = await until(
      () => s.call('handover.status', { batch: 'plant-3' }),
      (st) => st.counts.confirmed === 1,
    );
    expect(settled.devices.map((d) => [d.device, d.state])).toEqual([
      ['m-0', 'confirmed'],
      ['m-1', 'waiting'],
      ['m-2', 'waiting'],
    ]);
    expect((await s.call('devices.get', { name: 'm-0' })).state).toBe('handed-over');
    expect((await s.call('devices.list', { state: 'handed-over' })).map((d) => d.name)).toEqual(['m-0']);

    // Starting again leaves the confirmed device alone.
    const again = await s.call('handover.start', { devices: ['m-0', 'm-1'], target: 'cloud' });
    expect(again.started).toBe(1);
    expect(again.skipped).toEqual([{ device: 'm-0', reason: 'already handed over' }]);
  });

  it('times out a device that never confirms, per its profile', async () => {
    const { s, cloud } = await site(1);
    await s.call('handover.settings.set', { profile: 'meters', settings: { timeoutMs: 1000, confirmKey: 'movedTo', attributes: { host: 'srv' }, extra: { fwChannel: 'stable' } } });
    await s.call('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
    await s.call('handover.start', { devices: ['m-0'], target: 'cloud' });
    const st = await until(() => s.call('handover.status', {}), (v) => v.counts['timed-out'] === 1);
    expect(st.devices[0]).toMatchObject({ device: 'm-0', state: 'timed-out', reason: 'no confirmation from the device in time' });
    const shared = (await s.call('devices.get', { name: 'm-0' })).attributes.shared;
    expect(shared).toMatchObject({ srv: '127.0.0.1', cloudMqttPort: 1883, fwChannel: 'stable' });
  });

  it('says why a device waits when sync cannot deliver it', async () => {
    const { s } = await site(1);
    const bare = await startThingsBoardCloud();
    clouds.push(bare);
    await s.call('sync.targets.add', { name: 'bare', type: 'thingsboard', url: bare.url, username: 'tenant@thingsboard.org', password: 'tenant' });
    await s.call('handover.start', { devices: ['m-0'], target: 'bare' });
    const st = await until(() => s.call('handover.status', {}), (v) => v.devices[0]?.reason !== null);
    expect(st.devices[0]).toMatchObject({ state: 'syncing', reason: expect.stringMatching(/^sync: .*meters/) });
    expect(bare.state.deviceByName('m-0')).toBeUndefined();
  });

  it('refuses a webhook target unless it is told the host devices should use', async () => {
    const { s } = await site(1);
    await s.call('sync.targets.add', { name: 'hook', type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'a-webhook-secret-of-16+' });
    await expect(s.call('handover.start', { devices: ['m-0'], target: 'hook' })).rejects.toThrow(/not a server devices can connect to/);
  });
});
