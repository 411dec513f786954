import { afterEach, describe, expect, it } from 'vitest';
import {
  type DeviceToSync,
  type TargetFailure,
  type ThingsBoardTargetOptions,
  createThingsBoardTarget,
  isTargetError,
} from '../../electron/station/sync/thingsboard.ts';
import { type ThingsBoardCloud, type ThingsBoardCloudOptions, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { cloudReader, manualClock } from '../support/thingsboard-cloud/inspect.ts';

// The ThingsBoard target against the ThingsBoard-shaped fake cloud, over real sockets on 127.0.0.1.

const TENANT = { kind: 'password', username: 'tenant@thingsboard.org', password: 'tenant' } as const;
const PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGVGb3JGaWVsZHN0YXRpb25UZXN0czAK',
  'BggqhkjOPQQDAjAcMRowGAYDVQQDDBFmaWVsZHN0YXRpb24tdGVzdDAeFw0yNjAx',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

async function setup(cloudOptions: ThingsBoardCloudOptions = {}, target: Partial<ThingsBoardTargetOptions> = {}) {
  const cloud = await startThingsBoardCloud({ profiles: ['sensor'], ...cloudOptions });
  clouds.push(cloud);
  const tb = createThingsBoardTarget({ url: cloud.url, auth: TENANT, ...target });
  return { cloud, tb, read: cloudReader(cloud.url) };
}

function device(name: string, extra: Partial<DeviceToSync> = {}): DeviceToSync {
  return {
    name,
    profileName: 'sensor',
    credentials: { type: 'ACCESS_TOKEN', token: `token-${name}` },
    serverAttributes: { batch: 'B-7', site: 'north' },
    ...extra,
  };
}

/** The TargetFailure a rejected promise carries (fails the test if it resolved or threw something else). */
async function failureOf(p: Promise<unknown>): Promise<TargetFailure> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!isTargetError(e)) throw new Error(`expected a TargetError, got ${String(e)}`);
  return e.failure;
}

