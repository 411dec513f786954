import { afterEach, describe, expect, it } from 'vitest';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { cloudReader } from '../support/thingsboard-cloud/inspect.ts';

// The fake cloud itself answers like ThingsBoard, so adapter tests against it mean something.

const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

async function start(seed?: number) {
  const cloud = await startThingsBoardCloud(seed === undefined ? {} : { seed });
  clouds.push(cloud);
  return cloud;
}

const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { 'X-Authorization': `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

async function login(cloud: ThingsBoardCloud): Promise<string> {
  const res = await post(`${cloud.url}/api/auth/login`, { username: 'tenant@thingsboard.org', password: 'tenant' });
  return ((await res.json()) as { token: string }).token;
}

describe('fake ThingsBoard cloud', () => {
  it('answers errors in ThingsboardErrorResponse shape, keys in order', async () => {
    const cloud = await start();
    const bad = await post(`${cloud.url}/api/auth/login`, { username: 'tenant@thingsboard.org', password: 'x' });
    expect(bad.status).toBe(401);
    const body = (await bad.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['status', 'message', 'errorCode', 'timestamp']);
    expect(body).toMatchObject({ status: 401, message: 'Invalid username or password', errorCode: 10 });

    const anonymous = await fetch(`${cloud.url}/api/tenant/devices?deviceName=x`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errorCode: 10, message: 'Authentication failed' });

    const read = cloudReader(cloud.url);
    expect(await read.get('/api/tenant/devices?deviceName=nope')).toEqual({
      status: 404,
      body: { status: 404, message: "Requested item wasn't found!", errorCode: 32, timestamp: expect.any(Number) },
    });
  });

  it('rejects a duplicate name with 400/31 and creates a missing profile from `type`, as ThingsBoard does', async () => {
    const cloud = await start();
    const token = await login(cloud);
    const create = (name: string, type: string, id: string) =>
      post(
        `${cloud.url}/api/device-with-credentials`,
        { device: { name, type }, credentials: { credentialsType: 'ACCESS_TOKEN', credentialsId: id } },
        token,
      );
    const first = await create('d1', 'meter', 'tok-1');
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ name: 'd1', type: 'meter', deviceProfileId: { entityType: 'DEVICE_PROFILE' } });
    expect(cloud.stats.profilesCreated).toBe(1);

    const dupName = await create('d1', 'meter', 'tok-2');
    expect(await dupName.json()).toMatchObject({ status: 400, errorCode: 31, message: 'Device with such name already exists!' });
    const dupCreds = await create('d2', 'other', 'tok-1');
    expect(await dupCreds.json()).toMatchObject({
      status: 400,
      errorCode: 31,
      message: 'Device credentials are already assigned to another device!',
    });
    expect(cloud.stats.devicesCreated).toBe(1);
    expect(cloud.stats.profilesCreated).toBe(1); // the failed create left no "other" profile behind

    const page = await cloudReader(cloud.url).get('/api/deviceProfileInfos?pageSize=1&page=0&textSearch=METER');
    expect(page.body).toEqual({
      data: [expect.objectContaining({ name: 'meter', type: 'DEFAULT', transportType: 'DEFAULT' })],
      totalPages: 1,
      totalElements: 1,
      hasNext: false,
    });
  });

  it('answers telemetry validation errors as text/plain, like TelemetryController', async () => {
    const cloud = await start();
    const token = await login(cloud);
    const res = await post(
      `${cloud.url}/api/plugins/telemetry/DEVICE/7a1f0c2e-0000-4000-8000-000000000000/attributes/SERVER_SCOPE`,
      {},
      token,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toBe('No attributes data found in request body!');
  });

  it('fires probabilistic faults the same way for the same seed', async () => {
    const pattern = async (seed: number) => {
      const cloud = await start(seed);
      cloud.faults.add({ route: 'getDeviceByName', probability: 0.5, action: { type: 'error', status: 503 } });
      const read = cloudReader(cloud.url);
      const statuses: number[] = [];
      for (let i = 0; i < 16; i += 1) statuses.push((await read.get('/api/tenant/devices?deviceName=x')).status);
      return statuses;
    };
    const a = await pattern(42);
    expect(await pattern(42)).toEqual(a);
    expect(a).toContain(503);
    expect(a).toContain(404);
  });
});
