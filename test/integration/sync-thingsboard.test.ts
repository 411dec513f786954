import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { createStationWriter, webhookJobsOn } from '../../electron/station/station-writer.ts';
import { BAD_LOGIN_MESSAGE } from '../../electron/station/sync/thingsboard.ts';
import { type SyncOptions, createSyncService } from '../../electron/station/sync/worker.ts';
import { type TestEngine, openTestEngine } from '../support/engine.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';

// Sync to ThingsBoard through the whole engine: provisioned devices reach the (fake) cloud exactly once, whatever
// the cloud does, and the station's per-device state says what happened.

const origin: RequestOrigin = { transport: 'http', remoteAddress: '127.0.0.7' };
const TENANT = { username: 'tenant@thingsboard.org', password: 'tenant' };

const engines: TestEngine[] = [];
const clouds: ThingsBoardCloud[] = [];
afterEach(async () => {
  await Promise.all(clouds.splice(0).map((c) => c.close()));
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const pad = (i: number) => String(i).padStart(4, '0');
/** A PEM-shaped certificate unique per name (ThingsBoard only trims and hashes it). */
const certFor = (name: string) => {
  const body = createHash('sha512').update(name).digest('base64').replace(/[^A-Za-z0-9]/g, 'Q');
  return `-----BEGIN CERTIFICATE-----\nMIIB${body.slice(0, 40)}\n${body.slice(40)}\n-----END CERTIFICATE-----\n`;
};

/**
 * `n` devices provisioned through the real service: a third each ACCESS_TOKEN, MQTT_BASIC, X.509; every fourth
 * through a group onboarding token that assigns server attributes.
 */
async function provisionFleet(t: TestEngine, n: number, prefix = 'dev') {
  await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'meters-key', provisionDeviceSecret: 'meters-secret', strategy: 'allow-create' });
  await t.call('batches.create', { name: 'site-a', profile: 'meters' });
  const { tokens } = await t.call('tokens.issue', {
    batch: 'site-a',
    uses: n,
    assignment: { attributes: { floor: 3, zone: 'north', calibrated: true }, policy: 'meters-v2' },
  });
  const token = tokens[0]!;
  const names: string[] = [];
  const replies = await Promise.all(
    Array.from({ length: n }, (_, i) => {
      const name = `${prefix}-${pad(i)}`;
      names.push(name);
      const credentials =
        i % 3 === 0
          ? { credentialsType: 'ACCESS_TOKEN', token: `tok-${name}` }
          : i % 3 === 1
            ? { credentialsType: 'MQTT_BASIC', clientId: `c-${name}`, username: `u-${name}`, password: `p-${name}` }
            : { credentialsType: 'X509_CERTIFICATE', hash: certFor(name) };
      const viaToken = i % 4 === 0;
      const d = t.service.decode({
        provisionDeviceKey: viaToken ? token.key : 'meters-key',
        provisionDeviceSecret: viaToken ? token.secret : 'meters-secret',
        deviceName: name,
        ...credentials,
      });
      if (!d.ok) throw new Error(d.message);
      return t.service.provision(d.request, origin);
    }),
  );
  expect(replies.every((r) => r.status === 'SUCCESS')).toBe(true);
  return names;
}

/** A clock that jumps forward when the worker sleeps: backoffs and Retry-After cost no real time. */
function virtualTime() {
  let skew = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now() + skew,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      skew += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}

async function setup(options: { profiles?: string[]; seed?: number } = {}) {
  const cloud = await startThingsBoardCloud({ profiles: options.profiles ?? ['meters'], seed: options.seed ?? 1 });
  clouds.push(cloud);
  const t = openTestEngine();
  engines.push(t);
  return { cloud, t };
}

const addTarget = (t: TestEngine, url: string, login = TENANT) =>
  t.call('sync.targets.add', { name: 'tb', type: 'thingsboard', url, ...login });

const fast = (extra: SyncOptions = {}): SyncOptions => {
  const time = virtualTime();
  return { backoff: { baseMs: 5, capMs: 200 }, timeoutMs: 1000, now: time.now, sleep: time.sleep, ...extra };
};

