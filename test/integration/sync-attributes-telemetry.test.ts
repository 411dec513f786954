import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../electron/station/engine.ts';
import { TELEMETRY_CHUNK } from '../../electron/station/sync/telemetry.ts';
import type { SyncOptions } from '../../electron/station/sync/worker.ts';
import { cliPath, runCliAsync } from '../support/cli.ts';
import { type TestEngine, callAsOwner, openTestEngine, tempDir } from '../support/engine.ts';
import { buildSite, recordReadings, stationView } from '../support/site-fleet.ts';
import { type ThingsBoardCloud, startThingsBoardCloud } from '../support/thingsboard-cloud.ts';
import { type WebhookReceiver, startWebhookReceiver } from '../support/webhook-receiver.ts';

// Results reach the cloud with the device: shared attributes (profile, batch and device level merged), server
// attributes and every telemetry point with the timestamp the device recorded it at, exactly once, whatever the
// cloud does and however often the sync is killed; the webhook and the file bundle carry the same.

const TENANT = { username: 'tenant@thingsboard.org', password: 'tenant' };
const engines: TestEngine[] = [];
const clouds: ThingsBoardCloud[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all([...clouds.splice(0), ...receivers.splice(0)].map((c) => c.close()));
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

const open = () => {
  const t = openTestEngine();
  engines.push(t);
  return t;
};

async function cloudFor() {
  const cloud = await startThingsBoardCloud({ profiles: ['meters'], seed: 20260311 });
  clouds.push(cloud);
  return cloud;
}

/** Backoffs and Retry-After cost no real time: the worker's clock jumps when it sleeps. */
function fast(extra: SyncOptions = {}): SyncOptions {
  let skew = 0;
  return {
    backoff: { baseMs: 5, capMs: 200 },
    timeoutMs: 1000,
    maxTriesPerRun: 200,
    now: () => Date.now() + skew,
    sleep: async (ms: number) => {
      skew += ms;
      await new Promise((r) => setImmediate(r));
    },
    ...extra,
  };
}

/** Every device once in the cloud, with the station's server and shared attributes and every telemetry point. */
function expectCloudHoldsSite(engine: TestEngine['engine'], cloud: ThingsBoardCloud, names: string[], createdHere = true) {
  let points = 0;
  for (const name of names) {
    const local = stationView(engine, name);
    const remote = cloud.state.deviceByName(name);
    expect(remote, name).toBeDefined();
    if (createdHere) expect(cloud.stats.devicesCreatedNamed(name), name).toBe(1);
    expect(cloud.state.serverAttributes(remote!.id), name).toEqual(local.attributes.server);
    expect(cloud.state.sharedAttributesOf(remote!.id), name).toEqual(local.attributes.shared);
    const stored = new Map(cloud.state.pointsOf(remote!.id).map((p) => [`${p.key}@${p.ts}`, p.value]));
    expect(stored, name).toEqual(local.points);
    points += local.points.size;
  }
  expect(cloud.state.devices.size).toBe(names.length);
  // Distinct (device, key, ts) points: nothing stored twice, nothing invented.
  expect(cloud.state.pointCount).toBe(points);
  return points;
}

describe('sync of attributes and telemetry to ThingsBoard', () => {
  it('50 devices: each once, with merged shared and server attributes and every point at its own ts, under faults', async () => {
    const t = open();
    const names = await buildSite(t.engine, { devices: 50, readings: 40, longHistory: 900 });
    const dev0 = stationView(t.engine, names[0]!);
    expect(dev0.attributes.shared).toEqual({ fw: '1.0.0', interval: 5, mode: 'eco', site: 'north', tuned: { by: 'kim' } });
    expect(stationView(t.engine, names[1]!).attributes.shared).toEqual({ fw: '1.0.0', interval: 60, mode: 'eco' });
    expect(dev0.points.size).toBeGreaterThan(2 * TELEMETRY_CHUNK); // several requests for one device

    const cloud = await cloudFor();
    await t.call('sync.targets.add', { name: 'tb', type: 'thingsboard', url: cloud.url, ...TENANT });
    const every = ['getDeviceByName', 'getCredentials', 'createDevice', 'saveAttributes', 'saveTelemetry', 'listProfileInfos'] as const;
    cloud.faults.add({ route: [...every], probability: 0.05, action: { type: 'drop' } });
    // Applied, answer lost: the station must send those points again, and the cloud must not store them twice.
    cloud.faults.add({ route: ['createDevice', 'saveAttributes', 'saveTelemetry'], probability: 0.1, action: { type: 'dropAfterWrite' } });
    cloud.faults.add({ route: [...every], probability: 0.05, action: { type: 'error', status: 503 } });
    cloud.faults.add({ route: [...every], probability: 0.03, action: { type: 'rateLimit', retryAfter: '1' } });
    cloud.faults.add({ route: [...every], probability: 0.03, action: { type: 'expireToken' } });

    const summary = await t.engine.sync.runOnce({}, fast());
    cloud.faults.clear();
    expect(summary).toMatchObject({ synced: 50, conflicts: 0, errors: 0, pending: 0, ok: true });
    expect(cloud.stats.outcomes('saveTelemetry', 'socket-destroyed')).toBeGreaterThan(0); // the faults hit telemetry too
    const points = expectCloudHoldsSite(t.engine, cloud, names);
    expect(cloud.stats.telemetryPointsAdded).toBe(points);
    expect(cloud.stats.telemetryPointsReceived).toBeGreaterThan(points); // repeats arrived and changed nothing
    // Client attributes are the device's own report: ThingsBoard takes them only from the device.
    expect(cloud.stats.writes.filter((w) => w.kind === 'attributes').every((w) => w.scope !== ('CLIENT_SCOPE' as string))).toBe(true);
    expect((await t.call('sync.status', {})).queue).toBe(0);

    // Nothing new: a second run sends nothing.
    cloud.stats.reset();
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 0, ok: true });
    expect(cloud.stats.writes).toEqual([]);

    // New readings of five devices: they are not "synced" until delivered, and go straight to their timeseries.
    for (const i of [3, 11, 20, 33, 49]) await recordReadings(t.engine, names[i]!, i, 1000, 7);
    const [target] = await t.call('sync.targets.list', {});
    expect(target!.counts).toMatchObject({ synced: 45, pending: 5 });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 5, pending: 0, ok: true });
    expect(cloud.stats.requests).toMatchObject({ getDeviceByName: 0, createDevice: 0, saveAttributes: 0, saveTelemetry: 5 });
    expect(cloud.stats.telemetryPointsAdded).toBe(5 * 7 * 3);
    expectCloudHoldsSite(t.engine, cloud, names, false);
  }, 120_000);

  it('SIGKILL in the middle of sending telemetry, then again to the end: no point twice, little sent twice', async () => {
    const cloud = await cloudFor();
    const dataDir = tempDir();
    const engine = openEngine({ dataDir });
    const names = await buildSite(engine, { devices: 50, readings: 400 });
    await callAsOwner(engine)('sync.targets.add', { name: 'cloud', type: 'thingsboard', url: cloud.url, ...TENANT });
    await engine.close();
    const total = 50 * 400 * 3;
    // A slow cloud, so the kill lands while chunks are in flight: some applied and answered late, some not yet applied.
    cloud.faults.add({ route: 'saveTelemetry', probability: 0.5, action: { type: 'delay', ms: 40, afterWrite: true } });
    cloud.faults.add({ route: 'saveTelemetry', probability: 1, action: { type: 'delay', ms: 40 } });

    const child = spawn(process.execPath, [cliPath, 'sync', '--once', '--data', dataDir], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await cloud.stats.until((s) => s.telemetryPointsAdded >= total / 3);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(cloud.state.pointCount).toBeLessThan(total);

    const again = await runCliAsync(['sync', '--once', '--data', dataDir]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('conflicts 0, errors 0, waiting 0');
    cloud.faults.clear();
    const check = openEngine({ dataDir });
    try {
      expect(expectCloudHoldsSite(check, cloud, names)).toBe(total);
    } finally {
      await check.close();
    }
    // Resumed from the confirmed chunks: only what was in flight at the kill went twice (8 deliveries at a time).
    expect(cloud.stats.telemetryPointsReceived - total).toBeLessThanOrEqual(8 * TELEMETRY_CHUNK);
    const list = await runCliAsync(['sync', 'target', 'list', '--json', '--data', dataDir]);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ counts: { synced: 50, pending: 0 } });
  }, 120_000);
});

