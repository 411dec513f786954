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

  /** The shared attributes a device receives: device over batch over profile. */
  function effectiveShared(deviceId: number): AttributeMap {
    const owner = owners.get(deviceId) as { profile_id: number; batch_id: number | null } | undefined;
    if (!owner) return {};
    const merged = toMap(ofProfile.all(owner.profile_id) as Row[]);
    if (owner.batch_id !== null) toMap(ofBatch.all(owner.batch_id) as Row[], merged);
    return toMap(ofDevice.all(deviceId, 'shared') as Row[], merged);
  }

  /** Which level each shared value the device receives comes from: keys only, in the order effectiveShared merges. */
  function sharedSources(deviceId: number): Record<string, AttributeLevel> {
    const owner = owners.get(deviceId) as { profile_id: number; batch_id: number | null } | undefined;
    const from: Record<string, AttributeLevel> = {};
    if (!owner) return from;
    for (const r of ofProfile.all(owner.profile_id) as Row[]) from[r.key] = 'profile';
    if (owner.batch_id !== null) for (const r of ofBatch.all(owner.batch_id) as Row[]) from[r.key] = 'batch';
    for (const r of ofDevice.all(deviceId, 'shared') as Row[]) from[r.key] = 'device';
    return from;
  }

  return {
    authored,
    effectiveShared,
    sharedSources,
    /** Every scope as the device's page and `attributes list --json` show it. */
    effective(deviceId: number): DeviceAttributes {
      return {
        client: toMap(ofDevice.all(deviceId, 'client') as Row[]),
        shared: effectiveShared(deviceId),
        server: toMap(ofDevice.all(deviceId, 'server') as Row[]),
      };
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