describe('creating devices', () => {
  it.each([
    {
      credentials: { type: 'ACCESS_TOKEN', token: 'A1b2C3d4E5f6G7h8I9j0' } as const,
      stored: { credentialsType: 'ACCESS_TOKEN', credentialsId: 'A1b2C3d4E5f6G7h8I9j0', credentialsValue: null },
    },
    {
      credentials: { type: 'MQTT_BASIC', clientId: 'cid-1', userName: 'user-1', password: 'pw-1' } as const,
      stored: {
        credentialsType: 'MQTT_BASIC',
        credentialsValue: JSON.stringify({ clientId: 'cid-1', userName: 'user-1', password: 'pw-1' }),
      },
    },
    {
      credentials: { type: 'X509_CERTIFICATE', pem: PEM } as const,
      // ThingsBoard keeps the certificate without BEGIN/END lines and line breaks (EncryptionUtil.certTrimNewLines).
      stored: {
        credentialsType: 'X509_CERTIFICATE',
        credentialsValue: PEM.split('\n').filter((l) => l && !l.startsWith('-----')).join(''),
      },
    },
  ])('$credentials.type: the cloud stores exactly what was sent', async ({ credentials, stored }) => {
    const { cloud, tb, read } = await setup();
    const result = await tb.upsertDevice(
      device('dev-1', { credentials, label: 'Boiler room', gateway: true, serverAttributes: { batch: 'B-7', floor: 3 } }),
    );
    expect(result).toEqual({ outcome: 'created', cloudId: expect.any(String) });
    const cloudId = (result as { cloudId: string }).cloudId;

    const d = await read.deviceByName('dev-1');
    expect(d).toMatchObject({
      id: { entityType: 'DEVICE', id: cloudId },
      name: 'dev-1',
      type: 'sensor',
      label: 'Boiler room',
      additionalInfo: { gateway: true },
    });
    expect(await read.credentialsOf(cloudId)).toMatchObject({ deviceId: { entityType: 'DEVICE', id: cloudId }, ...stored });
    expect(await read.serverAttributesOf(cloudId)).toEqual({ batch: 'B-7', floor: 3, provisionState: 'provisioned' });
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1);
  });

  it('reports a name taken with different credentials, with both sides, and changes nothing', async () => {
    const { cloud, tb, read } = await setup();
    const first = await tb.upsertDevice(device('dev-1', { credentials: { type: 'ACCESS_TOKEN', token: 'CLOUD-TOKEN-0001' } }));
    const writesBefore = cloud.stats.writes.length;

    const result = await tb.upsertDevice(
      device('dev-1', { credentials: { type: 'ACCESS_TOKEN', token: 'LOCAL-TOKEN-0002' }, serverAttributes: { x: 1 } }),
    );
    expect(result).toMatchObject({
      outcome: 'conflict',
      reason: 'different-credentials',
      cloudId: (first as { cloudId: string }).cloudId,
      cloud: { type: 'ACCESS_TOKEN', tokenHint: 'CLOU…' },
      local: { type: 'ACCESS_TOKEN', tokenHint: 'LOCA…' },
    });
    if (result.outcome !== 'conflict') throw new Error('unreachable');
    expect(result.cloud?.fingerprint).not.toBe(result.local.fingerprint);
    expect(result.message).toContain('"dev-1"');
    expect(JSON.stringify(result)).not.toContain('CLOUD-TOKEN-0001'); // secrets stay out of results and logs
    expect(cloud.stats.writes.length).toBe(writesBefore);
    const cloudId = (first as { cloudId: string }).cloudId;
    expect(await read.credentialsOf(cloudId)).toMatchObject({ credentialsId: 'CLOUD-TOKEN-0001' });
    expect(await read.serverAttributesOf(cloudId)).not.toHaveProperty('x');
  });

  it('reports credentials already used by another device', async () => {
    const { cloud, tb } = await setup();
    await tb.upsertDevice(device('dev-1', { credentials: { type: 'ACCESS_TOKEN', token: 'SHARED-TOKEN-1234' } }));
    const result = await tb.upsertDevice(device('dev-2', { credentials: { type: 'ACCESS_TOKEN', token: 'SHARED-TOKEN-1234' } }));
    expect(result).toMatchObject({ outcome: 'conflict', reason: 'credentials-in-use', cloudId: null });
    expect(cloud.stats.devicesCreatedNamed('dev-2')).toBe(0);
  });

  it('passes ThingsBoard’s reason through as a fatal error for other 4xx', async () => {
    const { tb } = await setup();
    const failure = await failureOf(tb.upsertDevice(device('dev-1', { credentials: { type: 'MQTT_BASIC', password: 'x' } })));
    expect(failure).toMatchObject({ kind: 'fatal', status: 400 });
    expect(failure.message).toContain('Both mqtt client id and user name are empty!');
  });
});

describe('device profiles', () => {
  it('refuses a missing profile when creating profiles is not allowed, creating nothing', async () => {
    const { cloud, tb } = await setup();
    const failure = await failureOf(tb.upsertDevice(device('dev-1', { profileName: 'thermostat' })));
    expect(failure).toMatchObject({ kind: 'missing-profile', profileName: 'thermostat' });
    expect(failure.message).toContain('no device profile named "thermostat"');
    expect(cloud.stats.writes).toEqual([]);
  });

  it('creates a missing profile once when allowed, and finds existing ones by exact name', async () => {
    const { cloud, tb, read } = await setup({ profiles: ['thermostat-v2'] }, { allowCreateProfiles: true });
    await tb.upsertDevice(device('dev-1', { profileName: 'thermostat' }));
    await tb.upsertDevice(device('dev-2', { profileName: 'thermostat' }));
    expect(cloud.stats.profilesCreated).toBe(1);
    expect(await read.deviceByName('dev-2')).toMatchObject({ type: 'thermostat' });

    const other = createThingsBoardTarget({ url: cloud.url, auth: TENANT, allowCreateProfiles: true });
    const id = await other.ensureProfile('thermostat');
    expect(cloud.state.profiles.get(id)?.name).toBe('thermostat');
    expect(cloud.stats.profilesCreated).toBe(1);
  });
});