describe('attributes and telemetry to a webhook and in a bundle', () => {
  it('webhook batches carry shared, server and client attributes and every point, a long history over several batches', async () => {
    const t = open();
    const names = await buildSite(t.engine, { devices: 20, readings: 150 });
    const receiver = await startWebhookReceiver('whsec-0123456789abcdef');
    receivers.push(receiver);
    await t.call('sync.targets.add', { name: 'hook', type: 'webhook', url: receiver.url, secret: 'whsec-0123456789abcdef' });
    receiver.plan.push({ type: 'status', status: 503 }, { type: 'dropAfterProcessing' });

    const summary = await t.engine.sync.runOnce({}, { ...fast(), batchSize: 100, concurrency: 2 });
    expect(summary).toMatchObject({ synced: 20, pending: 0, ok: true });
    expect(receiver.requests.every((r) => r.valid)).toBe(true);
    // 9,000 values with at most 5,000 per batch: the telemetry needed more than one batch.
    expect(new Set(receiver.requests.map((r) => r.key)).size).toBeGreaterThan(1);
    const byName = new Map([...receiver.events.values()].map((e) => [e.device.name as string, e.device]));
    for (const name of names) {
      const local = stationView(t.engine, name);
      expect(byName.get(name), name).toMatchObject({
        serverAttributes: local.attributes.server,
        sharedAttributes: local.attributes.shared,
        clientAttributes: local.attributes.client,
      });
      expect(receiver.telemetry.get(name), name).toEqual(local.points);
    }
    expect(receiver.telemetryReceived).toBe(20 * 150 * 3); // each point in exactly one processed batch

    // A new reading: the device waits until a batch carried it.
    await recordReadings(t.engine, names[4]!, 4, 500, 1);
    expect((await t.call('sync.targets.list', {}))[0]!.counts).toMatchObject({ synced: 19, pending: 1 });
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 1, ok: true });
    expect(receiver.telemetry.get(names[4]!)).toEqual(stationView(t.engine, names[4]!).points);
  });

  it('a bundle carries the attributes of every level and the telemetry; import restores them, merges newer readings once', async () => {
    const site = open();
    const names = await buildSite(site.engine, { devices: 6, readings: 25 });
    const bundle = await site.call('sync.bundle.export', {});

    const fresh = open();
    const first = await fresh.call('sync.bundle.import', { text: bundle.text, fingerprint: bundle.fingerprint });
    expect(first).toMatchObject({ imported: 6, conflicts: [], telemetry: 6 * 25 * 3 });
    for (const name of names) {
      const there = stationView(site.engine, name);
      const here = stationView(fresh.engine, name);
      expect(here.attributes, name).toEqual(there.attributes);
      expect(here.points, name).toEqual(there.points);
    }
    expect(await fresh.call('sync.bundle.import', { text: bundle.text })).toMatchObject({ imported: 0, present: 6, telemetry: 0 });

    // Later at the site: two more readings of one device. The newer bundle adds just those.
    await recordReadings(site.engine, names[2]!, 2, 100, 2);
    const newer = await site.call('sync.bundle.export', {});
    expect(await fresh.call('sync.bundle.import', { text: newer.text })).toMatchObject({ present: 6, telemetry: 6 });
    expect(stationView(fresh.engine, names[2]!).points).toEqual(stationView(site.engine, names[2]!).points);

    // The importing station syncs all of it.
    const cloud = await cloudFor();
    await fresh.call('sync.targets.add', { name: 'tb', type: 'thingsboard', url: cloud.url, ...TENANT });
    expect(await fresh.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 6, ok: true });
    expectCloudHoldsSite(fresh.engine, cloud, names);
  });
});
