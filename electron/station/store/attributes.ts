import type { Db } from './database.ts';

/** ThingsBoard's attribute scopes: the device reports client ones; the server authors shared (the device receives them) and server ones. */
export type AttributeScope = 'client' | 'shared' | 'server';
/** Where a shared attribute is authored: a device's own value beats its batch's, which beats its profile's. */
export type AttributeLevel = 'profile' | 'batch' | 'device';
export type AttributeMap = Record<string, unknown>;
export interface DeviceAttributes {
  client: AttributeMap;
  shared: AttributeMap;
  server: AttributeMap;
}

interface Row {
  key: string;
  value: string;
}

function toMap(rows: readonly Row[], into: AttributeMap = {}): AttributeMap {
  for (const r of rows) into[r.key] = JSON.parse(r.value);
  return into;
}

/** Attribute rows of every scope and level, and what a device receives once the levels are merged. */
export function createAttributeStore(db: Db) {
  const owners = db.prepare('SELECT profile_id, batch_id FROM devices WHERE id = ?');
  const ofDevice = db.prepare('SELECT key, value FROM attributes WHERE device_id = ? AND scope = ?');
  const ofProfile = db.prepare('SELECT key, value FROM profile_attributes WHERE profile_id = ?');
  const ofBatch = db.prepare('SELECT key, value FROM batch_attributes WHERE batch_id = ?');
  const put = {
    profile: db.prepare(`INSERT INTO profile_attributes (profile_id, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (profile_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    batch: db.prepare(`INSERT INTO batch_attributes (batch_id, key, value, updated_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (batch_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
    device: db.prepare(`INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, 'shared', ?, ?, ?)
      ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
  };
  const putServer = db.prepare(`INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, 'server', ?, ?, ?)
    ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const remove = {
    profile: db.prepare('DELETE FROM profile_attributes WHERE profile_id = ? AND key = ?'),
    batch: db.prepare('DELETE FROM batch_attributes WHERE batch_id = ? AND key = ?'),
    device: db.prepare("DELETE FROM attributes WHERE device_id = ? AND scope = 'shared' AND key = ?"),
  };
  const devicesOf = {
    profile: db.prepare('SELECT id FROM devices WHERE profile_id = ?').pluck(),
    batch: db.prepare('SELECT id FROM devices WHERE batch_id = ?').pluck(),
    device: db.prepare('SELECT id FROM devices WHERE id = ?').pluck(),
  };

  function authored(level: AttributeLevel, ownerId: number): AttributeMap {
    if (level === 'profile') return toMap(ofProfile.all(ownerId) as Row[]);
    if (level === 'batch') return toMap(ofBatch.all(ownerId) as Row[]);
    return toMap(ofDevice.all(ownerId, 'shared') as Row[]);
  }

  /**
   * The shared attributes a device receives: device over batch over profile. With `from`, also notes there which
   * level each value comes from (the device's page shows it), in the same pass.
   */
  function mergeShared(deviceId: number, from?: Record<string, AttributeLevel>): AttributeMap {
    const owner = owners.get(deviceId) as { profile_id: number; batch_id: number | null } | undefined;
    if (!owner) return {};
    const merged: AttributeMap = {};
    const add = (rows: readonly Row[], level: AttributeLevel) => {
      toMap(rows, merged);
      if (from) for (const r of rows) from[r.key] = level;
    };
    add(ofProfile.all(owner.profile_id) as Row[], 'profile');
    if (owner.batch_id !== null) add(ofBatch.all(owner.batch_id) as Row[], 'batch');
    add(ofDevice.all(deviceId, 'shared') as Row[], 'device');
    return merged;
  }

  function scopesOf(deviceId: number, sharedFrom?: Record<string, AttributeLevel>): DeviceAttributes {
    return {
      client: toMap(ofDevice.all(deviceId, 'client') as Row[]),
      shared: mergeShared(deviceId, sharedFrom),
      server: toMap(ofDevice.all(deviceId, 'server') as Row[]),
    };
  }

  return {
    authored,
    effectiveShared: (deviceId: number): AttributeMap => mergeShared(deviceId),
    /** Every scope, as a device asks for them. */
    effective: (deviceId: number): DeviceAttributes => scopesOf(deviceId),
    /** Every scope and the level each shared value comes from, as the device's page and `attributes list --json` show them. */
    view(deviceId: number): DeviceAttributes & { sharedFrom: Record<string, AttributeLevel> } {
      const sharedFrom: Record<string, AttributeLevel> = {};
      return { ...scopesOf(deviceId, sharedFrom), sharedFrom };
    },
    /** Sets (value) or removes (undefined) shared attributes at one level; call inside a transaction. */
    setShared(level: AttributeLevel, ownerId: number, values: AttributeMap, now: number): void {
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) remove[level].run(ownerId, key);
        else put[level].run(ownerId, key, JSON.stringify(value), now);
      }
    },
    setServer(deviceId: number, values: AttributeMap, now: number): void {
      for (const [key, value] of Object.entries(values)) putServer.run(deviceId, key, JSON.stringify(value), now);
    },
    /** The devices whose received values a change at this level may alter. */
    devicesUnder(level: AttributeLevel, ownerId: number): number[] {
      return devicesOf[level].all(ownerId) as number[];
    },
  };
}
export type AttributeStore = ReturnType<typeof createAttributeStore>;
