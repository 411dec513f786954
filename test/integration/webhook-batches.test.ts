import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../electron/station/store/database.ts';
import { createBatches } from '../../electron/station/sync/batches.ts';
import { createDeliveries } from '../../electron/station/sync/deliveries.ts';
import { openTestDatabase } from '../support/database.ts';

// Issue 13: a confirmed webhook batch acknowledges its devices through what its stored row covers, read in SQL.
// What it covered is what the target has: a device that changed after the batch was formed stays due, and a batch
// stored before Fieldstation sent telemetry (two numbers a device) confirms no telemetry.
describe('confirming a webhook batch', () => {
  let db: Db;
  let close: () => void;
  beforeEach(() => {
    ({ db, close } = openTestDatabase('fieldstation-webhook-batches-'));
    db.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, state, created_at) VALUES (1, 'a', 1, 'provisioned', 1), (2, 'b', 1, 'provisioned', 1),
        (3, 'c', 1, 'provisioned', 1);
      INSERT INTO sync_targets (id, name, type, url, auth_kind, secret_box, created_at, updated_at)
        VALUES (1, 'hook', 'webhook', 'http://127.0.0.1:1/', 'hmac', 'v1.x.y.z', 1, 1);
      INSERT INTO sync_devices (target_id, device_id, state, wanted_through, telemetry_wanted, attempts, message, updated_at) VALUES
        (1, 1, 'pending', 5, 3, 2, 'answered 503', 1), (1, 2, 'pending', 4, 0, 0, NULL, 1), (1, 3, 'pending', 7, 0, 0, NULL, 1);`);
  });
  afterEach(() => close());

  const rows = () =>
    db.prepare('SELECT device_id, state, acked_through, telemetry_acked, attempts, message, batch_id FROM sync_devices ORDER BY device_id').all();

  it('acknowledges each device through what the batch covered, frees it, and forgets the batch', () => {
    const deliveries = createDeliveries(db);
    const batches = createBatches(db, deliveries);
    const formed = batches.form(1, [[1, 5, 3], [2, 4, 0]], () => '{"type":"fieldstation.sync"}', 10);
    expect(rows()).toMatchObject([{ device_id: 1, batch_id: formed.id }, { device_id: 2, batch_id: formed.id }, { device_id: 3, batch_id: null }]);
    // After forming, device 1 records something new (the outbox spread raises what the target must learn).
    db.prepare('UPDATE sync_devices SET wanted_through = 6 WHERE device_id = 1').run();

    batches.confirm(1, { id: formed.id }, 20);
    expect(rows()).toEqual([
      { device_id: 1, state: 'pending', acked_through: 5, telemetry_acked: 3, attempts: 0, message: null, batch_id: null },
      { device_id: 2, state: 'synced', acked_through: 4, telemetry_acked: 0, attempts: 0, message: null, batch_id: null },
      { device_id: 3, state: 'pending', acked_through: 0, telemetry_acked: 0, attempts: 0, message: null, batch_id: null },
    ]);
    expect(db.prepare('SELECT count(*) FROM sync_batches').pluck().get()).toBe(0);
  });

  it('a batch stored before telemetry (two numbers a device) confirms the entries and no telemetry', () => {
    db.exec(`UPDATE sync_devices SET telemetry_wanted = 2 WHERE device_id = 3;
      INSERT INTO sync_batches (id, target_id, idempotency_key, body, covers, created_at) VALUES (9, 1, 'key-9', '{}', '[[3,7]]', 1);
      UPDATE sync_devices SET batch_id = 9 WHERE device_id = 3;`);
    createBatches(db, createDeliveries(db)).confirm(1, { id: 9 }, 20);
    expect(rows()[2]).toEqual({ device_id: 3, state: 'pending', acked_through: 7, telemetry_acked: 0, attempts: 0, message: null, batch_id: null });
  });
});
