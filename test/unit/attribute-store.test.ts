import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAttributeStore } from '../../electron/station/store/attributes.ts';
import { openDatabase } from '../../electron/station/store/database.ts';
import { tempDir } from '../support/engine.ts';

describe('attribute store', () => {
  const dbs: { close(): void }[] = [];
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });

  function seeded() {
    const db = openDatabase(join(tempDir(), 'station.db'));
    dbs.push(db);
    db.exec(`INSERT INTO profiles (id, name, provision_key, provision_secret, strategy, created_at, updated_at)
        VALUES (1, 'meters', 'k', 's', 'allow-create', 1, 1);
      INSERT INTO batches (id, name, profile_id, created_at) VALUES (1, 'plant-3', 1, 1);
      INSERT INTO devices (id, name, profile_id, batch_id, created_at) VALUES (1, 'm-1', 1, 1, 1), (2, 'm-2', 1, NULL, 1);
      INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (1, 'client', 'fw', '"1.2"', 1);`);
    return { db, store: createAttributeStore(db) };
  }

  it('gives a device its own value over its batch and its batch over its profile', () => {
    const { store } = seeded();
    store.setShared('profile', 1, { interval: 60, server: 'station', mode: { led: true } }, 1);
    store.setShared('batch', 1, { interval: 30, server: 'plant' }, 2);
    store.setShared('device', 1, { interval: 5 }, 3);
    expect(store.effective(1)).toEqual({
      client: { fw: '1.2' },
      shared: { interval: 5, server: 'plant', mode: { led: true } },
      server: {},
    });
    // What the device's page shows: the same values, each with the level it comes from.
    expect(store.view(1).sharedFrom).toEqual({ interval: 'device', server: 'batch', mode: 'profile' });
    // Outside the batch: only the profile's values.
    expect(store.effectiveShared(2)).toEqual({ interval: 60, server: 'station', mode: { led: true } });
  });

  it('removes a value at one level and lets the next level show through', () => {
    const { store } = seeded();
    store.setShared('profile', 1, { interval: 60 }, 1);
    store.setShared('device', 1, { interval: 5 }, 2);
    store.setShared('device', 1, { interval: undefined }, 3);
    expect(store.effectiveShared(1)).toEqual({ interval: 60 });
    expect(store.devicesUnder('profile', 1).sort()).toEqual([1, 2]);
    expect(store.devicesUnder('batch', 1)).toEqual([1]);
  });
});
