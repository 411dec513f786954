import { afterEach, describe, expect, it } from 'vitest';
import type { RequestOrigin } from '../../electron/station/provisioning/types.ts';
import { createStationWriter, webhookJobsOn } from '../../electron/station/station-writer.ts';
import { createSyncService } from '../../electron/station/sync/worker.ts';
import { type TestEngine, openTestEngine } from '../support/engine.ts';
import { type WebhookReceiver, startWebhookReceiver } from '../support/webhook-receiver.ts';

// Sync to a webhook: signed JSON batches the receiver can check with node:crypto alone, each batch under one
// Idempotency-Key however often (and after however many restarts) it is sent.

const origin: RequestOrigin = { transport: 'mqtt', remoteAddress: '127.0.0.8' };
const SECRET = 'whsec-0123456789abcdef';

const engines: TestEngine[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
  await Promise.all(engines.splice(0).map((e) => e.close()));
});

async function setup(devices: number) {
  const receiver = await startWebhookReceiver(SECRET);
  receivers.push(receiver);
  const t = openTestEngine();
  engines.push(t);
  await t.call('profiles.add', { name: 'meters', provisionDeviceKey: 'mk', provisionDeviceSecret: 'ms', strategy: 'allow-create' });
  const names = Array.from({ length: devices }, (_, i) => `hook-${String(i).padStart(3, '0')}`);
  const replies = await Promise.all(
    names.map((deviceName, i) => {
      const extra = i % 2 === 0 ? { token: `tok-${deviceName}` } : { credentialsType: 'MQTT_BASIC', clientId: `c-${deviceName}`, username: `u-${deviceName}`, password: 'pw' };
      const d = t.service.decode({ provisionDeviceKey: 'mk', provisionDeviceSecret: 'ms', deviceName, ...extra });
      if (!d.ok) throw new Error(d.message);
      return t.service.provision(d.request, origin);
    }),
  );
  expect(replies.every((r) => r.status === 'SUCCESS')).toBe(true);
  await t.call('sync.targets.add', { name: 'hook', type: 'webhook', url: receiver.url, secret: SECRET });
  return { receiver, t, names };
}

/** Backoffs cost no real time: the worker's clock jumps when it sleeps. */
function fast() {
  let skew = 0;
  return {
    backoff: { baseMs: 5, capMs: 100 },
    now: () => Date.now() + skew,
    sleep: async (ms: number) => {
      skew += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('sync to a webhook', () => {
  it('delivers signed batches; retries after 5xx, 429 and lost answers reuse the key and the bytes', async () => {
    const { receiver, t, names } = await setup(250);
    receiver.plan.push(
      { type: 'status', status: 503 },
      { type: 'dropAfterProcessing' }, // applied, answer lost: the retry is answered 409 = confirmed
      { type: 'status', status: 429, retryAfter: '1' },
      { type: 'status', status: 500 },
    );
    const summary = await t.engine.sync.runOnce({}, { ...fast(), batchSize: 100, concurrency: 2 });
    expect(summary).toMatchObject({ synced: 250, conflicts: 0, errors: 0, pending: 0, ok: true });

    expect(receiver.requests.every((r) => r.valid)).toBe(true);
    // Three batches (100 + 100 + 50); every retry of one carried its key and its exact body.
    const byKey = new Map<string, Set<string>>();
    for (const r of receiver.requests) byKey.set(r.key, (byKey.get(r.key) ?? new Set()).add(r.body));
    expect(byKey.size).toBe(3);
    for (const bodies of byKey.values()) expect(bodies.size).toBe(1);
    expect(receiver.requests.length).toBe(3 + 4);
    expect(receiver.requests.filter((r) => r.answered === 409)).toHaveLength(1);

    // Every device once, with its credentials and server attributes.
    expect(receiver.events.size).toBe(250);
    const seen = new Map([...receiver.events.values()].map((e) => [e.device.name as string, e]));
    expect([...seen.keys()].sort()).toEqual(names);
    expect(seen.get('hook-000')).toMatchObject({
      kind: 'device.provisioned',
      device: { profile: 'meters', credentials: { type: 'ACCESS_TOKEN', token: 'tok-hook-000' }, serverAttributes: { provisionState: 'provisioned' } },
    });
    expect(seen.get('hook-001')!.device.credentials).toEqual({ type: 'MQTT_BASIC', clientId: 'c-hook-001', userName: 'u-hook-001', password: 'pw' });
    // Within a batch, events are in outbox order (across batches only each device's own order is promised).
    for (const r of receiver.requests) {
      const ids = (JSON.parse(r.body) as { events: { id: number }[] }).events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('a batch keeps its Idempotency-Key across a restart of the station', async () => {
    const { receiver, t } = await setup(5);
    receiver.plan.push({ type: 'status', status: 503 });
    const first = await t.engine.sync.runOnce({}, { ...fast(), maxTriesPerRun: 1 });
    expect(first).toMatchObject({ synced: 0, pending: 5, ok: false });
    const key = receiver.requests[0]!.key;

    // A new worker and writer thread on the same database, as after a crash and restart.
    const writer = createStationWriter(t.engine.db);
    try {
      const restarted = createSyncService({ db: t.engine.db, bus: t.engine.bus, keys: t.engine.keys, log: () => {}, webhookJobs: webhookJobsOn(writer) });
      expect(await restarted.runOnce({}, fast())).toMatchObject({ synced: 5, ok: true });
    } finally {
      await writer.close();
    }
    expect(receiver.requests.map((r) => r.key)).toEqual([key, key]);
    expect(receiver.requests[1]!.body).toBe(receiver.requests[0]!.body);
    expect(receiver.events.size).toBe(5);
  });

  it('a device provisioned again later is sent again, after its first delivery', async () => {
    const { receiver, t } = await setup(3);
    await t.engine.sync.runOnce({}, fast());
    const id = t.engine.db.prepare("SELECT id FROM devices WHERE name = 'hook-001'").pluck().get() as number;
    t.engine.db.prepare("INSERT INTO outbox (device_id, kind, payload, created_at) VALUES (?, 'device.updated', '{}', 1)").run(id);
    expect(await t.engine.sync.runOnce({}, fast())).toMatchObject({ synced: 1, ok: true });
    expect([...receiver.events.values()].map((e) => `${e.kind}:${e.device.name}`)).toEqual([
      'device.provisioned:hook-000',
      'device.provisioned:hook-001',
      'device.provisioned:hook-002',
      'device.updated:hook-001',
    ]);
  });

  it('a receiver with another secret stops the target with a plain message', async () => {
    const { receiver, t } = await setup(2);
    await t.call('sync.targets.remove', { name: 'hook' });
    await t.call('sync.targets.add', { name: 'hook', type: 'webhook', url: receiver.url, secret: 'not-the-receivers-secret' });
    const summary = await t.engine.sync.runOnce({}, fast());
    expect(summary.targets[0]).toMatchObject({ status: 'stopped', counts: { pending: 2 } });
    expect(summary.targets[0]!.message).toMatch(/answered 401.*same secret/);
    expect(receiver.events.size).toBe(0);
    expect(await t.call('sync.targets.test', { name: 'hook' })).toMatchObject({ ok: false });
  });
});
