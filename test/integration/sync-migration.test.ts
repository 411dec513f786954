import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../electron/station/store/database.ts';
import { createStationKeys } from '../../electron/station/keys.ts';
import { createEventBus } from '../../electron/station/event-bus.ts';
import { createStationWriter, webhookJobsOn } from '../../electron/station/station-writer.ts';
import { createSyncService } from '../../electron/station/sync/worker.ts';
import { tempDir } from '../support/engine.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts';

// Migration 0004 (sync) on a station that provisioned devices before sync existed, and the cross-process lease.

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function oldStation() {
  const file = join(tempDir(), 'station.db');
  const old = openDatabase(file, { upTo: 3 });
  old.prepare(`INSERT INTO profiles (name, provision_key, provision_secret, strategy, created_at, updated_at)
    VALUES ('meters', 'k', 's', 'allow-create', 1, 1)`).run();
  old.prepare("INSERT INTO devices (name, profile_id, state, provisioned_at, provisioned_via, created_at) VALUES ('old-1', 1, 'provisioned', 5, 'http', 1)").run();
  old.prepare("INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (1, 'ACCESS_TOKEN', 'tok-old-1', 'tok-old-1')").run();
  old.prepare(`INSERT INTO outbox (device_id, kind, payload, created_at) VALUES (1, 'device.provisioned', '{"name":"old-1","via":"http"}', 5)`).run();
  old.close();
  const db = openDatabase(file);
  cleanups.push(() => db.close());
  // The station's writer thread on the same file, where webhook batches are formed and recorded.
  const writer = createStationWriter(db);
  cleanups.push(() => writer.close());
  return { db, webhookJobs: webhookJobsOn(writer) };
}

describe('sync migration and lease', () => {
  it('upgrades a schema-3 station; devices provisioned before sync existed are synced by a target added later', async () => {
    const { db, webhookJobs } = oldStation();
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(4);
    const receiver: WebhookReceiver = await startWebhookReceiver('migration-secret-123');
    cleanups.push(() => receiver.close());
    const sync = createSyncService({ db, bus: createEventBus(), keys: createStationKeys(Buffer.alloc(32, 7)), log: () => {}, webhookJobs });
    sync.targets.add({ name: 'hook', type: 'webhook', url: receiver.url, secret: 'migration-secret-123' });
    expect(await sync.runOnce()).toMatchObject({ synced: 1, ok: true });
    expect([...receiver.events.values()][0]).toMatchObject({ kind: 'device.provisioned', device: { name: 'old-1', credentials: { token: 'tok-old-1' } } });
  });

  it('a target is drained by one process at a time; a holder that died is taken over at once', async () => {
    const { db, webhookJobs } = oldStation();
    const receiver = await startWebhookReceiver('lease-secret-12345');
    cleanups.push(() => receiver.close());
    // `sync --once` waits a while for the holder's round: a clock that jumps when it sleeps makes that wait free.
    let skew = 0;
    const now = () => Date.now() + skew;
    const sleep = async (ms: number) => {
      skew += ms;
      await new Promise((r) => setImmediate(r));
    };
    const sync = createSyncService({ db, bus: createEventBus(), keys: createStationKeys(Buffer.alloc(32, 9)), log: () => {}, webhookJobs }, { now, sleep });
    const { target } = sync.targets.add({ name: 'hook', type: 'webhook', url: receiver.url, secret: 'lease-secret-12345' });
    const hold = db.prepare('UPDATE sync_targets SET lease_owner = ?, lease_until = ? WHERE id = ?');

    // A live process on this machine (our parent) holds it: we stay out.
    hold.run(`${hostname()}:${process.ppid}:abcd`, now() + 600_000, target.id);
    const blocked = await sync.runOnce();
    expect(blocked.ok).toBe(false);
    expect(blocked.targets[0]!.message).toMatch(/another Fieldstation process .* is syncing hook/);
    expect(receiver.requests).toHaveLength(0);

    // Its holder is gone (no such pid): taken over without waiting for the lease to run out.
    hold.run(`${hostname()}:2147483646:abcd`, Date.now() + 60_000, target.id);
    expect(await sync.runOnce()).toMatchObject({ synced: 1, ok: true });
    expect(db.prepare('SELECT lease_owner FROM sync_targets').pluck().get()).toBeNull();
  });
});