describe('authentication', () => {
  it('refreshes a JWT the cloud calls expired (401/11) and resends the request once', async () => {
    const { cloud, tb } = await setup();
    await tb.login();
    cloud.faults.add({ route: 'createDevice', action: { type: 'expireToken' } });
    expect(await tb.upsertDevice(device('dev-1'))).toMatchObject({ outcome: 'created' });
    expect(cloud.stats.outcomes('createDevice', '401/11')).toBe(1);
    expect(cloud.stats.requests.refresh).toBe(1);
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1);
  });

  it('recovers when the cloud revokes every token, logging in again if the refresh token is gone too', async () => {
    const { cloud, tb } = await setup();
    await tb.upsertDevice(device('dev-1'));
    cloud.faults.expireTokens({ access: true });
    await tb.upsertDevice(device('dev-2'));
    expect(cloud.stats.requests.refresh).toBe(1);
    expect(cloud.stats.requests.login).toBe(1);

    cloud.faults.expireTokens({ access: true, refresh: true });
    await tb.upsertDevice(device('dev-3'));
    expect(cloud.stats.requests.refresh).toBe(2);
    expect(cloud.stats.requests.login).toBe(2);
    expect(cloud.stats.devicesCreated).toBe(3);
  });

  it('refreshes before `exp` without a round trip that fails', async () => {
    const clock = manualClock();
    const { cloud, tb } = await setup({ now: clock.now, accessTokenTtlSec: 300 }, { now: clock.now });
    await tb.upsertDevice(device('dev-1'));
    clock.advance(290_000); // inside the last tenth of the token's life
    await tb.upsertDevice(device('dev-2'));
    expect(cloud.stats.requests.refresh).toBe(1);
    expect(cloud.stats.answers.filter((a) => a.outcome.startsWith('401'))).toEqual([]);

    clock.advance(600_000); // long past exp, still never sent an expired token
    await tb.upsertDevice(device('dev-3'));
    expect(cloud.stats.answers.filter((a) => a.outcome.startsWith('401'))).toEqual([]);
  });

  it('parallel calls share one login, and one refresh when the token expires under them', async () => {
    const { cloud, tb } = await setup();
    const names = Array.from({ length: 12 }, (_, i) => `par-${i}`);
    await Promise.all(names.slice(0, 6).map((n) => tb.upsertDevice(device(n))));
    expect(cloud.stats.requests.login).toBe(1);

    cloud.faults.expireTokens();
    await Promise.all(names.slice(6).map((n) => tb.upsertDevice(device(n))));
    expect(cloud.stats.requests.refresh).toBe(1);
    expect(cloud.stats.requests.login).toBe(1);
    expect(cloud.stats.devicesCreated).toBe(12);
  });

  it('stops on a wrong password with a plain message, without retrying', async () => {
    const { cloud } = await setup();
    const tb = createThingsBoardTarget({ url: cloud.url, auth: { ...TENANT, password: 'wrong' } });
    const failure = await failureOf(tb.upsertDevice(device('dev-1')));
    expect(failure).toEqual({ kind: 'auth', status: 401, message: 'ThingsBoard rejected the username or password' });
    expect(cloud.stats.requests.login).toBe(1);
    expect(cloud.stats.outcomes('login', '401/10')).toBe(1);
    expect(cloud.stats.requests.getDeviceByName).toBe(0);
  });

  it('works with an API key and never logs in; a bad key is an auth failure', async () => {
    const { cloud, read } = await setup({ apiKeys: ['tb_apikey_0123456789'] });
    const tb = createThingsBoardTarget({ url: cloud.url, auth: { kind: 'apiKey', key: 'tb_apikey_0123456789' } });
    await tb.login();
    const result = await tb.upsertDevice(device('dev-1'));
    expect(result).toMatchObject({ outcome: 'created' });
    expect(await read.deviceByName('dev-1')).not.toBeNull();
    expect(cloud.stats.requests.login).toBe(1); // the test's own reader, not the target

    const bad = createThingsBoardTarget({ url: cloud.url, auth: { kind: 'apiKey', key: 'nope' } });
    expect(await failureOf(bad.upsertDevice(device('dev-2')))).toEqual({
      kind: 'auth',
      status: 401,
      message: 'ThingsBoard rejected the API key.',
    });
  });
});

