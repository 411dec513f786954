import type { Device, DeviceDetail } from '../../../shared/devices.ts';
import type { CredentialsType, Transport } from '../../../shared/provisioning.ts';
import type { DeviceState } from '../../../shared/station.ts';
import type { Db } from './database.ts';

interface DeviceRow {
  id: number;
  name: string;
  profile: string;
  batch: string | null;
  state: DeviceState;
  is_gateway: number;
  serial: string | null;
  mac: string | null;
  label: string | null;
  credentials_type: CredentialsType | null;
  credentials_value: string | null;
  provisioned_at: number | null;
  provisioned_via: Transport | null;
  last_seen_at: number | null;
  installed_at: number | null;
  location_note: string | null;
  created_at: number;
}

const select = `SELECT d.id, d.name, p.name AS profile, b.name AS batch, d.state, d.is_gateway, d.serial, d.mac, d.label,
  c.type AS credentials_type, c.value AS credentials_value, d.provisioned_at, d.provisioned_via, d.last_seen_at,
  d.installed_at, d.location_note, d.created_at
  FROM devices d JOIN profiles p ON p.id = d.profile_id LEFT JOIN batches b ON b.id = d.batch_id
  LEFT JOIN credentials c ON c.device_id = d.id`;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    name: row.name,
    profile: row.profile,
    batch: row.batch,
    state: row.state,
    gateway: row.is_gateway === 1,
    serial: row.serial,
    mac: row.mac,
    label: row.label,
    credentialsType: row.credentials_type,
    credentialsValue:
      row.credentials_type === 'MQTT_BASIC' && row.credentials_value !== null
        ? (JSON.parse(row.credentials_value) as Device['credentialsValue'])
        : row.credentials_value,
    provisionedAt: iso(row.provisioned_at),
    provisionedVia: row.provisioned_via,
    lastSeenAt: iso(row.last_seen_at),
    installedAt: iso(row.installed_at),
    locationNote: row.location_note,
    createdAt: iso(row.created_at)!,
  };
}

/** What a device created by its own provisioning request is born with, besides its id and name. */
export interface CreatedDevice {
  profile: string;
  gateway: boolean;
  credentialsType: CredentialsType;
  via: Transport;
  /** created_at and provisioned_at, the same instant (provision.ts inserts it provisioned). */
  at: number;
}

/**
 * The device as `get` would read it (without its secret) right after provision.ts created it: no batch, serial, MAC,
 * label, install record or contact yet. Built from the decision instead of read back, on the main thread, so the
 * writer thread spends nothing on a live event.
 */
export function createdDevice(id: number, name: string, created: CreatedDevice): Device {
  return withoutSecret(
    toDevice({
      id,
      name,
      profile: created.profile,
      batch: null,
      state: 'provisioned',
      is_gateway: created.gateway ? 1 : 0,
      serial: null,
      mac: null,
      label: null,
      credentials_type: created.credentialsType,
      credentials_value: null,
      provisioned_at: created.at,
      provisioned_via: created.via,
      last_seen_at: null,
      installed_at: null,
      location_note: null,
      created_at: created.at,
    }),
  );
}

export interface DeviceFilter {
  batch?: string;
  profile?: string;
  state?: DeviceState;
  search?: string;
  limit?: number;
  offset?: number;
  afterId?: number;
  withCredentials?: boolean;
}

/** The device without its credentials value, for lists and live events. */
export function withoutSecret({ credentialsValue: _secret, ...device }: Device): Device {
  return device;
}

export function createDeviceReader(db: Db) {
  const byId = db.prepare(`${select} WHERE d.id = ?`);
  const byName = db.prepare(`${select} WHERE d.name = ?`);
  const attributes = db.prepare('SELECT scope, key, value FROM attributes WHERE device_id = ? ORDER BY scope, key');
  const telemetry = db.prepare('SELECT key, value, ts FROM telemetry_latest WHERE device_id = ? ORDER BY key');

  return {
    get(id: number): Device | null {
      const row = byId.get(id) as DeviceRow | undefined;
      return row ? toDevice(row) : null;
    },
    getByName(name: string): Device | null {
      const row = byName.get(name) as DeviceRow | undefined;
      return row ? toDevice(row) : null;
    },
    detail(name: string): DeviceDetail | null {
      const device = this.getByName(name);
      if (!device) return null;
      const attrs: DeviceDetail['attributes'] = {};
      for (const a of attributes.all(device.id) as { scope: string; key: string; value: string }[]) {
        const scope = attrs[a.scope] ?? {};
        scope[a.key] = JSON.parse(a.value);
        attrs[a.scope] = scope;
      }
      const latest: DeviceDetail['telemetry'] = {};
      for (const t of telemetry.all(device.id) as { key: string; value: string; ts: number }[]) {
        latest[t.key] = { value: JSON.parse(t.value), ts: iso(t.ts)! };
      }
      return { ...device, attributes: attrs, telemetry: latest };
    },
    list(filter: DeviceFilter = {}): Device[] {
      const where: string[] = [];
      const params: Record<string, unknown> = {};
      if (filter.batch !== undefined) {
        where.push('b.name = @batch');
        params.batch = filter.batch;
      }
      if (filter.profile !== undefined) {
        where.push('p.name = @profile');
        params.profile = filter.profile;
      }
      if (filter.state !== undefined) {
        where.push('d.state = @state');
        params.state = filter.state;
      }
      if (filter.afterId !== undefined) {
        where.push('d.id > @afterId');
        params.afterId = filter.afterId;
      }
      if (filter.search) {
        where.push("(d.name LIKE @search ESCAPE '\\' OR d.serial LIKE @search ESCAPE '\\' OR d.mac LIKE @search ESCAPE '\\')");
        params.search = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      }
      const sql = `${select} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY d.id LIMIT @limit OFFSET @offset`;
      params.limit = filter.limit ?? -1;
      params.offset = filter.offset ?? 0;
      const devices = (db.prepare(sql).all(params) as DeviceRow[]).map(toDevice);
      return filter.withCredentials ? devices : devices.map(withoutSecret);
    },
  };
}
export type DeviceReader = ReturnType<typeof createDeviceReader>;