/** Compares every station device with the cloud's copy: credentials and SERVER_SCOPE attributes. */
function expectCloudMatchesStation(t: TestEngine, cloud: ThingsBoardCloud, names: string[]) {
  const db = t.engine.db;
  for (const name of names) {
    const local = db
      .prepare('SELECT d.id, c.type, c.credentials_id, c.value FROM devices d JOIN credentials c ON c.device_id = d.id WHERE d.name = ?')
      .get(name) as { id: number; type: string; credentials_id: string; value: string };
    const remote = cloud.state.deviceByName(name);
    expect(remote, name).toBeDefined();
    expect(remote!.type).toBe('meters');
    const creds = cloud.state.credentials.get(remote!.id)!;
    expect(creds.credentialsType).toBe(local.type);
    expect(creds.credentialsId).toBe(local.credentials_id);
    if (local.type !== 'ACCESS_TOKEN') expect(creds.credentialsValue).toBe(local.value);
    const attrs = Object.fromEntries(
      (db.prepare("SELECT key, value FROM attributes WHERE device_id = ? AND scope = 'server'").all(local.id) as { key: string; value: string }[]).map(
        (a) => [a.key, JSON.parse(a.value)],
      ),
    );
    expect(cloud.state.serverAttributes(remote!.id)).toEqual(attrs);
    expect(cloud.stats.devicesCreatedNamed(name), name).toBe(1);
  }
}

