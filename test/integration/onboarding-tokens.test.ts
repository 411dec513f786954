import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { parseLabelPayload } from '../../shared/label-payload.ts';
import { openTestEngine, type TestEngine } from '../support/engine.ts';

const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.9' };

describe('onboarding tokens', () => {
  let t: TestEngine;
  beforeEach(async () => {
    t = openTestEngine();
    await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
    for (const n of [1, 2, 3]) await t.call('devices.add', { profile: 'meters', name: `m-${n}`, batch: 'site-a' });
  });
  afterEach(() => t.close());

  const redeem = (key: string, secret: string, extra: Record<string, unknown> = {}, from = origin) => {
    const d = t.service.decode({ provisionDeviceKey: key, provisionDeviceSecret: secret, ...extra });
    if (!d.ok) throw new Error(d.message);
    return t.service.provision(d.request, from);
  };

  it('issues one token per device whose label payload carries key and secret, and redeems each exactly once', async () => {
    const { tokens, skipped } = await t.call('tokens.issue', { batch: 'site-a', perDevice: true });
    expect(skipped).toEqual([]);
    expect(tokens.map((x) => x.device)).toEqual(['m-1', 'm-2', 'm-3']);
    const first = tokens[0]!;
    expect(parseLabelPayload(first.payload)).toMatchObject({ kind: 'token', key: first.key, secret: first.secret });

    const device = await t.call('devices.get', { name: 'm-1' });
    const reply = await redeem(first.key, first.secret!);
    expect(reply).toEqual({ credentialsValue: device.credentialsValue, credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' });
    expect((await t.call('devices.get', { name: 'm-1' })).state).toBe('provisioned');
    expect(await redeem(first.key, first.secret!)).toMatchObject({ status: 'FAILURE' });
    const listed = await t.call('tokens.list', { batch: 'site-a' });
    expect(listed.map((x) => x.state)).toEqual(['used', 'active', 'active']);
    const attempts = await t.call('provisioning.attempts', { limit: 1 });
    expect(attempts[0]).toMatchObject({ outcome: 'FAILURE', reason: 'onboarding token used up' });

    // The database alone reveals no printed secret: it is derived from a key kept apart.
    const dbText = readFileSync(join(t.dataDir, 'station.db')).toString('latin1');
    expect(dbText).not.toContain(tokens[1]!.secret);
    // ...while reprinting yields the very same label.
    expect((await t.call('tokens.printable', { id: tokens[1]!.id })).payload).toBe(tokens[1]!.payload);
  });

  it('skips devices already onboarded when issuing for a batch, and refuses a single one', async () => {
    const { tokens } = await t.call('tokens.issue', { batch: 'site-a', device: 'm-2' });
    await redeem(tokens[0]!.key, tokens[0]!.secret!);
    const again = await t.call('tokens.issue', { batch: 'site-a', perDevice: true });
    expect(again.skipped).toEqual([{ device: 'm-2', reason: 'device already onboarded' }]);
    expect(again.tokens.map((x) => x.device)).toEqual(['m-1', 'm-3']);
    await expect(t.call('tokens.issue', { batch: 'site-a', device: 'm-2' })).rejects.toThrow('device already onboarded');
  });

  it('a 10-use group token provisions exactly 10 of 1,000 concurrent devices', async () => {
    const { tokens } = await t.call('tokens.issue', { batch: 'site-a', uses: 10, assignment: { attributes: { floor: 3 }, policy: 'meters-v2' } });
    const token = tokens[0]!;
    expect(token.device).toBeNull();
    const replies = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => redeem(token.key, token.secret!, { deviceName: `group-${i}` }, { transport: 'mqtt', remoteAddress: `10.0.${i >> 8}.${i & 255}` })),
    );
    expect(replies.filter((r) => r.status === 'SUCCESS')).toHaveLength(10);
    const created = (await t.call('devices.list', { batch: 'site-a' })).filter((d) => d.name.startsWith('group-'));
    expect(created).toHaveLength(10);
    expect(created.every((d) => d.state === 'provisioned')).toBe(true);
    const detail = await t.call('devices.get', { name: created[0]!.name });
    expect(detail.attributes.server).toMatchObject({ floor: 3, policy: 'meters-v2', provisionState: 'provisioned' });
    expect((await t.call('tokens.list', {}))[0]).toMatchObject({ uses: 10, maxUses: 10, state: 'used' });
  });

  it('PIN tokens: never printed, wrong PINs lock the token after 5 tries, locked answers FAILURE even to the right PIN', async () => {
    await expect(t.call('tokens.issue', { batch: 'site-a', uses: 5, pin: '123' })).rejects.toThrow('the PIN must be 4-16 digits');
    await expect(t.call('tokens.issue', { batch: 'site-a', uses: 5, pin: 'abcd' })).rejects.toThrow('the PIN must be 4-16 digits');
    const { tokens } = await t.call('tokens.issue', { batch: 'site-a', uses: 5, pin: '4711' });
    const token = tokens[0]!;
    expect(token.secret).toBeUndefined();
    expect(parseLabelPayload(token.payload)).toMatchObject({ kind: 'token', key: token.key });
    expect(token.payload).not.toContain('4711');

    expect(await redeem(token.key, '4711', { deviceName: 'pin-ok' })).toMatchObject({ status: 'SUCCESS' });
    for (let i = 0; i < 5; i++) expect(await redeem(token.key, '0000', { deviceName: `x${i}` })).toMatchObject({ status: 'NOT_FOUND' });
    expect(await redeem(token.key, '4711', { deviceName: 'pin-late' })).toEqual({ errorMsg: 'Failed to provision device!', status: 'FAILURE' });
    const [view] = await t.call('tokens.list', {});
    expect(view).toMatchObject({ state: 'locked' });
    expect(view!.lockedUntil).not.toBeNull();
    const reasons = (await t.call('provisioning.attempts', { limit: 3 })).map((a) => a.reason);
    expect(reasons[0]).toBe('onboarding token locked after wrong secrets');
    expect(reasons[1]).toMatch(/token locked after 5 wrong attempts/);
  });

  it('expired and revoked tokens answer FAILURE; an unknown key or wrong secret answers NOT_FOUND', async () => {
    const { tokens } = await t.call('tokens.issue', { batch: 'site-a', perDevice: true, expires: '30d' });
    const [a, b] = tokens;
    t.engine.db.prepare('UPDATE onboarding_tokens SET expires_at = ? WHERE id = ?').run(Date.now() - 1, a!.id);
    expect(await redeem(a!.key, a!.secret!)).toMatchObject({ status: 'FAILURE' });
    await t.call('tokens.revoke', { id: b!.id });
    expect(await redeem(b!.key, b!.secret!)).toMatchObject({ status: 'FAILURE' });
    expect(await redeem('ZZZZZZZZZZ', 'ZZZZZZZZZZZZZZZZ')).toMatchObject({ status: 'NOT_FOUND' });
    expect(await redeem(tokens[2]!.key, 'ZZZZZZZZZZZZZZZZ')).toMatchObject({ status: 'NOT_FOUND' });
    expect((await t.call('tokens.list', {})).map((x) => x.state)).toEqual(['expired', 'revoked', 'active']);
    const reasons = (await t.call('provisioning.attempts', { limit: 4 })).map((x) => x.reason).reverse();
    expect(reasons).toEqual(['onboarding token expired', 'onboarding token revoked', 'no profile or onboarding token has this key', 'wrong onboarding secret']);
    expect(await t.call('tokens.revoke', { batch: 'site-a' })).toEqual({ revoked: 2 });
  });

  it('reissue replaces a lost label: the old key stops working, the new one carries the same PIN and remaining uses', async () => {
    const [group] = (await t.call('tokens.issue', { batch: 'site-a', uses: 3, pin: '8080' })).tokens;
    expect(await redeem(group!.key, '8080', { deviceName: 'g-1' })).toMatchObject({ status: 'SUCCESS' });
    const replacement = await t.call('tokens.reissue', { id: group!.id });
    expect(replacement).toMatchObject({ maxUses: 2, protection: 'pin', batch: 'site-a' });
    expect(replacement.key).not.toBe(group!.key);
    expect(await redeem(group!.key, '8080', { deviceName: 'g-2' })).toMatchObject({ status: 'FAILURE' });
    expect(await redeem(replacement.key, '8080', { deviceName: 'g-3' })).toMatchObject({ status: 'SUCCESS' });
    const [perDevice] = (await t.call('tokens.issue', { batch: 'site-a', device: 'm-1' })).tokens;
    await redeem(perDevice!.key, perDevice!.secret!);
    await expect(t.call('tokens.reissue', { id: perDevice!.id })).rejects.toThrow('device already onboarded');
  });

  it('a scanned label (payload or short code, with the Enter a scanner sends) finds its device, which can be marked installed', async () => {
    const { tokens } = await t.call('tokens.issue', { batch: 'site-a', perDevice: true });
    const second = tokens[1]!;
    expect((await t.call('devices.locate', { scanned: `${second.payload}\r\n` })).name).toBe('m-2');
    expect((await t.call('devices.locate', { scanned: second.shortCode.toLowerCase() })).name).toBe('m-2');
    expect((await t.call('devices.locate', { scanned: 'm-3' })).name).toBe('m-3');
    await expect(t.call('devices.locate', { scanned: 'hello world' })).rejects.toMatchObject({ code: 'not_found' });
    // The UI's variant answers an unknown code instead of failing the request.
    expect((await t.call('devices.lookup', { scanned: second.payload })).device?.name).toBe('m-2');
    expect(await t.call('devices.lookup', { scanned: 'hello world' })).toEqual({
      device: null,
      matched: null,
      message: "that is not a Fieldstation label, nor a device's name, serial number or MAC address on this station; scan the label's QR code",
    });
    const installed = await t.call('devices.markInstalled', { name: 'm-2', note: 'Boiler room, rack 2' });
    expect(installed).toMatchObject({ locationNote: 'Boiler room, rack 2', installedAt: expect.any(String) });
    expect(installed.credentialsValue).toBeUndefined();
  });

  it('throttles one source address guessing across many tokens', async () => {
    const { tokens } = await t.call('tokens.issue', { batch: 'site-a', perDevice: true });
    const guesser: RequestOrigin = { transport: 'coap', remoteAddress: '192.0.2.7' };
    // A guesser walks through token-shaped keys; each wrong one is a NOT_FOUND from its address.
    for (let i = 0; i < 20; i++) await redeem(`GXYZW${String(i).padStart(5, '0')}`, 'WRONGWRONGWRONG0', {}, guesser);
    // Even the right secret from that address is refused for now; other addresses are unaffected.
    expect(await redeem(tokens[0]!.key, tokens[0]!.secret!, {}, guesser)).toMatchObject({ status: 'FAILURE' });
    expect((await t.call('provisioning.attempts', { limit: 1 }))[0]!.reason).toBe('too many wrong onboarding secrets from this address');
  });
});
