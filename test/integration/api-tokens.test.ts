import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiTokens } from '../../electron/station/api/api-tokens.ts';
import { ADMIN } from '../../electron/station/api/router.ts';
import { createStation, type Station } from '../../electron/station/station.ts';
import { tempDir } from '../support/engine.ts';

describe('scoped API tokens (DeviceHive token/create semantics)', () => {
  let station: Station;
  let base: string;
  let secret: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    station = createStation({ dataDir: tempDir(), bind: '127.0.0.1', ports: { ui: 0, http: 0, mqtt: 0, coap: 0 } });
    const info = await station.start();
    base = info.uiUrl.split('?')[0]!;
    secret = info.uiUrl.split('token=')[1]!;
    const call = async (method: string, params: unknown) => {
      const reply = await station.engine!.router.call(method, params, ADMIN);
      if (!reply.ok) throw new Error(reply.error.message);
      return reply.value as { id: number };
    };
    await call('profiles.add', { name: 'meters', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'check-pre-provisioned' });
    for (const b of ['north', 'south']) {
      ids[b] = (await call('batches.create', { name: b, profile: 'meters' })).id;
      await call('devices.add', { profile: 'meters', name: `${b}-1`, batch: b });
    }
  });
  afterAll(() => station.stop());

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${base}${path.slice(1)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  type Reply = { value: { name: string }[]; error: { code: string; message: string }; accessToken: string };
  const body = async (r: Response) => (await r.json()) as Reply;
  const create = async (payload: unknown, token = secret) => (await post('/api/token/create', { payload }, token)).json() as Promise<{ accessToken: string; refreshToken: string }>;

  it('a token limited to one batch lists only that batch and gets 403 for another', async () => {
    const { accessToken, refreshToken } = await create({ actions: ['GetDevice'], batchIds: [ids.north] });
    expect(refreshToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const own = await post('/api/rpc/devices.list', { batch: 'north' }, accessToken);
    expect(own.status).toBe(200);
    expect((await body(own)).value.map((d: { name: string }) => d.name)).toEqual(['north-1']);

    const other = await post('/api/rpc/devices.list', { batch: 'south' }, accessToken);
    expect(other.status).toBe(403);
    expect((await body(other)).error).toEqual({ code: 'forbidden', message: "this API token may not access batch 'south'" });
    expect((await post('/api/rpc/devices.get', { name: 'south-1' }, accessToken)).status).toBe(403);

    // Unfiltered lists are narrowed to the token's scope.
    const all = await body(await post('/api/rpc/devices.list', {}, accessToken));
    expect(all.value.map((d: { name: string }) => d.name)).toEqual(['north-1']);
    // An action the token lacks.
    expect((await post('/api/rpc/tokens.issue', { batch: 'north', perDevice: true }, accessToken)).status).toBe(403);
  });

  it('an expired token gets 401, a refresh yields a working access token', async () => {
    const past = Date.now() - 3_600_000;
    const oldMinter = createApiTokens(station.engine!.db, station.engine!.keys, () => past);
    const stale = oldMinter.create({ actions: ['GetDevice'], expiration: new Date(past + 40 * 60_000).toISOString() }, ADMIN.principal);
    const expired = await post('/api/rpc/devices.list', {}, stale.accessToken);
    expect(expired.status).toBe(401);
    expect((await body(expired)).error.message).toBe('the API token has expired');

    const { refreshToken } = await create({ actions: ['GetDevice'] });
    const refreshed = await post('/api/token/refresh', { refreshToken });
    expect(refreshed.status).toBe(200);
    const { accessToken } = await body(refreshed);
    expect((await post('/api/rpc/devices.list', {}, accessToken)).status).toBe(200);
    // A refresh token is not an access token, and a forged signature is not a token.
    expect((await post('/api/rpc/devices.list', {}, refreshToken)).status).toBe(401);
    expect((await post('/api/rpc/devices.list', {}, `${accessToken.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it('a token can never mint a broader one', async () => {
    const { accessToken } = await create({ actions: ['GetDevice', 'ManageToken'], batchIds: [ids.north] });
    const broaderAction = await post('/api/token/create', { payload: { actions: ['ManageProfile'], batchIds: [ids.north] } }, accessToken);
    expect(broaderAction.status).toBe(403);
    const broaderScope = await post('/api/token/create', { payload: { actions: ['GetDevice'] } }, accessToken);
    expect(broaderScope.status).toBe(403);
    const narrower = await post('/api/token/create', { payload: { actions: ['GetDevice'], batchIds: [ids.north] } }, accessToken);
    expect(narrower.status).toBe(200);
    const noManage = (await create({ actions: ['GetDevice'] })).accessToken;
    expect((await post('/api/token/create', { payload: { actions: ['GetDevice'] } }, noManage)).status).toBe(403);
  });
});