describe('sync to ThingsBoard', () => {
  it('1,000 devices reach the cloud exactly once while it drops, fails, throttles, stalls and expires tokens', async () => {
    const { cloud, t } = await setup({ seed: 20260301 });
    const names = await provisionFleet(t, 1000);
    await addTarget(t, cloud.url);
    const every = ['getDeviceByName', 'getCredentials', 'createDevice', 'saveAttributes', 'listProfileInfos', 'login', 'refresh'] as const;
    const writes = ['createDevice', 'saveAttributes'] as const;
    cloud.faults.add({ route: [...every], probability: 0.04, action: { type: 'drop' } });
    cloud.faults.add({ route: [...writes], probability: 0.08, action: { type: 'dropAfterWrite' } });
    cloud.faults.add({ route: [...every], probability: 0.04, action: { type: 'error', status: 500 } });
    cloud.faults.add({ route: [...every], probability: 0.02, action: { type: 'error', status: 503 } });
    cloud.faults.add({ route: [...every], probability: 0.02, action: { type: 'rateLimit', retryAfter: '2' } });
    cloud.faults.add({ route: [...every], probability: 0.01, action: { type: 'rateLimit' } });
    cloud.faults.add({ route: [...every], probability: 0.03, action: { type: 'delay', ms: 25 } });
    // Slower than the client waits: the write lands, the answer never does in time.
    cloud.faults.add({ route: [...writes], probability: 0.01, action: { type: 'delay', ms: 1500, afterWrite: true } });
    cloud.faults.add({ route: [...every], probability: 0.03, action: { type: 'expireToken' } });

    const summary = await t.engine.sync.runOnce({}, fast({ timeoutMs: 400, maxTriesPerRun: 200 }));
    cloud.faults.clear();

    expect(summary).toMatchObject({ synced: 1000, conflicts: 0, errors: 0, pending: 0, ok: true });
    // The faults really fired.
    const fired = (outcome: string) => cloud.stats.answers.filter((a) => a.outcome === outcome).length;
    expect(fired('socket-destroyed')).toBeGreaterThan(50);
    expect(fired('500/2')).toBeGreaterThan(20);
    expect(fired('429/33')).toBeGreaterThan(10);
    expect(fired('401/11')).toBeGreaterThan(10);
    expect(cloud.stats.devicesCreated).toBe(1000);
    expect(cloud.state.devices.size).toBe(1000);
    expectCloudMatchesStation(t, cloud, names);
    expect((await t.call('sync.status', {})).queue).toBe(0);

    // Nothing left to do: a second run sends nothing.
    cloud.stats.reset();
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 0, ok: true });
    expect(cloud.stats.writes).toEqual([]);
  }, 120_000); // ~5,000 real HTTP requests through one process: seconds, more on a loaded machine

  it('a name conflict is reported with both sides, never overwritten, and does not hold up other devices', async () => {
    const { cloud, t } = await setup();
    const names = await provisionFleet(t, 12);
    const meters = cloud.state.profileByName('meters')!;
    cloud.state.createDeviceWithCredentials({
      device: { name: names[4], deviceProfileId: { entityType: 'DEVICE_PROFILE', id: meters.id } },
      credentials: { credentialsType: 'ACCESS_TOKEN', credentialsId: 'someone-elses-token' },
    });
    await addTarget(t, cloud.url);
    const summary = await t.engine.sync.runOnce({}, fast());
    expect(summary).toMatchObject({ synced: 11, conflicts: 1, errors: 0, pending: 0, ok: false });

    const [conflict] = await t.call('sync.devices', { state: 'conflict' });
    expect(conflict).toMatchObject({ device: names[4], target: 'tb', state: 'conflict' });
    expect(conflict!.message).toContain('different credentials');
    expect(conflict!.detail).toMatchObject({
      reason: 'different-credentials',
      cloud: { type: 'ACCESS_TOKEN' },
      local: { type: 'MQTT_BASIC', clientId: `c-${names[4]}` },
    });
    expect(JSON.stringify(conflict)).not.toContain('someone-elses-token'); // summaries, never secrets
    const remote = cloud.state.deviceByName(names[4]!)!;
    expect(cloud.state.credentials.get(remote.id)?.credentialsId).toBe('someone-elses-token');
    expect(cloud.state.serverAttributes(remote.id)).toEqual({});
    expectCloudMatchesStation(t, cloud, names.filter((n) => n !== names[4]));

    // A retry asks again; the cloud still disagrees, so it is still a conflict and still untouched.
    expect(await t.call('sync.retry', { device: names[4] })).toEqual({ retried: 1 });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ conflicts: 1, ok: false });
    expect(cloud.state.credentials.get(remote.id)?.credentialsId).toBe('someone-elses-token');
  });

  it('an expired JWT is renewed mid-sync without losing or repeating work', async () => {
    const { cloud, t } = await setup();
    const names = await provisionFleet(t, 60);
    await addTarget(t, cloud.url);
    // Revoke every token issued so far once 20 devices are in, while requests are in flight.
    void cloud.stats.until((s) => s.devicesCreated >= 20).then(() => cloud.faults.expireTokens({ access: true }));
    const summary = await t.engine.sync.runOnce({}, fast());
    expect(summary).toMatchObject({ synced: 60, ok: true });
    expect(cloud.stats.answers.some((a) => a.outcome === '401/11')).toBe(true);
    expect(cloud.stats.requests.refresh).toBeGreaterThanOrEqual(1);
    expect(cloud.stats.requests.login).toBe(1);
    expectCloudMatchesStation(t, cloud, names);
  });

  it('a wrong password stops the target with a plain message; fixing it resumes where it stopped', async () => {
    const { cloud, t } = await setup();
    const names = await provisionFleet(t, 10);
    await addTarget(t, cloud.url, { username: TENANT.username, password: 'not-the-password' });
    const summary = await t.engine.sync.runOnce({}, fast());
    expect(summary.ok).toBe(false);
    expect(summary.targets[0]).toMatchObject({ status: 'stopped', message: BAD_LOGIN_MESSAGE, counts: { pending: 10, error: 0 } });
    expect(cloud.stats.requests.login).toBe(1); // stopped at once, no hammering
    expect(cloud.stats.writes).toEqual([]);
    const [listed] = await t.call('sync.targets.list', {});
    expect(listed).toMatchObject({ status: 'stopped', message: BAD_LOGIN_MESSAGE });
    // Stopped stays stopped until a person acts.
    expect((await t.engine.sync.runOnce({}, fast())).targets[0]!.status).toBe('stopped');
    expect(cloud.stats.requests.login).toBe(1);

    expect(await t.call('sync.targets.test', { name: 'tb' })).toEqual({ ok: false, message: BAD_LOGIN_MESSAGE, draft: false });

    await addTarget(t, cloud.url); // same name and URL, right password
    expect(await t.call('sync.targets.test', { name: 'tb' })).toMatchObject({ ok: true });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 10, ok: true });
    expectCloudMatchesStation(t, cloud, names);
  });

  it('honours Retry-After on 429 for the whole target', async () => {
    const { cloud, t } = await setup();
    await provisionFleet(t, 3);
    await addTarget(t, cloud.url);
    cloud.faults.add({ route: 'createDevice', action: { type: 'rateLimit', retryAfter: '7' } });
    const time = virtualTime();
    const summary = await t.engine.sync.runOnce({}, { backoff: { baseMs: 5, capMs: 60_000 }, now: time.now, sleep: time.sleep });
    expect(summary).toMatchObject({ synced: 3, ok: true });
    // The worker slept until the server's time was up (less what the in-flight requests took), and only then retried.
    const longest = Math.max(...time.sleeps);
    expect(longest).toBeGreaterThan(6000);
    expect(longest).toBeLessThanOrEqual(7000);
    expect(cloud.stats.devicesCreated).toBe(3);
  });

  it('offline: waits quietly, probes, and resumes by itself; --once reports it instead of waiting', async () => {
    const { cloud, t } = await setup();
    const names = await provisionFleet(t, 30);
    await addTarget(t, cloud.url);
    let offline = true;
    let refused = 0;
    const flaky: typeof fetch = async (input, init) => {
      if (offline) {
        refused += 1;
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      }
      return fetch(input, init);
    };
    const once = await t.engine.sync.runOnce({}, fast({ fetch: flaky }));
    expect(once.ok).toBe(false);
    expect(once.targets[0]).toMatchObject({ status: 'offline', counts: { pending: 30, error: 0 } });
    expect(once.targets[0]!.message).toContain('cannot be reached');
    const devices = await t.call('sync.devices', {});
    expect(devices.every((d) => d.state === 'pending' && d.attempts === 0)).toBe(true); // not the devices' fault

    const lines: string[] = [];
    const writer = createStationWriter(t.engine.db);
    const service = createSyncService({ db: t.engine.db, bus: t.engine.bus, keys: t.engine.keys, log: (l) => lines.push(l), webhookJobs: webhookJobsOn(writer) });
    const time = virtualTime();
    const worker = service.startBackground({ fetch: flaky, now: time.now, sleep: time.sleep, probeBackoff: { baseMs: 1000, capMs: 8000 } });
    // Probes are single requests, spaced out; come back online after a few.
    for (let i = 0; i < 200 && refused < 6; i += 1) await new Promise((r) => setImmediate(r));
    expect(refused).toBeGreaterThanOrEqual(6);
    const probeGaps = time.sleeps.filter((ms) => ms >= 1000);
    expect(probeGaps.length).toBeGreaterThanOrEqual(3);
    // The live `sync` event says when the station has recorded every confirmation.
    const allSynced = new Promise<void>((resolve) => {
      const off = t.engine.bus.subscribe((e) => {
        if (e.type === 'sync' && e.progress.counts.synced === 30) {
          off();
          resolve();
        }
      });
    });
    offline = false;
    await allSynced;
    await worker.stop();
    await writer.close();
    // The station already knew it was offline (the --once run above): no line per failed probe, one when it is back.
    expect(lines.filter((l) => l.includes('cannot be reached'))).toHaveLength(0);
    expect(lines.filter((l) => l.includes('reachable again'))).toHaveLength(1);
    expect((await t.call('sync.targets.list', {}))[0]).toMatchObject({ status: 'idle', counts: { synced: 30 } });
    expectCloudMatchesStation(t, cloud, names);
  });

  it('keeps the target password encrypted at rest and never returns it', async () => {
    const { cloud, t } = await setup();
    const password = 'correct-horse-battery-staple';
    await addTarget(t, cloud.url, { username: 'ops@example.com', password });
    const [listed] = await t.call('sync.targets.list', {});
    expect(listed).toMatchObject({ name: 'tb', auth: 'password', username: 'ops@example.com' });
    expect(JSON.stringify(await t.call('sync.status', {}))).not.toContain(password);
    t.engine.db.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(join(t.dataDir, 'station.db')).toString('latin1')).not.toContain(password);
    const sealed = t.engine.db.prepare('SELECT secret_box FROM sync_targets').pluck().get() as string;
    expect(sealed).toMatch(/^v1\./);
  });
});
