import type { AttributeLevel, AttributesSet, AttributesSetResult, AuthoredAttributes, DeviceAttributesView } from '../../../shared/attributes.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { AttributeMap, AttributeStore } from '../store/attributes.ts';
import type { Db } from '../store/database.ts';
import { createOutboxAppender, OutboxKind } from '../store/outbox.ts';
import type { DeviceApi } from './service.ts';
import { sharedDelta } from './wire.ts';

/**
 * The station side of shared attributes: a technician sets values for a profile, a batch or one device. In one
 * transaction the values are stored and every device whose received values changed is queued for sync
 * (OutboxKind.updated); after the commit its connected sessions are told.
 */
export function createAttributeAuthoring(db: Db, attributes: AttributeStore, deviceApi: DeviceApi) {
  const owner = {
    profile: db.prepare('SELECT id FROM profiles WHERE name = ?').pluck(),
    batch: db.prepare('SELECT id FROM batches WHERE name = ?').pluck(),
    device: db.prepare('SELECT id FROM devices WHERE name = ?').pluck(),
  };
  const appendOutbox = createOutboxAppender(db);

  function ownerId(level: AttributeLevel, name: string): number {
    const id = owner[level].get(name) as number | undefined;
    if (id === undefined) throw new ApiError('not_found', `no ${level} named '${name}'`);
    return id;
  }

  const write = db.transaction((params: AttributesSet, id: number, now: number): number[] => {
    const devices = attributes.devicesUnder(params.level, id);
    const before = new Map<number, AttributeMap>(devices.map((d) => [d, attributes.effectiveShared(d)]));
    const values: AttributeMap = {};
    // null deletes the key at this level (the store removes on undefined).
    for (const [key, value] of Object.entries(params.values)) values[key] = value === null ? undefined : value;
    attributes.setShared(params.level, id, values, now);
    const changed: number[] = [];
    for (const d of devices) {
      const delta = sharedDelta(before.get(d)!, attributes.effectiveShared(d));
      if (!delta) continue;
      changed.push(d);
      appendOutbox(d, OutboxKind.updated, { sharedAttributes: Object.keys(delta.updated), deleted: delta.deleted }, now);
    }
    return changed;
  });

  return {
    set(params: AttributesSet): AttributesSetResult {
      const id = ownerId(params.level, params.name);
      const changed = write(params, id, Date.now());
      deviceApi.refreshShared(changed);
      return { level: params.level, name: params.name, values: attributes.authored(params.level, id), devicesChanged: changed.length };
    },
    authored(level: AttributeLevel, name: string): AuthoredAttributes {
      return { level, name, values: attributes.authored(level, ownerId(level, name)) };
    },
    ofDevice(name: string): DeviceAttributesView {
      return attributes.view(ownerId('device', name));
    },
  };
}
export type AttributeAuthoring = ReturnType<typeof createAttributeAuthoring>;
