import { afterEach, describe, expect, it } from 'vitest';
import {
  type DeviceToSync,
  type UpsertResult,
  createThingsBoardTarget,
  isTargetError,
} from '../../electron/station/sync/thingsboard.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { cloudReader } from '../support/thingsboard-cloud/inspect.ts';

// Retries after lost answers must never create a device twice: the cloud counts what it applied.

const TENANT = { kind: 'password', username: 'tenant@thingsboard.org', password: 'tenant' } as const;

const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
});

async function setup(seed = 1) {
  const cloud = await startThingsBoardCloud({ profiles: ['sensor'], seed });
  clouds.push(cloud);
  return { cloud, tb: createThingsBoardTarget({ url: cloud.url, auth: TENANT }), read: cloudReader(cloud.url) };
}

const device = (name: string, i = 0): DeviceToSync => ({
  name,
  profileName: 'sensor',
  credentials:
    i % 3 === 0
      ? { type: 'ACCESS_TOKEN', token: `tok-${name}` }
      : i % 3 === 1
        ? { type: 'MQTT_BASIC', clientId: `c-${name}`, userName: `u-${name}`, password: `p-${name}` }
        : { type: 'MQTT_BASIC', userName: `only-user-${name}` },
  serverAttributes: { serial: `SN-${name}` },
});

/** What the outbox worker will do: call again on retryable failures, a bounded number of times. */
async function syncWithRetries(run: () => Promise<UpsertResult>, maxAttempts = 50) {
  const kinds: string[] = [];
  for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
    try {
      return { result: await run(), failures: kinds };
    } catch (e) {
      if (!isTargetError(e) || e.kind !== 'retryable') throw e;
      kinds.push(e.kind);
    }
  }
  throw new Error(`still failing after ${maxAttempts} attempts`);
}

describe('exactly once', () => {
  it('a connection dropped after the cloud created the device: the retry finds it and does not duplicate', async () => {
    const { cloud, tb, read } = await setup();
    cloud.faults.add({ route: 'createDevice', action: { type: 'dropAfterWrite' } });

    const first = await tb.upsertDevice(device('dev-1')).catch((e: unknown) => e);
    expect(isTargetError(first) && first.failure.kind).toBe('retryable');
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1); // the cloud did apply it

    const second = await tb.upsertDevice(device('dev-1'));
    const d = await read.deviceByName('dev-1');
    expect(second).toEqual({ outcome: 'already-synced', cloudId: d?.id.id });
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1);
    expect(await read.serverAttributesOf(second.cloudId as string)).toEqual({
      serial: 'SN-dev-1',
      provisionState: 'provisioned',
    });
  });

  it('a connection dropped before the cloud applied anything: the retry creates it once', async () => {
    const { cloud, tb } = await setup();
    cloud.faults.add({ route: 'createDevice', action: { type: 'drop' } });
    const { result, failures } = await syncWithRetries(() => tb.upsertDevice(device('dev-1')));
    expect(failures).toEqual(['retryable']);
    expect(result.outcome).toBe('created');
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1);
  });

  it('an answer that arrives after the client gave up: the retry does not duplicate', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['sensor'] });
    clouds.push(cloud);
    const tb = createThingsBoardTarget({ url: cloud.url, auth: TENANT, timeoutMs: 300 });
    cloud.faults.add({ route: 'createDevice', action: { type: 'delay', ms: 60_000, afterWrite: true } });
    const { result } = await syncWithRetries(() => tb.upsertDevice(device('dev-1')));
    expect(result.outcome).toBe('already-synced');
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1);
  });

  it('someone else creates the same device between lookup and create: treated as ours when credentials match', async () => {
    const cloud = await startThingsBoardCloud({ profiles: ['sensor'] });
    clouds.push(cloud);
    const interloper = createThingsBoardTarget({ url: cloud.url, auth: TENANT });
    let raced = false;
    // Runs the other writer exactly when our create is on its way, so the lookup said "absent".
    const racingFetch: typeof fetch = async (input, init) => {
      if (!raced && String(input).endsWith('/api/device-with-credentials')) {
        raced = true;
        await interloper.upsertDevice(device('dev-1'));
      }
      return fetch(input, init);
    };
    const tb = createThingsBoardTarget({ url: cloud.url, auth: TENANT, fetch: racingFetch });
    const result = await tb.upsertDevice(device('dev-1'));
    expect(result.outcome).toBe('already-synced');
    expect(cloud.stats.outcomes('createDevice', '400/31')).toBe(1);
    expect(cloud.stats.devicesCreatedNamed('dev-1')).toBe(1);
  });

  it('a batch under random drops, lost answers, 500s and expired tokens: every device exactly once', async () => {
    const { cloud, tb, read } = await setup(20260301);
    const everyRoute = ['getDeviceByName', 'getCredentials', 'createDevice', 'saveAttributes', 'listProfileInfos'] as const;
    cloud.faults.add({ route: [...everyRoute], probability: 0.08, action: { type: 'drop' } });
    cloud.faults.add({ route: ['createDevice', 'saveAttributes'], probability: 0.2, action: { type: 'dropAfterWrite' } });
    cloud.faults.add({ route: [...everyRoute], probability: 0.08, action: { type: 'error', status: 503 } });
    cloud.faults.add({ route: [...everyRoute], probability: 0.05, action: { type: 'expireToken' } });

    const names = Array.from({ length: 40 }, (_, i) => `batch-${String(i).padStart(3, '0')}`);
    let retries = 0;
    for (const [i, name] of names.entries()) {
      const { result, failures } = await syncWithRetries(() => tb.upsertDevice(device(name, i)));
      retries += failures.length;
      expect(['created', 'already-synced']).toContain(result.outcome);
    }
    expect(retries).toBeGreaterThan(0); // the faults really fired

    cloud.faults.clear();
    for (const [i, name] of names.entries()) {
      expect(cloud.stats.devicesCreatedNamed(name)).toBe(1);
      const id = (await read.deviceByName(name))?.id.id ?? 'missing';
      expect(await read.serverAttributesOf(id)).toEqual({ serial: `SN-${name}`, provisionState: 'provisioned' });
      const creds = await read.credentialsOf(id);
      expect(creds.credentialsType).toBe(i % 3 === 0 ? 'ACCESS_TOKEN' : 'MQTT_BASIC');
    }
    expect(cloud.stats.devicesCreated).toBe(names.length);
  });
});
