import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ADMIN } from '../../electron/station/api/router.ts';
import { createStation, type Station } from '../../electron/station/station.ts';
import type { StationEvent } from '../../shared/events.ts';
import type { IssueResult, TokenView } from '../../shared/tokens.ts';
import { runCliAsync } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { mosquittoPub, pahoProvision } from '../support/mqtt-clients.ts';
import { startServe } from '../support/serve-process.ts';

// Issue 15, "the technician's day": a device publishes its provisioning request before subscribing to
// /provision/response (its Wi-Fi dropped, or its firmware has them the wrong way round). The station provisions it
// and answers into the void; the device retries and is refused. Each way back, with the stock clients a device uses.
type Issued = z.infer<typeof IssueResult>['tokens'][number];
const FAILURE = '{"errorMsg":"Failed to provision device!","status":"FAILURE"}';

describe('a device whose provisioning answer was lost can be brought back (MQTT, real clients)', () => {
  let station: Station;
  let dataDir: string;
  let mqttPort = 0;
  let n = 0;

  beforeAll(async () => {
    dataDir = tempDir();
    station = createStation({ dataDir, bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, deviceListeners: ['mqtt'] });
    const info = await station.start();
    mqttPort = info.listeners.find((l) => l.name === 'mqtt')!.port;
    await call('profiles.add', { name: 'boilers', provisionDeviceKey: 'boilers-key', provisionDeviceSecret: 'boilers-secret', strategy: 'check-pre-provisioned' });
    await call('profiles.add', { name: 'kept', provisionDeviceKey: 'kept-key', provisionDeviceSecret: 'kept-secret', strategy: 'check-pre-provisioned', reprovision: 'reissue-same' });
    await call('batches.create', { name: 'site', profile: 'boilers' });
    await call('batches.create', { name: 'site-kept', profile: 'kept' });
  });
  afterAll(() => station.stop());

  async function call<T = unknown>(method: string, params: unknown): Promise<T> {
    const reply = await station.engine!.router.call(method, params, ADMIN);
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value as T;
  }
  const cli = (args: string[]) => runCliAsync([...args, '--data', dataDir]);
  const tokenState = async (id: number) => (await call<TokenView[]>('tokens.list', {})).find((t) => t.id === id)!;

  /** A new device of the batch with its own label token. */
  async function deviceWithToken(batch: string, profile: string): Promise<{ name: string; token: Issued }> {
    const name = `boiler-${String(++n).padStart(3, '0')}`;
    await call('devices.add', { profile, name, batch, token: `tok-${name}` });
    const { tokens } = await call<z.infer<typeof IssueResult>>('tokens.issue', { batch, device: name });
    return { name, token: tokens[0]! };
  }

  /** mosquitto_pub publishes the request and leaves without subscribing: the station's SUCCESS goes nowhere. */
  async function provisionAndMissTheAnswer(request: object): Promise<void> {
    const seen = new Promise<StationEvent>((resolve) => {
      const off = station.engine!.bus.subscribe((e) => {
        if (e.type === 'provision') {
          off();
          resolve(e);
        }
      });
    });
    const pub = await mosquittoPub(mqttPort, ['-u', 'provision', '-q', '1', '-t', '/provision/request', '-m', JSON.stringify(request)]);
    expect(pub, pub.stderr).toMatchObject({ code: 0 });
    const event = await seen;
    // The live feed says Success, though the device never heard it.
    expect(event).toMatchObject({ type: 'provision', attempt: { outcome: 'SUCCESS' } });
  }
  const latestReason = async () => (await call<{ reason: string }[]>('provisioning.attempts', { limit: 1 }))[0]!.reason;
  const asked = (token: Issued, extra: object = {}) => ({ provisionDeviceKey: token.key, provisionDeviceSecret: token.secret, ...extra });
  const sameCredentials = (name: string) => `{"credentialsValue":"tok-${name}","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}`;

  it('stuck: the retry is refused, no new token can be issued; "device reset" frees its token and the retry gets its credentials', async () => {
    const { name, token } = await deviceWithToken('site', 'boilers');
    await provisionAndMissTheAnswer(asked(token));
    expect(await pahoProvision(mqttPort, asked(token))).toBe(FAILURE);
    expect(await latestReason()).toBe('onboarding token used up');
    await expect(call('tokens.issue', { batch: 'site', device: name })).rejects.toThrow('device already onboarded');

    const reset = await cli(['device', 'reset', '--name', name]);
    expect(reset, reset.stderr).toMatchObject({ status: 0 });
    expect(reset.stdout).toContain(`device '${name}' is pending again (credentials kept); 1 token usable again`);
    expect((await call<{ state: string }>('devices.get', { name })).state).toBe('pending');
    expect((await tokenState(token.id)).state).toBe('active');
    const history = await call<{ kind: string; reason: string }[]>('devices.events', { name });
    expect(history[0]).toMatchObject({ kind: 'device.reset', reason: 'reset to pending; credentials kept' });
    const details = station.engine!.db.prepare("SELECT details FROM events WHERE kind = 'device.reset' ORDER BY id DESC").pluck().get() as string;
    expect(JSON.parse(details)).toMatchObject({ actor: 'the station', credentials: 'kept', tokensFreed: [token.id] });

    expect(await pahoProvision(mqttPort, asked(token))).toBe(sameCredentials(name));
    expect((await call<{ state: string }>('devices.get', { name })).state).toBe('provisioned');
  });

  it('a group-token device reset with its credentials dropped provisions again with the ones it sends now', async () => {
    const { tokens } = await call<z.infer<typeof IssueResult>>('tokens.issue', { batch: 'site', uses: 1, pin: '2468' });
    const group = tokens[0]!;
    const name = 'boiler-g1';
    const request = (token: string) => ({ provisionDeviceKey: group.key, provisionDeviceSecret: '2468', deviceName: name, credentialsType: 'ACCESS_TOKEN', token });
    await provisionAndMissTheAnswer(request('first-token'));
    expect(await pahoProvision(mqttPort, request('second-token'))).toBe(FAILURE);
    expect(await latestReason()).toBe('onboarding token used up');

    await call('devices.reset', { name, keepCredentials: false });
    expect((await tokenState(group.id)).state).toBe('active');
    expect(await pahoProvision(mqttPort, request('second-token'))).toBe('{"credentialsValue":"second-token","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}');
    // The group token still onboards one device: another name is refused, it is used up again.
    expect(await pahoProvision(mqttPort, { ...request('third-token'), deviceName: 'boiler-g2' })).toBe(FAILURE);
  });

  it('a used token is reissued (after a reset) or revoked: the new label provisions, the old key is refused', async () => {
    const { name, token } = await deviceWithToken('site', 'boilers');
    await provisionAndMissTheAnswer(asked(token));
    await expect(call('tokens.reissue', { id: token.id })).rejects.toThrow('device already onboarded; reset it to pending first');
    await call('devices.reset', { name, keepCredentials: true });
    const replacement = await call<Issued>('tokens.reissue', { id: token.id });
    expect(replacement).toMatchObject({ device: name, maxUses: 1 });
    expect(await pahoProvision(mqttPort, asked(token))).toBe(FAILURE);
    expect(await latestReason()).toBe('onboarding token revoked');
    expect(await pahoProvision(mqttPort, asked(replacement))).toBe(sameCredentials(name));

    // Revoking a used token: nothing can redeem it any more, not even after one more use is allowed.
    expect(await call('tokens.revoke', { id: replacement.id })).toEqual({ revoked: 1 });
    await expect(call('tokens.allowMore', { id: replacement.id })).rejects.toThrow('this token is revoked');
  });

  it('"tokens allow-more" lets the stuck device redeem its used-up label once more, for the same credentials', async () => {
    const { name, token } = await deviceWithToken('site', 'boilers');
    await provisionAndMissTheAnswer(asked(token));
    expect(await pahoProvision(mqttPort, asked(token))).toBe(FAILURE);

    const more = await cli(['tokens', 'allow-more', '--id', String(token.id)]);
    expect(more, more.stderr).toMatchObject({ status: 0 });
    expect(more.stdout).toContain(`token ${token.id}: 1 of 2 uses taken`);
    expect((await tokenState(token.id)).state).toBe('active');

    expect(await pahoProvision(mqttPort, asked(token))).toBe(sameCredentials(name));
    expect(await latestReason()).toBe('onboarding token redeemed again: same credentials');
    expect(await pahoProvision(mqttPort, asked(token))).toBe(FAILURE);
    const history = await call<{ kind: string }[]>('devices.events', { name });
    expect(history.map((e) => e.kind)).toContain('tokens.allowed-more');
  });

  it('with "give the same credentials again", a device redeeming its own used label gets the same credentials, using no use', async () => {
    const { name, token } = await deviceWithToken('site-kept', 'kept');
    await provisionAndMissTheAnswer(asked(token));
    expect(await pahoProvision(mqttPort, asked(token))).toBe(sameCredentials(name));
    expect(await latestReason()).toBe('already provisioned: same credentials reissued');
    expect(await tokenState(token.id)).toMatchObject({ state: 'used', uses: 1, maxUses: 1 });

    // Switching an existing profile to it rescues devices already stuck.
    const stuck = await deviceWithToken('site', 'boilers');
    await provisionAndMissTheAnswer(asked(stuck.token));
    expect(await pahoProvision(mqttPort, asked(stuck.token))).toBe(FAILURE);
    await call('profiles.update', { profile: 'boilers', reprovision: 'reissue-same' });
    try {
      expect(await pahoProvision(mqttPort, asked(stuck.token))).toBe(sameCredentials(stuck.name));
    } finally {
      await call('profiles.update', { profile: 'boilers', reprovision: 'deny' });
    }
  });
});

describe('fieldstation ui-url', () => {
  it('prints the serving station\'s UI link again, and says plainly when none serves the directory', async () => {
    const dataDir = tempDir();
    const served = await startServe({ dataDir, args: ['--bind', '127.0.0.1', '--listeners', 'none'] });
    try {
      const again = await runCliAsync(['ui-url', '--data', dataDir]);
      expect(again, again.stderr).toMatchObject({ status: 0 });
      expect(again.stdout.trim()).toBe(served.uiUrl);
      const page = await fetch(again.stdout.trim());
      expect(page.status).toBe(200);
    } finally {
      await served.stop();
    }
    const none = await runCliAsync(['ui-url', '--data', dataDir]);
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toBe('fieldstation: no station is serving this data directory; start one with `fieldstation serve`');
    const empty = await runCliAsync(['ui-url', '--data', mkdtempSync(join(tmpdir(), 'fs-none-'))]);
    expect(empty.status).toBe(1);
  });
});
