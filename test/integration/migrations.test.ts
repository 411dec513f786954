import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine } from '../../electron/station/engine.ts';
import { openDatabase, schemaVersion } from '../../electron/station/store/database.ts';
import { migrations } from '../../electron/station/store/migrations/index.ts';
import { createBatches } from '../../electron/station/provisioning/batches.ts';
import { createProfiles } from '../../electron/station/provisioning/profiles.ts';
import { createStation } from '../../electron/station/station.ts';
import { tempDir } from '../support/engine.ts';

type Db = ReturnType<typeof openDatabase>;

/** How SQLite would run `sql`: the plan's lines, joined. */
const plan = (db: Db, sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join(' ');

/** An index's CREATE statement as stored (its WHERE clause shows whether it is partial), or undefined. */
const indexSql = (db: Db, name: string) => db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name);

describe('store migrations', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanups.splice(0)) c();
  });

  it('are numbered 1..n without gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('upgrade a database at schema 1 and keep its rows', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 1 });
    expect(schemaVersion(old)).toBe(1);
    old.prepare(`INSERT INTO profiles (name, provision_key, provision_secret, strategy, created_at, updated_at)
      VALUES ('meters', 'k', 's', 'allow-create', 1, 1)`).run();
    old.prepare("INSERT INTO devices (name, profile_id, created_at) VALUES ('m-1', 1, 1)").run();
    expect(() => old.prepare('SELECT * FROM telemetry_latest').all()).toThrow(/no such table/);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.prepare('SELECT name FROM devices').pluck().all()).toEqual(['m-1']);
    db.prepare("INSERT INTO telemetry_latest (device_id, key, value, ts) VALUES (1, 't', '1', 1)").run();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('rebuild the attributes table at schema 16 keeping every attribute, still removed with its device', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 15 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, created_at) VALUES (7, 'm-7', 1, 1), (8, 'm-8', 1, 1);
      INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES
        (7, 'server', 'floor', '"2"', 1), (7, 'shared', 'interval', '60', 2), (8, 'client', 'fw', '"1.0"', 3);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(db.prepare('SELECT device_id, scope, key, value, updated_at FROM attributes ORDER BY device_id, scope, key').all()).toEqual([
      { device_id: 7, scope: 'server', key: 'floor', value: '"2"', updated_at: 1 },
      { device_id: 7, scope: 'shared', key: 'interval', value: '60', updated_at: 2 },
      { device_id: 8, scope: 'client', key: 'fw', value: '"1.0"', updated_at: 3 },
    ]);
    expect(() => db.prepare("INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (7, 'server', 'floor', '1', 4)").run()).toThrow(/UNIQUE/);
    expect(() => db.prepare("INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (99, 'server', 'x', '1', 4)").run()).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM devices WHERE id = 7').run();
    expect(db.prepare('SELECT device_id FROM attributes').pluck().all()).toEqual([8]);
  });

  it('rebuild the devices table at schema 7 without losing what points at a device', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 6 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, state, created_at, installed_at, location_note)
        VALUES (7, 'm-7', 1, 'online', 1, 5, 'boiler room');
      INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (7, 'ACCESS_TOKEN', 'tok-7', 'tok-7');
      INSERT INTO telemetry_latest (device_id, key, value, ts) VALUES (7, 't', '1', 1);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(db.prepare('SELECT name, state, installed_at, location_note FROM devices').all()).toEqual([
      { name: 'm-7', state: 'online', installed_at: 5, location_note: 'boiler room' },
    ]);
    db.prepare("UPDATE devices SET state = 'offline' WHERE id = 7").run();
    expect(() => db.prepare("UPDATE devices SET state = 'lost' WHERE id = 7").run()).toThrow(/CHECK constraint/);
    // The credentials' reference to the rebuilt table still cascades.
    db.prepare('DELETE FROM devices WHERE id = 7').run();
    expect(db.prepare('SELECT count(*) FROM credentials').pluck().get()).toBe(0);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('at schema 12, devices from before have no import (nothing to undo) and removing one cascades by index', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 11 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO batches (id, name, profile_id, created_at) VALUES (1, 'plant', 1, 1);
      INSERT INTO devices (id, name, profile_id, batch_id, created_at) VALUES (3, 'm-3', 1, 1, 1);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(db.prepare('SELECT name, import_id FROM devices').all()).toEqual([{ name: 'm-3', import_id: null }]);
    expect(db.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(0);
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM sync_devices WHERE device_id = 3').all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('sync_devices_device');
  });

  it('at schema 13, only labels a printer took count as printed; earlier downloads stay downloads', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 12 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, created_at) VALUES (3, 'm-3', 1, 1);
      INSERT INTO onboarding_tokens (id, key, protection, profile_id, device_id, created_at) VALUES (5, 'ABCDEFGHJK', 'derived', 1, 3, 1);
      INSERT INTO label_prints (device_id, token_id, template, payload_kind, output, printed_at) VALUES
        (3, 5, 'avery-5160', 'token', 'pdf', 10), (3, 5, 'zebra-2x1', 'token', 'zpl', 20), (3, 5, 'zebra-2x1', 'token', 'printer', 30);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(db.prepare('SELECT output, printed, job FROM label_prints ORDER BY printed_at').all()).toEqual([
      { output: 'pdf', printed: 0, job: null },
      { output: 'zpl', printed: 0, job: null },
      { output: 'printer', printed: 1, job: null },
    ]);
  });

  it('at schema 14, batches from before print their labels in English, and a new batch can print in German', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 13 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO batches (id, name, site, profile_id, created_at) VALUES (1, 'plant', 'Köln', 1, 1);`);
    expect(() => old.prepare('SELECT language FROM batches').all()).toThrow(/no such column/);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(createBatches(db, createProfiles(db)).get('plant')).toMatchObject({ name: 'plant', site: 'Köln', language: 'en' });
    const created = createBatches(db, createProfiles(db)).create({ name: 'hall', site: '', profile: 'meters', notes: '', language: 'de' });
    expect(created.language).toBe('de');
  });

  it('at schema 17, batch and import lookups still use an index, and deleting an import or a batch still keeps its rules', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 16 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO batches (id, name, profile_id, created_at) VALUES (1, 'plant', 1, 1), (2, 'empty', 1, 1);
      INSERT INTO imports (id, batch_id, profile_id, created, updated, unchanged, at) VALUES (4, 1, 1, 1, 0, 0, 1);
      INSERT INTO devices (id, name, profile_id, batch_id, import_id, state, created_at) VALUES
        (3, 'm-3', 1, 1, 4, 'pending', 1), (5, 'walk-in', 1, NULL, NULL, 'provisioned', 1);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    // What the migration is for: a device without a batch or an import writes no entry in those indexes, and no
    // state index is kept up at every state change.
    expect(indexSql(db, 'devices_batch')).toMatch(/WHERE batch_id IS NOT NULL/);
    expect(indexSql(db, 'devices_import')).toMatch(/WHERE import_id IS NOT NULL/);
    expect(indexSql(db, 'devices_state')).toBeUndefined();
    expect(plan(db, 'SELECT id FROM devices WHERE batch_id = 1')).toContain('devices_batch');
    expect(plan(db, 'SELECT id FROM devices WHERE import_id = 4')).toContain('devices_import');
    expect(db.prepare('SELECT name FROM devices WHERE batch_id = 1').pluck().all()).toEqual(['m-3']);
    expect(db.prepare("SELECT name FROM devices WHERE state = 'provisioned'").pluck().all()).toEqual(['walk-in']);
    // A batch that still has devices cannot go; an empty one can; an import's devices forget it when it goes.
    expect(() => db.prepare('DELETE FROM batches WHERE id = 1').run()).toThrow(/FOREIGN KEY/);
    expect(db.prepare('DELETE FROM batches WHERE id = 2').run().changes).toBe(1);
    db.prepare('DELETE FROM imports WHERE id = 4').run();
    expect(db.prepare('SELECT name, batch_id, import_id FROM devices ORDER BY id').all()).toEqual([
      { name: 'm-3', batch_id: 1, import_id: null },
      { name: 'walk-in', batch_id: null, import_id: null },
    ]);
  });

  it('at schema 18, sync problems and batches are still found by index, and a removed batch still frees its devices', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 17 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, state, created_at) VALUES (1, 'a', 1, 'provisioned', 1), (2, 'b', 1, 'provisioned', 1),
        (3, 'c', 1, 'provisioned', 1);
      INSERT INTO sync_targets (id, name, type, url, auth_kind, secret_box, created_at, updated_at)
        VALUES (1, 'hook', 'webhook', 'http://127.0.0.1:1/', 'hmac', 'v1.x.y.z', 1, 1);
      INSERT INTO sync_batches (id, target_id, idempotency_key, body, covers, created_at) VALUES (9, 1, 'key-9', '{}', '[[2,1]]', 1);
      INSERT INTO sync_devices (target_id, device_id, state, wanted_through, cause, batch_id, updated_at) VALUES
        (1, 1, 'conflict', 1, 'name-taken', NULL, 1), (1, 2, 'pending', 1, NULL, 9, 1), (1, 3, 'synced', 1, NULL, NULL, 1);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    const problems = "SELECT device_id FROM sync_devices WHERE target_id = 1 AND state IN ('conflict', 'error') AND cause = 'name-taken'";
    // What the migration is for: a synced device without a batch has no entry in either index.
    expect(indexSql(db, 'sync_devices_problems')).toMatch(/WHERE state IN \('conflict', 'error'\)/);
    expect(indexSql(db, 'sync_devices_batch')).toMatch(/WHERE batch_id IS NOT NULL/);
    expect(plan(db, problems)).toContain('sync_devices_problems');
    expect(db.prepare(problems).pluck().all()).toEqual([1]);
    expect(plan(db, 'SELECT device_id FROM sync_devices WHERE batch_id = 9')).toContain('sync_devices_batch');
    // A batch's deletion (its ON DELETE SET NULL) still reaches the device it covered.
    db.prepare('DELETE FROM sync_batches WHERE id = 9').run();
    expect(db.prepare('SELECT device_id, state, batch_id FROM sync_devices ORDER BY device_id').all()).toEqual([
      { device_id: 1, state: 'conflict', batch_id: null },
      { device_id: 2, state: 'pending', batch_id: null },
      { device_id: 3, state: 'synced', batch_id: null },
    ]);
  });

  it('at schema 19, the due read starts at the first device no open batch holds, in order, from the index alone', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 18 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, state, created_at) VALUES (1, 'a', 1, 'provisioned', 1), (2, 'b', 1, 'provisioned', 1),
        (3, 'c', 1, 'provisioned', 1), (4, 'd', 1, 'provisioned', 1);
      INSERT INTO sync_targets (id, name, type, url, auth_kind, secret_box, created_at, updated_at)
        VALUES (1, 'hook', 'webhook', 'http://127.0.0.1:1/', 'hmac', 'v1.x.y.z', 1, 1);
      INSERT INTO sync_batches (id, target_id, idempotency_key, body, covers, created_at) VALUES (9, 1, 'key-9', '{}', '[[1,1],[2,1]]', 1);
      INSERT INTO sync_devices (target_id, device_id, state, wanted_through, batch_id, next_attempt_at, updated_at) VALUES
        (1, 1, 'pending', 1, 9, 0, 1), (1, 2, 'pending', 1, 9, 0, 1), (1, 3, 'pending', 1, NULL, 5, 1), (1, 4, 'pending', 1, NULL, 0, 1);`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    // The query of sync/deliveries.ts due(): devices 1 and 2 sit in batch 9 and are not walked over any more.
    const due = `SELECT device_id FROM sync_devices WHERE target_id = 1 AND state = 'pending' AND batch_id IS NULL
      AND next_attempt_at <= 10 ORDER BY next_attempt_at, device_id LIMIT 100`;
    expect(plan(db, due)).toContain('COVERING INDEX sync_devices_due (target_id=? AND state=? AND batch_id=? AND next_attempt_at<?)');
    expect(plan(db, due)).not.toContain('TEMP B-TREE');
    expect(db.prepare(due).pluck().all()).toEqual([4, 3]);
    // Counting by state (status, external changes) still reads this index alone.
    expect(plan(db, 'SELECT state, count(*) FROM sync_devices WHERE target_id = 1 GROUP BY state')).toContain('COVERING INDEX sync_devices_due');
  });

  it('at schema 20, a device\'s history still finds its own events and a removed device\'s by name, and only those sit in the name index', () => {
    const file = join(tempDir(), 'station.db');
    const old = openDatabase(file, { upTo: 19 });
    old.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO devices (id, name, profile_id, state, created_at) VALUES (1, 'kept', 1, 'provisioned', 1), (2, 'gone', 1, 'provisioned', 1);
      INSERT INTO events (id, at, kind, device_id, device_name, outcome) VALUES (1, 1, 'provision', 1, 'kept', 'SUCCESS'),
        (2, 2, 'provision', 2, 'gone', 'SUCCESS'), (3, 3, 'provision', NULL, 'stranger', 'FAILURE');`);
    old.close();

    const db = openDatabase(file);
    cleanups.push(() => db.close());
    // The query of the device history (api/handlers/provisioning.ts).
    const history = `SELECT id FROM events WHERE device_id = (SELECT id FROM devices WHERE name = @name)
      OR (device_id IS NULL AND device_name = @name) ORDER BY id DESC LIMIT 50`;
    expect(indexSql(db, 'events_device_name')).toMatch(/WHERE device_id IS NULL/);
    const planned = plan(db, history.replaceAll('@name', "'kept'"));
    expect(planned).toContain('USING INDEX events_device_name (device_name=?)');
    expect(planned).toContain('USING INDEX events_device (device_id=?)');
    const entries = () => db.prepare('SELECT count(*) FROM events INDEXED BY events_device_name WHERE device_id IS NULL').pluck().get();
    // What the migration is for: an event of a device in the station has no entry in the name index.
    expect(entries()).toBe(1);
    expect(db.prepare(history).pluck().all({ name: 'kept' })).toEqual([1]);
    expect(db.prepare(history).pluck().all({ name: 'stranger' })).toEqual([3]);
    // A removed device's events lose their device (ON DELETE SET NULL) and are found by its name from then on.
    db.prepare('DELETE FROM devices WHERE id = 2').run();
    expect(entries()).toBe(2);
    expect(db.prepare(history).pluck().all({ name: 'gone' })).toEqual([2]);
  });

  it('refuse a database from a newer Fieldstation instead of damaging it', () => {
    const file = join(tempDir(), 'station.db');
    const db = openDatabase(file);
    db.prepare("INSERT INTO migrations (version, name, applied_at) VALUES (999, 'future', 1)").run();
    db.close();
    expect(() => openDatabase(file)).toThrow(/schema 999, newer than this Fieldstation knows/);
  });

  it('a restarted station on the same data directory keeps its data', async () => {
    const dataDir = tempDir();
    const first = createStation({ dataDir, ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, bind: '127.0.0.1' });
    await first.start();
    await first.engine!.router.call(
      'profiles.add',
      { name: 'meters', provisionDeviceKey: 'k', provisionDeviceSecret: 's', strategy: 'allow-create' },
      { principal: { kind: 'admin' } },
    );
    await first.stop();
    await first.stop(); // idempotent

    const second = createStation({ dataDir, ports: { ui: 0, http: 0, mqtt: 0, coap: 0 }, bind: '127.0.0.1' });
    await second.start();
    const reply = await second.engine!.router.call('profiles.list', {}, { principal: { kind: 'admin' } });
    expect(reply).toMatchObject({ ok: true, value: [{ name: 'meters' }] });
    await second.stop();
  });
});

describe('the master key', () => {
  it('is checked against the database: a different key is refused instead of printing labels that never redeem', () => {
    const dataDir = tempDir();
    const first = openEngine({ dataDir });
    const keyFile = readFileSync(join(dataDir, 'keys', 'master.key'), 'utf8');
    expect(statSync(join(dataDir, 'keys', 'master.key')).mode & 0o777).toBe(0o600);
    return first.close().then(async () => {
      writeFileSync(join(dataDir, 'keys', 'master.key'), randomBytes(32).toString('base64'));
      expect(() => openEngine({ dataDir })).toThrow(/master key does not match this station's database/);
      writeFileSync(join(dataDir, 'keys', 'master.key'), keyFile);
      await openEngine({ dataDir }).close();
    });
  });

  it('kept by the desktop keychain: the CLI says so and makes no key file of its own', async () => {
    const dataDir = tempDir();
    await openEngine({ dataDir, masterKey: randomBytes(32) }).close();
    expect(() => openEngine({ dataDir })).toThrow(/master key is in the Fieldstation desktop app's OS keychain/);
    expect(existsSync(join(dataDir, 'keys', 'master.key'))).toBe(false);
  });

  it('adopted by the desktop app from a headless station: same labels, and the CLI then points at the app', async () => {
    const dataDir = tempDir();
    await openEngine({ dataDir }).close();
    const key = Buffer.from(readFileSync(join(dataDir, 'keys', 'master.key'), 'utf8'), 'base64');
    await openEngine({ dataDir, masterKey: key }).close();
    // What electron/desktop/master-key.ts does after sealing the key in the keychain.
    rmSync(join(dataDir, 'keys', 'master.key'));
    expect(() => openEngine({ dataDir })).toThrow(/OS keychain/);
  });
});
