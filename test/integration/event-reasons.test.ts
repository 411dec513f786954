import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventReason, readReason } from '../../shared/event-reasons.ts';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';

const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.1' };

/**
 * Every reason the station writes on an attempt or a device's history is one the UI can show in the technician's
 * language (components/StationReason.tsx reads it back with readReason): here the real decision, redemption, request
 * decoding and recovery paths write them, and the events table is read back.
 */
describe('event reasons as the station writes them', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = openTestEngine();
    await t.call('profiles.add', { name: 'open', provisionDeviceKey: 'open-key', provisionDeviceSecret: 'open-secret', strategy: 'allow-create' });
    await t.call('profiles.add', { name: 'listed', provisionDeviceKey: 'listed-key', provisionDeviceSecret: 'listed-secret', strategy: 'check-pre-provisioned' });
    await t.call('profiles.add', { name: 'off', provisionDeviceKey: 'off-key', provisionDeviceSecret: 'off-secret', strategy: 'disabled' });
    await t.call('devices.add', { profile: 'listed', name: 'listed-1' });
    await t.call('devices.add', { profile: 'open', name: 'open-owned' });
  });
  afterAll(() => t.close());

  const provision = async (body: unknown) => {
    const decoded = t.service.decode(body);
    if (!decoded.ok) {
      t.service.rejectMalformed(decoded.message, origin);
      return decoded.message;
    }
    return (await t.service.provision(decoded.request, origin)).status;
  };

  it('writes only reasons from the list, and the list covers what the decision order can say', async () => {
    const open = { provisionDeviceKey: 'open-key', provisionDeviceSecret: 'open-secret' };
    const listed = { provisionDeviceKey: 'listed-key', provisionDeviceSecret: 'listed-secret' };
    await provision({ ...open, deviceName: '  ' });
    await provision({ provisionDeviceKey: '', provisionDeviceSecret: 'x', deviceName: 'a' });
    await provision({ provisionDeviceKey: 'nobody', provisionDeviceSecret: 'x', deviceName: 'a' });
    await provision({ provisionDeviceKey: 'off-key', provisionDeviceSecret: 'off-secret', deviceName: 'a' });
    await provision({ ...open, provisionDeviceSecret: 'wrong', deviceName: 'a' });
    await provision({ ...listed, deviceName: 'not-listed' });
    await provision({ ...listed, deviceName: 'open-owned' });
    expect(await provision({ ...listed, deviceName: 'listed-1' })).toBe('SUCCESS');
    await provision({ ...listed, deviceName: 'listed-1' });
    await provision({ ...open, deviceName: 'open-owned' });
    await provision({ ...open, deviceName: 'basic', credentialsType: 'MQTT_BASIC' });
    await provision({ ...open, deviceName: 'basic', credentialsType: 'MQTT_BASIC', clientId: 'c', password: 'p' });
    expect(await provision({ ...open, deviceName: 'first', token: 'same-token' })).toBe('SUCCESS');
    await provision({ ...open, deviceName: 'second', token: 'same-token' });
    await provision([]);
    await provision({ provisionDeviceSecret: 'x' });
    await provision({ ...open, deviceName: 7 });
    await provision({ ...open, credentialsType: 'PSK' });
    await provision({ ...open, gateway: 'yes' });
    await t.call('devices.reset', { name: 'listed-1', keepCredentials: true });

    // The malformed ones are audited after the call returns (not awaited by the transports): wait for them.
    await expect.poll(() => t.engine.db.prepare("SELECT count(*) FROM events WHERE outcome = 'BAD_REQUEST'").pluck().get()).toBe(5);
    const reasons = t.engine.db.prepare('SELECT reason FROM events WHERE reason IS NOT NULL ORDER BY id').pluck().all() as string[];
    const read = reasons.map((text) => ({ text, key: readReason(text)?.key ?? null }));
    expect(read.filter((r) => r.key === null)).toEqual([]);
    const seen = new Set(read.map((r) => r.key));
    const expected: EventReason[] = [
      'blankName',
      'emptyKeyOrSecret',
      'unknownKey',
      'profileDisabled',
      'wrongSecret',
      'notPreProvisioned',
      'otherProfile',
      'alreadyProvisioned',
      'nameTaken',
      'credentialsIncomplete',
      'credentialsTaken',
      'passwordWithClientIdOnly',
      'notObject',
      'fieldMissing',
      'fieldNotString',
      'badCredentialsType',
      'badGateway',
      'resetKept',
    ];
    expect(expected.filter((key) => !seen.has(key))).toEqual([]);
  });

  it('names why devices were left out of a token issue with reasons from the list', async () => {
    await t.call('batches.create', { name: 'site', profile: 'listed' });
    await t.call('devices.add', { profile: 'listed', batch: 'site', name: 'site-1' });
    await t.call('devices.add', { profile: 'listed', batch: 'site', name: 'site-2' });
    await t.call('tokens.issue', { batch: 'site', perDevice: true });
    expect(await provision({ provisionDeviceKey: 'listed-key', provisionDeviceSecret: 'listed-secret', deviceName: 'site-2' })).toBe('SUCCESS');
    const again = await t.call('tokens.issue', { batch: 'site', perDevice: true });
    expect(again.skipped.map((s) => [s.device, readReason(s.reason)?.key])).toEqual([
      ['site-1', 'hasActiveToken'],
      ['site-2', 'alreadyOnboarded'],
    ]);
  });
});
