import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StationEvent } from '../../shared/events.ts';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { createDeviceReader, withoutSecret } from '../../electron/station/store/devices.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';

const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.1' };
const key = 'testProvisionKey';
const secret = 'testProvisionSecret';

describe('provisioning service (decision order of the contract)', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = openTestEngine();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: key, provisionDeviceSecret: secret, strategy: 'allow-create' });
  });
  afterEach(() => t.close());

  const provision = (body: Record<string, unknown>) => {
    const decoded = t.service.decode({ provisionDeviceKey: key, provisionDeviceSecret: secret, ...body });
    if (!decoded.ok) throw new Error(decoded.message);
    return t.service.provision(decoded.request, origin);
  };

  it('creates a device with a generated 20-character token and marks it provisioned', async () => {
    const reply = await provision({ deviceName: 'Test Provision device' });
    expect(reply.status).toBe('SUCCESS');
    expect(JSON.stringify(reply)).toMatch(/^\{"credentialsValue":"[A-Za-z0-9]{20}","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"\}$/);
    const device = await t.call('devices.get', { name: 'Test Provision device' });
    expect(device).toMatchObject({ state: 'provisioned', provisionedVia: 'http', credentialsType: 'ACCESS_TOKEN' });
    expect(device.attributes.server).toEqual({ provisionState: 'provisioned' });
    expect(device.credentialsValue).toBe((reply as { credentialsValue: string }).credentialsValue);
  });

  it('tells the UI about a device it created exactly as the device is stored (no secret), gateway and generated name too', async () => {
    const events: StationEvent[] = [];
    const unsubscribe = t.engine.bus.subscribe((e) => events.push(e));
    await provision({ deviceName: 'live-1', gateway: true, credentialsType: 'MQTT_BASIC', clientId: 'c1', username: 'u1', password: 'p1' });
    await provision({});
    unsubscribe();
    const published = events.flatMap((e) => (e.type === 'device' ? [e.device] : []));
    // The change watcher may publish the same device once more if its tick falls between the writer's commit and
    // the service's own event: whoever publishes it, every device event must be the device as stored.
    const reader = createDeviceReader(t.engine.db);
    expect(published).toEqual(published.map((d) => withoutSecret(reader.get(d.id)!)));
    const [gateway, generated] = [...new Map(published.map((d) => [d.id, d])).values()];
    expect(gateway).toMatchObject({ name: 'live-1', gateway: true, credentialsType: 'MQTT_BASIC', state: 'provisioned', batch: null });
    expect(generated?.name).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(JSON.stringify(published)).not.toContain('p1');
  });

  it('answers NOT_FOUND for a wrong secret, FAILURE for a blank name, and audits every attempt without secrets', async () => {
    expect(await provision({ provisionDeviceSecret: 'nope', deviceName: 'a' })).toEqual({
      errorMsg: 'Provision data was not found!',
      status: 'NOT_FOUND',
    });
    expect(await provision({ deviceName: '   ' })).toEqual({ errorMsg: 'Failed to provision device!', status: 'FAILURE' });
    expect(await provision({ provisionDeviceKey: '', deviceName: 'b' })).toMatchObject({ status: 'NOT_FOUND' });
    const attempts = await t.call('provisioning.attempts', {});
    expect(attempts.map((a) => [a.outcome, a.reason])).toEqual([
      ['NOT_FOUND', 'key or secret is empty'],
      ['FAILURE', 'device name is blank'],
      ['NOT_FOUND', 'wrong provision secret'],
    ]);
    const rows = t.engine.db.prepare('SELECT * FROM events').all();
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it("trims a device name as ThingsBoard's Java does: control characters and spaces at the ends, not a no-break space", async () => {
    expect(await provision({ deviceName: '\u0001\u001f ' })).toMatchObject({ status: 'FAILURE' });
    expect(await provision({ deviceName: '\u0001ctl-dev\t' })).toMatchObject({ status: 'SUCCESS' });
    expect(await provision({ deviceName: '\u00a0nbsp-dev\u00a0' })).toMatchObject({ status: 'SUCCESS' });
    const names = (await t.call('devices.list', {})).map((d) => d.name).sort();
    expect(names).toEqual(['ctl-dev', '\u00a0nbsp-dev\u00a0']);
  });

  it('refuses credentials that another device already has, creating nothing', async () => {
    await provision({ deviceName: 'one', token: 'shared_token' });
    expect(await provision({ deviceName: 'two', token: 'shared_token' })).toMatchObject({ status: 'FAILURE' });
    await expect(t.call('devices.get', { name: 'two' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('gives exactly one SUCCESS to 200 concurrent requests for one device name', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, () => provision({ deviceName: 'racer' })));
    expect(replies.filter((r) => r.status === 'SUCCESS')).toHaveLength(1);
    expect(replies.filter((r) => r.status === 'FAILURE')).toHaveLength(199);
    expect(await t.call('devices.list', {})).toHaveLength(1);
  });

  it('check-pre-provisioned: existing credentials once, then FAILURE; reissue-same hands them out again', async () => {
    await t.call('profiles.add', { name: 'pre', provisionDeviceKey: 'k2', provisionDeviceSecret: 's2', strategy: 'check-pre-provisioned' });
    await t.call('devices.add', { profile: 'pre', name: 'meter-1', token: 'preset-token' });
    const ask = async () => {
      const d = t.service.decode({ provisionDeviceKey: 'k2', provisionDeviceSecret: 's2', deviceName: 'meter-1', token: 'ignored' });
      if (!d.ok) throw new Error(d.message);
      return t.service.provision(d.request, origin);
    };
    expect(await ask()).toEqual({ credentialsValue: 'preset-token', credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' });
    expect(await ask()).toMatchObject({ status: 'FAILURE' });
    await t.call('profiles.update', { profile: 'pre', reprovision: 'reissue-same' });
    expect(await ask()).toEqual({ credentialsValue: 'preset-token', credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' });
  });

  it("a device's history holds the attempts made under its name, even before it existed, and what people did", async () => {
    await t.call('profiles.add', { name: 'pre2', provisionDeviceKey: 'k3', provisionDeviceSecret: 's3', strategy: 'check-pre-provisioned' });
    const ask = () => {
      const d = t.service.decode({ provisionDeviceKey: 'k3', provisionDeviceSecret: 's3', deviceName: 'late-1' });
      if (!d.ok) throw new Error(d.message);
      return t.service.provision(d.request, origin);
    };
    expect(await ask()).toMatchObject({ status: 'FAILURE' });
    await t.call('devices.add', { profile: 'pre2', name: 'late-1', token: 'late-token' });
    expect(await ask()).toMatchObject({ status: 'SUCCESS' });
    await t.call('devices.markInstalled', { name: 'late-1', note: 'roof' });
    const events = await t.call('devices.events', { name: 'late-1' });
    expect(events.map((e) => [e.kind, e.outcome, e.reason])).toEqual([
      ['device.installed', null, null],
      ['provision', 'SUCCESS', null],
      ['device.added', null, null],
      ['provision', 'FAILURE', 'no pre-provisioned device of this name'],
    ]);
  });

  it('reports malformed requests as values, not outcomes', () => {
    expect(t.service.decode(null)).toMatchObject({ ok: false });
    expect(t.service.decode({ provisionDeviceKey: null, provisionDeviceSecret: 's' })).toEqual({ ok: false, message: 'provisionDeviceKey is missing' });
    expect(t.service.decode({ provisionDeviceKey: 1, provisionDeviceSecret: 's' })).toEqual({ ok: false, message: 'provisionDeviceKey must be a string' });
    expect(t.service.decode({ provisionDeviceKey: 'k', provisionDeviceSecret: 's', credentialsType: 'PSK' })).toMatchObject({ ok: false });
  });

  it('first contact: telemetry marks the device online and keeps the latest values', async () => {
    const reply = await provision({ deviceName: 'talker', token: 'talker-token' });
    expect(reply.status).toBe('SUCCESS');
    const device = t.service.authenticateToken('talker-token');
    expect(device?.name).toBe('talker');
    expect(t.service.authenticateToken('unknown')).toBeNull();
    await t.service.recordTelemetry(device!, { temperature: 21.5 }, origin);
    await t.service.recordTelemetry(device!, [{ ts: 1_700_000_000_000, values: { humidity: 40 } }], origin);
    await expect(t.service.recordTelemetry(device!, 'not json', origin)).rejects.toMatchObject({ name: 'BadPayloadError' });
    const detail = await t.call('devices.get', { name: 'talker' });
    expect(detail.state).toBe('online');
    expect(detail.lastSeenAt).not.toBeNull();
    expect(detail.telemetry.temperature?.value).toBe(21.5);
    expect(detail.telemetry.humidity).toEqual({ value: 40, ts: new Date(1_700_000_000_000).toISOString() });
  });

  it('MQTT_BASIC devices authenticate with clientId, username and password', async () => {
    const reply = await provision({ deviceName: 'basic', credentialsType: 'MQTT_BASIC', clientId: 'c1', username: 'u1', password: 'p1' });
    expect(JSON.stringify(reply)).toBe(
      '{"credentialsValue":{"clientId":"c1","userName":"u1","password":"p1"},"credentialsType":"MQTT_BASIC","status":"SUCCESS"}',
    );
    expect(t.service.authenticateMqttBasic('c1', 'u1', 'p1')?.name).toBe('basic');
    expect(t.service.authenticateMqttBasic('c1', 'u1', 'wrong')).toBeNull();
    expect(t.service.authenticateMqttBasic('other', 'u1', 'p1')).toBeNull();
  });

  it('MQTT_BASIC parts a device left out are answered as "" (ThingsBoard reads an absent field as ""), never null', async () => {
    const reply = await provision({ deviceName: 'client-only', credentialsType: 'MQTT_BASIC', clientId: 'cid5', username: '' });
    expect(JSON.stringify(reply)).toBe('{"credentialsValue":{"clientId":"cid5","userName":"","password":""},"credentialsType":"MQTT_BASIC","status":"SUCCESS"}');
    // ThingsBoard refuses a password beside a client id alone (formatSimpleMqttCredentials): FAILURE, nothing created.
    expect(await provision({ deviceName: 'pw-no-user', credentialsType: 'MQTT_BASIC', clientId: 'cid6', password: 'pw' })).toMatchObject({ status: 'FAILURE' });
    expect((await t.call('provisioning.attempts', {}))[0]).toMatchObject({ outcome: 'FAILURE', reason: 'a password needs a user name, not only a client id' });
    expect((await t.call('devices.list', {})).map((d) => d.name)).toEqual(['client-only']);
  });

  it("the Server screen's totals count every attempt by outcome exactly, read after read, and from a given time", async () => {
    const decodedWith = (body: Record<string, unknown>) => {
      const decoded = t.service.decode(body);
      if (!decoded.ok) throw new Error(decoded.message);
      return t.service.provision(decoded.request, origin);
    };
    const wrongSecret = () => decodedWith({ deviceName: 'x', provisionDeviceKey: key, provisionDeviceSecret: 'nope' });
    const totals = (since?: string) => t.call('provisioning.summary', since === undefined ? {} : { since });
    expect(await totals()).toEqual({ SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0, BAD_REQUEST: 0, since: null });
    for (const name of ['t-1', 't-2', 't-3']) expect((await provision({ deviceName: name })).status).toBe('SUCCESS');
    expect((await wrongSecret()).status).toBe('NOT_FOUND');
    expect(await totals()).toMatchObject({ SUCCESS: 3, NOT_FOUND: 1, FAILURE: 0 });
    // Later reads add what happened since, and nothing twice: a name taken is a FAILURE (allow-create).
    expect((await provision({ deviceName: 't-1' })).status).toBe('FAILURE');
    expect((await wrongSecret()).status).toBe('NOT_FOUND');
    expect((await provision({ deviceName: 't-4' })).status).toBe('SUCCESS');
    expect(await totals()).toMatchObject({ SUCCESS: 4, NOT_FOUND: 2, FAILURE: 1 });
    expect(await totals()).toMatchObject({ SUCCESS: 4, NOT_FOUND: 2, FAILURE: 1 });
    // A removed device's attempts still count (its events stay, without the device).
    await t.call('devices.remove', { names: ['t-2'], provisioned: 'remove' });
    expect(await totals()).toMatchObject({ SUCCESS: 4, NOT_FOUND: 2, FAILURE: 1 });
    // From a time: none after now, all since the epoch; then back to the whole history, still exact.
    expect(await totals(new Date(Date.now() + 60_000).toISOString())).toMatchObject({ SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0 });
    expect(await totals(new Date(0).toISOString())).toMatchObject({ SUCCESS: 4, NOT_FOUND: 2, FAILURE: 1 });
    expect((await provision({ deviceName: 't-5' })).status).toBe('SUCCESS');
    expect(await totals()).toMatchObject({ SUCCESS: 5, NOT_FOUND: 2, FAILURE: 1 });
  });
});
