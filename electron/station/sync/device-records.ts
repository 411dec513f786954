import type { CredentialsType, Transport } from '../../../shared/provisioning.ts';
import type { DeviceState } from '../../../shared/station.ts';
import type { Db } from '../store/database.ts';

// A device as the station stores it, with its credentials and attributes: what sync sends (snapshot.ts) and what a
// file bundle carries (bundle.ts), read in one place. Times stay milliseconds and credentials stay as stored (an
// MQTT_BASIC value is its JSON text): each reader turns them into its own format.

export interface DeviceRecord {
  id: number;
  name: string;
  profile: string;
  batch: string | null;
  label: string | null;
  serial: string | null;
  mac: string | null;
  gateway: boolean;
  state: DeviceState;
  provisionedAt: number | null;
  provisionedVia: Transport | null;
  lastSeenAt: number | null;
  /** Null only if the device has none yet (never provisioned). */
  credentials: { type: CredentialsType; credentialsId: string; value: string } | null;
  /** By scope (server, shared, client), each value parsed from the JSON it is stored as. */
  attributes: Record<string, Record<string, unknown>>;
}

interface Row {
  id: number;
  name: string;
  profile: string;
  batch: string | null;
  label: string | null;
  serial: string | null;
  mac: string | null;
  is_gateway: number;
  state: DeviceState;
  provisioned_at: number | null;
  provisioned_via: Transport | null;
  last_seen_at: number | null;
  type: CredentialsType | null;
  credentials_id: string | null;
  value: string | null;
}

const select = `SELECT d.id, d.name, p.name AS profile, b.name AS batch, d.label, d.serial, d.mac, d.is_gateway, d.state,
    d.provisioned_at, d.provisioned_via, d.last_seen_at, c.type, c.credentials_id, c.value
  FROM devices d JOIN profiles p ON p.id = d.profile_id LEFT JOIN batches b ON b.id = d.batch_id
  LEFT JOIN credentials c ON c.device_id = d.id`;

/**
 * A row of `select`, read as an array (better-sqlite3's raw mode) and named here: building the object in JavaScript
 * costs half of what the driver spends setting the named properties per row (issue 13: measured on a webhook batch's
 * devices, read here until webhook-events.ts; a bundle reads every device). Same order as the columns of `select`.
 */
const rowOf = (a: unknown[]): Row => ({
  id: a[0] as number,
  name: a[1] as string,
  profile: a[2] as string,
  batch: a[3] as string | null,
  label: a[4] as string | null,
  serial: a[5] as string | null,
  mac: a[6] as string | null,
  is_gateway: a[7] as number,
  state: a[8] as DeviceState,
  provisioned_at: a[9] as number | null,
  provisioned_via: a[10] as Transport | null,
  last_seen_at: a[11] as number | null,
  type: a[12] as CredentialsType | null,
  credentials_id: a[13] as string | null,
  value: a[14] as string | null,
});

export function createDeviceRecords(db: Db) {
  const byId = db.prepare(`${select} WHERE d.id = ?`).raw();
  const all = db.prepare(`${select} ORDER BY d.id`).raw();
  const inBatch = db.prepare(`${select} WHERE b.name = ? ORDER BY d.id`).raw();
  const attributes = db.prepare('SELECT scope, key, value FROM attributes WHERE device_id = ? ORDER BY scope, key');

  type AttributeRow = { scope: string; key: string; value: string };
  function record(r: Row, rows: readonly AttributeRow[] = attributes.all(r.id) as AttributeRow[]): DeviceRecord {
    // Entries first, objects once: spreading the scope's object for every key was quadratic, and a device with
    // 20,000 client attribute keys held the loop for seconds on every sync snapshot and export (found by npm run
    // fuzz). Object.fromEntries defines each key as its own property, `__proto__` included.
    const entries = new Map<string, [string, unknown][]>();
    for (const a of rows) {
      const scope = entries.get(a.scope) ?? [];
      if (scope.length === 0) entries.set(a.scope, scope);
      scope.push([a.key, JSON.parse(a.value)]);
    }
    const attrs: DeviceRecord['attributes'] = {};
    for (const [scope, list] of entries) attrs[scope] = Object.fromEntries(list);
    return {
      id: r.id,
      name: r.name,
      profile: r.profile,
      batch: r.batch,
      label: r.label,
      serial: r.serial,
      mac: r.mac,
      gateway: r.is_gateway === 1,
      state: r.state,
      provisionedAt: r.provisioned_at,
      provisionedVia: r.provisioned_via,
      lastSeenAt: r.last_seen_at,
      credentials: r.type !== null && r.credentials_id !== null && r.value !== null ? { type: r.type, credentialsId: r.credentials_id, value: r.value } : null,
      attributes: attrs,
    };
  }

  return {
    get(id: number): DeviceRecord | null {
      const r = byId.get(id) as unknown[] | undefined;
      return r ? record(rowOf(r)) : null;
    },
    /** Every device of one batch, or of the station when `batch` is null, in the order they were added. */
    list(batch: string | null): DeviceRecord[] {
      const rows = (batch === null ? all.all() : inBatch.all(batch)) as unknown[][];
      return rows.map((r) => record(rowOf(r)));
    },
  };
}

export type DeviceRecords = ReturnType<typeof createDeviceRecords>;
