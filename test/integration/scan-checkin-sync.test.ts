import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import type { SyncOptions } from '../../electron/station/sync/worker.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';
import { startThingsBoardCloud, type ThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// Scanner check-in, engine side: the manufacturer's serial and MAC barcodes find their device as a label does, and
// what the technician recorded on site (install location and time) reaches ThingsBoard with the serial and MAC as
// SERVER_SCOPE attributes, on the next sync, also when the device was synced before it was installed.

const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.9' };
const engines: TestEngine[] = [];
const clouds: ThingsBoardCloud[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

function fast(): SyncOptions {
  let skew = 0;
  return {
    backoff: { baseMs: 5, capMs: 200 },
    timeoutMs: 2000,
    now: () => Date.now() + skew,
    sleep: async (ms: number) => {
      skew += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}

async function site() {
  const t = openTestEngine();
  engines.push(t);
  await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
  await t.call('devices.import', {
    profile: 'meters',
    batch: 'site-a',
    text: 'name,serial,mac\nmeter-1,SN-0001,aa:bb:cc:00:00:01\nmeter-2,SN-0002,AA-BB-CC-00-00-02\nmeter-3,,\ntwin-a,SN-TWIN,\ntwin-b,SN-TWIN,\n',
  });
  return t;
}

async function provision(t: TestEngine, name: string) {
  const d = t.service.decode({ provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', deviceName: name });
  if (!d.ok) throw new Error(d.message);
  expect((await t.service.provision(d.request, origin)).status).toBe('SUCCESS');
}

describe('scanner check-in: manufacturer barcodes and install data in the cloud', () => {
  it('a serial or MAC barcode finds its device, in any notation a sticker prints; an ambiguous one says so', async () => {
    const t = await site();
    expect(await t.call('devices.lookup', { scanned: 'SN-0002' })).toMatchObject({ device: { name: 'meter-2' }, matched: 'serial' });
    expect(await t.call('devices.lookup', { scanned: 'sn-0001\r\n' })).toMatchObject({ device: { name: 'meter-1' }, matched: 'serial' });
    for (const mac of ['AABBCC000001', 'aa:bb:cc:00:00:01', 'aabb.cc00.0001']) {
      expect(await t.call('devices.lookup', { scanned: mac }), mac).toMatchObject({ device: { name: 'meter-1' }, matched: 'mac' });
    }
    expect(await t.call('devices.lookup', { scanned: 'meter-3' })).toMatchObject({ device: { name: 'meter-3' }, matched: 'name' });
    const twin = await t.call('devices.lookup', { scanned: 'SN-TWIN' });
    expect(twin).toEqual({ device: null, matched: null, message: 'twin-a, twin-b and maybe others have the serial number SN-TWIN; scan the Fieldstation label instead' });
    const none = await t.call('devices.lookup', { scanned: 'SN-9999' });
    expect(none.device).toBe(null);
    expect(none.message).toMatch(/nor a device's name, serial number or MAC address/);
  });

  it('install location and time, serial and MAC reach ThingsBoard as server attributes, also after a first sync', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['meters'], seed: 7 });
    clouds.push(cloud);
    const t = await site();
    await t.call('sync.targets.add', { name: 'tb', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
    await provision(t, 'meter-1');
    await provision(t, 'meter-3');

    // Synced before anyone installed it: the cloud has the sticker's identifiers only.
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 2, ok: true });
    const m1 = cloud.state.deviceByName('meter-1')!;
    expect(cloud.state.serverAttributes(m1.id)).toMatchObject({ serialNumber: 'SN-0001', macAddress: 'AA:BB:CC:00:00:01' });
    expect(cloud.state.serverAttributes(m1.id)).not.toHaveProperty('installLocation');
    const m3 = cloud.state.deviceByName('meter-3')!;
    expect(cloud.state.serverAttributes(m3.id)).not.toHaveProperty('serialNumber');

    // Checked in by scanning its MAC sticker; then moved: each check-in is sent again.
    const { device } = await t.call('devices.lookup', { scanned: 'AABBCC000001' });
    const installed = await t.call('devices.markInstalled', { name: device!.name, note: 'Boiler room, rack 2' });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 1, ok: true });
    expect(cloud.state.serverAttributes(m1.id)).toMatchObject({
      serialNumber: 'SN-0001',
      macAddress: 'AA:BB:CC:00:00:01',
      installLocation: 'Boiler room, rack 2',
      installedAt: Date.parse(installed.installedAt!),
    });
    // Elsewhere without the person's confirmation: refused, saying where it is; the same place again changes nothing.
    await expect(t.call('devices.markInstalled', { name: 'meter-1', note: 'Roof, east' })).rejects.toMatchObject({
      code: 'conflict',
      message: `meter-1 is already installed at “Boiler room, rack 2” since ${installed.installedAt}; confirm the move to record it here instead`,
      details: { installedAt: installed.installedAt, locationNote: 'Boiler room, rack 2' },
    });
    expect(await t.call('devices.markInstalled', { name: 'meter-1', note: ' Boiler room, rack 2 ' })).toMatchObject({ installedAt: installed.installedAt });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 0, ok: true });
    await t.call('devices.markInstalled', { name: 'meter-1', note: 'Roof, east', overwrite: true });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 1, ok: true });
    expect(cloud.state.serverAttributes(m1.id)).toMatchObject({ installLocation: 'Roof, east' });
    expect(cloud.stats.devicesCreatedNamed('meter-1')).toBe(1);

    // The history keeps where it was before.
    const events = await t.call('devices.events', { name: 'meter-1' });
    expect(events.filter((e) => e.kind === 'device.installed')).toHaveLength(2);

    // A device not provisioned yet: installing it queues nothing for the cloud (it has nothing to hold yet) ...
    await t.call('devices.markInstalled', { name: 'meter-2', note: 'Basement' });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 0, ok: true });
    expect(cloud.state.deviceByName('meter-2')).toBeUndefined();
    // ... and once it provisions, it arrives with its install data.
    await provision(t, 'meter-2');
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 1, ok: true });
    expect(cloud.state.serverAttributes(cloud.state.deviceByName('meter-2')!.id)).toMatchObject({
      serialNumber: 'SN-0002',
      macAddress: 'AA:BB:CC:00:00:02',
      installLocation: 'Basement',
    });
  });

  it('a webhook event carries the same install data, serial and MAC among the server attributes', async () => {
    const receiver = await startWebhookReceiver('whsec-install-0123456789');
    receivers.push(receiver);
    const t = await site();
    await t.call('sync.targets.add', { name: 'hook', type: 'webhook', url: receiver.url, secret: 'whsec-install-0123456789' });
    await provision(t, 'meter-1');
    await provision(t, 'meter-3');
    await t.call('devices.markInstalled', { name: 'meter-1', note: 'Boiler room, rack 2' });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ ok: true });
    const sent = [...receiver.events.values()].filter((e) => e.kind === 'device.installed' || e.kind === 'device.provisioned');
    const m1 = sent.filter((e) => e.device.name === 'meter-1');
    expect(m1.length).toBeGreaterThan(0);
    for (const e of m1) {
      expect(e.device.serverAttributes).toMatchObject({ serialNumber: 'SN-0001', macAddress: 'AA:BB:CC:00:00:01', installLocation: 'Boiler room, rack 2' });
    }
    const m3 = sent.find((e) => e.device.name === 'meter-3')!;
    expect(m3.device.serverAttributes).not.toHaveProperty('serialNumber');
  });
});
