import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from '../../electron/station/api/router.ts';
import { createStation, type Station } from '../../electron/station/station.ts';
import type { IssueResult } from '../../shared/tokens.ts';
import type { z } from 'zod';
import { runCli } from '../support/cli.ts';
import { tempDir } from '../support/engine.ts';
import { pahoProvision } from '../support/mqtt-clients.ts';
import { coapClient, curl } from '../support/real-clients.ts';

// Onboarding tokens redeemed through the unchanged ThingsBoard API by stock clients we did not write.
type Transport = 'http' | 'mqtt' | 'coap';
const FAILURE = '{"errorMsg":"Failed to provision device!","status":"FAILURE"}';
const NOT_FOUND = '{"errorMsg":"Provision data was not found!","status":"NOT_FOUND"}';

describe('onboarding-token redemption over HTTP, MQTT and CoAP with real clients', () => {
  let station: Station;
  const ports: Record<Transport, number> = { http: 0, mqtt: 0, coap: 0 };

  beforeAll(async () => {
    station = createStation({ dataDir: tempDir(), bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 } });
    const info = await station.start();
    for (const l of info.listeners) if (l.name === 'http' || l.name === 'mqtt' || l.name === 'coap') ports[l.name] = l.port;
    await call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'check-pre-provisioned' });
    await call('batches.create', { name: 'site', profile: 'meters' });
  });
  afterAll(() => station.stop());

  async function call(method: string, params: unknown): Promise<unknown> {
    const reply = await station.engine!.router.call(method, params, ADMIN);
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  }
  const issue = async (params: object) => ((await call('tokens.issue', { batch: 'site', ...params })) as z.infer<typeof IssueResult>).tokens;

  /** One provisioning request with each transport's stock client; resolves with the answer text exactly as received. */
  async function provision(transport: Transport, request: object): Promise<string> {
    if (transport === 'http') return (await curl(`http://127.0.0.1:${ports.http}/api/v1/provision`, { body: JSON.stringify(request) })).body;
    if (transport === 'coap') return (await coapClient(`coap://127.0.0.1:${ports.coap}/api/v1/provision`, { method: 'post', payload: JSON.stringify(request) })).payload;
    return pahoProvision(ports.mqtt, request);
  }

  let n = 0;
  for (const transport of ['http', 'mqtt', 'coap'] as const) {
    it(`${transport}: a device's label token provisions it once; revoked, expired and used-up tokens fail`, async () => {
      const names = [0, 1, 2].map(() => `${transport}-dev-${n++}`);
      for (const name of names) await call('devices.add', { profile: 'meters', name, batch: 'site', token: `tok-${name}` });
      const tokens = (await issue({ perDevice: true })).filter((t) => names.includes(t.device ?? ''));
      const [ok, revoked, expired] = tokens as [(typeof tokens)[0], (typeof tokens)[0], (typeof tokens)[0]];

      const success = await provision(transport, { provisionDeviceKey: ok.key, provisionDeviceSecret: ok.secret });
      expect(success).toBe(`{"credentialsValue":"tok-${ok.device}","credentialsType":"ACCESS_TOKEN","status":"SUCCESS"}`);
      expect(await provision(transport, { provisionDeviceKey: ok.key, provisionDeviceSecret: ok.secret })).toBe(FAILURE);

      await call('tokens.revoke', { id: revoked.id });
      expect(await provision(transport, { provisionDeviceKey: revoked.key, provisionDeviceSecret: revoked.secret })).toBe(FAILURE);

      station.engine!.db.prepare('UPDATE onboarding_tokens SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, expired.id);
      expect(await provision(transport, { provisionDeviceKey: expired.key, provisionDeviceSecret: expired.secret })).toBe(FAILURE);
      expect(await provision(transport, { provisionDeviceKey: expired.key, provisionDeviceSecret: 'WRONGWRONGWRONG0' })).toBe(NOT_FOUND);

      const reasons = ((await call('provisioning.attempts', { limit: 5 })) as { reason: string; transport: string }[]).map((a) => [a.transport, a.reason]);
      expect(reasons).toEqual([
        [transport, 'wrong onboarding secret'],
        [transport, 'onboarding token expired'],
        [transport, 'onboarding token revoked'],
        [transport, 'onboarding token used up'],
        [transport, 'onboarding token redeemed'],
      ]);
    });

    it(`${transport}: a PIN group token creates devices; 5 wrong PINs lock it`, async () => {
      const [token] = await issue({ uses: 3, pin: '2468' });
      const name = `${transport}-pin-${n++}`;
      const created = await provision(transport, { provisionDeviceKey: token!.key, provisionDeviceSecret: '2468', deviceName: name });
      expect(JSON.parse(created)).toMatchObject({ credentialsType: 'ACCESS_TOKEN', status: 'SUCCESS' });
      for (let i = 0; i < 5; i++) {
        expect(await provision(transport, { provisionDeviceKey: token!.key, provisionDeviceSecret: '1357', deviceName: `${name}-x${i}` })).toBe(NOT_FOUND);
      }
      expect(await provision(transport, { provisionDeviceKey: token!.key, provisionDeviceSecret: '2468', deviceName: `${name}-late` })).toBe(FAILURE);
      const tokens = (await call('tokens.list', { batch: 'site' })) as { id: number; state: string; uses: number }[];
      expect(tokens.find((t) => t.id === token!.id)).toMatchObject({ state: 'locked', uses: 1 });
    });
  }

  it("a label's url payload opens a read-only status page on the LAN port, with no secret on it", async () => {
    await call('devices.add', { profile: 'meters', name: 'page-dev', batch: 'site' });
    const [token] = await issue({ device: 'page-dev' });
    const page = await curl(`http://127.0.0.1:${ports.http}/onboard/${token!.key}`, { method: 'GET' });
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.body).toContain('<h1>page-dev</h1>');
    expect(page.body).toContain('pending');
    expect(page.body).not.toContain(token!.secret!);
    const unknown = await curl(`http://127.0.0.1:${ports.http}/onboard/ZZZZZZZZZZ`, { method: 'GET' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toContain('Unknown label');
  });

  it('CLI: tokens issue --json has the keys CLI.md names, and refuses a 3-digit or non-digit PIN', () => {
    const data = tempDir();
    runCli(['profile', 'add', '--data', data, '--name', 'p', '--key', 'k', '--secret', 's', '--strategy', 'check-pre-provisioned']);
    runCli(['device', 'add', '--data', data, '--profile', 'p', '--name', 'd1', '--batch', 'b']);
    const out = runCli(['tokens', 'issue', '--data', data, '--batch', 'b', '--per-device', '--expires', '30d', '--json']);
    expect(out.status).toBe(0);
    const [token] = JSON.parse(out.stdout) as Record<string, unknown>[];
    for (const key of ['id', 'device', 'key', 'secret', 'expiresAt', 'maxUses', 'payload']) expect(token).toHaveProperty(key);
    expect(token).toMatchObject({ device: 'd1', maxUses: 1, payload: expect.stringMatching(/^FS1:[0-9A-Z]{10}:[0-9A-Z]{16}:[0-9A-Z]$/) });
    for (const pin of ['123', 'abcd']) {
      const bad = runCli(['tokens', 'issue', '--data', data, '--batch', 'b', '--uses', '5', '--pin', pin]);
      expect(bad.status).toBe(1);
      expect(bad.stderr.trim()).toBe('fieldstation: the PIN must be 4-16 digits');
    }
    const pinned = JSON.parse(runCli(['tokens', 'issue', '--data', data, '--batch', 'b', '--uses', '5', '--pin', '4711', '--json']).stdout)[0];
    expect(pinned.secret).toBeUndefined();
    const listed = JSON.parse(runCli(['tokens', 'list', '--data', data, '--json']).stdout) as { state: string }[];
    expect(listed.map((t) => t.state)).toEqual(['active', 'active']);
  });
});