describe('errors the worker retries', () => {
  it('429 surfaces Retry-After as seconds or as an HTTP date; ThingsBoard’s own 429 has none', async () => {
    const clock = manualClock();
    const { cloud, tb } = await setup({}, { now: clock.now });
    cloud.faults.add({ route: 'getDeviceByName', action: { type: 'rateLimit', retryAfter: '7' } });
    expect(await failureOf(tb.upsertDevice(device('dev-1')))).toMatchObject({
      kind: 'retryable',
      status: 429,
      retryAfterMs: 7000,
    });

    cloud.faults.add({
      route: 'getDeviceByName',
      action: { type: 'rateLimit', retryAfter: new Date(clock.now() + 90_000).toUTCString() },
    });
    expect(await failureOf(tb.upsertDevice(device('dev-1')))).toMatchObject({ retryAfterMs: 90_000 });

    cloud.faults.add({ route: 'getDeviceByName', action: { type: 'rateLimit' } });
    const plain = await failureOf(tb.upsertDevice(device('dev-1')));
    expect(plain).toMatchObject({ kind: 'retryable', status: 429 });
    expect(plain).not.toHaveProperty('retryAfterMs');
    expect(plain.message).toContain('Too many requests for current tenant!');
  });

  it('5xx, a proxy’s HTML error page and a hung cloud are retryable', async () => {
    const { cloud, tb } = await setup({}, { timeoutMs: 250 });
    cloud.faults.add({ route: 'getDeviceByName', action: { type: 'error', status: 500, message: 'Database error' } });
    const f500 = await failureOf(tb.upsertDevice(device('dev-1')));
    expect(f500).toMatchObject({ kind: 'retryable', status: 500 });
    expect(f500.message).toContain('Database error');

    cloud.faults.add({
      route: 'getDeviceByName',
      action: { type: 'raw', status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
    });
    expect(await failureOf(tb.upsertDevice(device('dev-1')))).toMatchObject({ kind: 'retryable', status: 502 });

    cloud.faults.add({ route: 'getDeviceByName', action: { type: 'delay', ms: 60_000 } });
    const hung = await failureOf(tb.upsertDevice(device('dev-1')));
    expect(hung).toMatchObject({ kind: 'retryable' });
    expect(hung.message).toContain('did not answer within 250 ms');

    expect(await tb.upsertDevice(device('dev-1'))).toMatchObject({ outcome: 'created' });
  });

  it('a cloud that refuses connections is offline', async () => {
    const { cloud, tb } = await setup();
    await cloud.close();
    expect(await failureOf(tb.upsertDevice(device('dev-1')))).toMatchObject({ kind: 'offline' });
  });

  it('403 permission denied stops the sync as an auth problem', async () => {
    const { cloud, tb } = await setup();
    cloud.faults.add({
      route: 'getDeviceByName',
      action: { type: 'error', status: 403, errorCode: 20, message: "You don't have permission to perform this operation!" },
    });
    expect(await failureOf(tb.upsertDevice(device('dev-1')))).toMatchObject({ kind: 'auth', status: 403 });
  });
});
