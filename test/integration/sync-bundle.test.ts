import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { type TestEngine, openTestEngine } from '../support/engine.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';

// The file bundle for sites that never get online: export at the site, import into a fresh station elsewhere,
// same devices with the same credentials and attributes; that station then syncs them.

const origin: RequestOrigin = { transport: 'coap', remoteAddress: '127.0.0.9' };
const engines: TestEngine[] = [];
const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const open = () => {
  const t = openTestEngine();
  engines.push(t);
  return t;
};

async function site(): Promise<{ t: TestEngine; names: string[] }> {
  const t = open();
  await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'mk', provisionDeviceSecret: 'ms', strategy: 'allow-create' });
  await t.call('batches.create', { name: 'site-a', profile: 'meters', language: 'de' });
  const { tokens } = await t.call('tokens.issue', { batch: 'site-a', uses: 10, assignment: { attributes: { floor: 2 }, policy: 'p1' } });
  const token = tokens[0]!;
  const requests = [
    { deviceName: 'b-tok', token: 'tok-b' },
    { deviceName: 'b-mqtt', credentialsType: 'MQTT_BASIC', clientId: 'cid', username: 'user', password: 'pw, "quoted"' },
    { deviceName: 'b-x509', credentialsType: 'X509_CERTIFICATE', hash: '-----BEGIN CERTIFICATE-----\nMIIBbundle\n-----END CERTIFICATE-----' },
  ];
  for (const [i, r] of requests.entries()) {
    const viaToken = i === 1;
    const d = t.service.decode({ provisionDeviceKey: viaToken ? token.key : 'mk', provisionDeviceSecret: viaToken ? token.secret : 'ms', ...r });
    if (!d.ok) throw new Error(d.message);
    expect((await t.service.provision(d.request, origin)).status).toBe('SUCCESS');
  }
  await t.call('devices.add', { profile: 'meters', name: 'b-pending', batch: 'site-a', token: 'pre-tok' });
  return { t, names: ['b-mqtt', 'b-pending', 'b-tok', 'b-x509'] };
}

const detail = async (t: TestEngine, name: string) => {
  const d = await t.call('devices.get', { name });
  return { name: d.name, profile: d.profile, batch: d.batch, state: d.state, provisionedVia: d.provisionedVia, credentialsType: d.credentialsType, credentialsValue: d.credentialsValue, attributes: d.attributes };
};

describe('file bundle', () => {
  it('imports into a fresh station as the same devices, idempotently, and that station syncs them', async () => {
    const { t, names } = await site();
    const bundle = await t.call('sync.bundle.export', {});
    expect(bundle.devices).toBe(4);
    expect(bundle.fingerprint).toMatch(/^([0-9a-f]{4} ){7}[0-9a-f]{4}$/);
    expect(JSON.parse(bundle.text).payload.csv).toContain('"pw, ""quoted"""');

    const fresh = open();
    const first = await fresh.call('sync.bundle.import', { text: bundle.text, fingerprint: bundle.fingerprint });
    expect(first).toMatchObject({ fingerprint: bundle.fingerprint, imported: 4, present: 0, conflicts: [], profilesCreated: ['meters'], batchesCreated: ['site-a'] });
    for (const name of names) expect(await detail(fresh, name)).toEqual(await detail(t, name));
    // Labels reprinted at the receiving station use the batch's language too.
    expect(await fresh.call('batches.get', { batch: 'site-a' })).toMatchObject({ language: 'de' });
    expect((await detail(fresh, 'b-mqtt')).attributes.server).toEqual({ floor: 2, policy: 'p1', provisionState: 'provisioned' });

    const again = await fresh.call('sync.bundle.import', { text: bundle.text });
    expect(again).toMatchObject({ imported: 0, present: 4, conflicts: [] });

    // The receiving station is online: its sync sends the three provisioned devices (not the pending one).
    const cloud = await startThingsBoardCloud({ profiles: ['meters'] });
    clouds.push(cloud);
    await fresh.call('sync.targets.add', { name: 'tb', type: 'thingsboard', url: cloud.url, username: 'tenant@thingsboard.org', password: 'tenant' });
    expect(await fresh.call('sync.run', {})).toMatchObject({ synced: 3, ok: true });
    expect(cloud.stats.devicesCreated).toBe(3);
    expect(cloud.state.deviceByName('b-pending')).toBeUndefined();
  });

  it('reports a device that exists here with other credentials instead of overwriting it', async () => {
    const { t } = await site();
    const bundle = await t.call('sync.bundle.export', { batch: 'site-a' });
    expect(bundle.devices).toBe(2); // b-mqtt (token of site-a) and b-pending
    const other = open();
    await other.call('profiles.add', { name: 'meters', provisionDeviceKey: 'other-key', provisionDeviceSecret: 'x', strategy: 'disabled' });
    await other.call('devices.add', { profile: 'meters', name: 'b-pending', token: 'a-different-token' });
    const r = await other.call('sync.bundle.import', { text: bundle.text });
    expect(r).toMatchObject({ imported: 1, present: 0 });
    expect(r.conflicts).toEqual([{ device: 'b-pending', message: expect.stringContaining('different credentials') }]);
    expect((await other.call('devices.get', { name: 'b-pending' })).credentialsValue).toBe('a-different-token');
  });

  it('refuses a tampered bundle, a bundle from another key, and a file that is no bundle, with plain messages', async () => {
    const { t } = await site();
    const { text, fingerprint } = await t.call('sync.bundle.export', {});
    const fresh = open();
    const refuse = (body: string, fp?: string) => fresh.call('sync.bundle.import', { text: body, ...(fp ? { fingerprint: fp } : {}) });

    await expect(refuse(text.replace('"tok-b"', '"tok-evil"'))).rejects.toThrow('the bundle was changed after it was signed');
    await expect(refuse(text.replace('"floor": 2', '"floor": 3'))).rejects.toThrow('changed after it was signed');
    await expect(refuse(text, '0000 0000 0000 0000 0000 0000 0000 0000')).rejects.toThrow(`signed by key ${fingerprint}, not by the expected`);
    await expect(refuse('{"hello": 1}')).rejects.toThrow('not a Fieldstation bundle');
    await expect(refuse('PK\u0003\u0004')).rejects.toThrow('not a Fieldstation bundle (it is not JSON)');
    expect(await fresh.call('devices.list', {})).toEqual([]);
    // Layout does not matter, content does: the same bundle re-indented still verifies.
    const compact = JSON.stringify(JSON.parse(text));
    expect(await refuse(compact, fingerprint.replaceAll(' ', ''))).toMatchObject({ imported: 4 });
  });
});
