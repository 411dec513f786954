import type { CredentialsType, Transport } from '../../../shared/provisioning.ts';
import type { Db } from '../store/database.ts';
import type { LocalCredentials } from './thingsboard.ts';

// A device as sync sends it: read at send time, so every entry carries the device's current state (targets
// upsert; an older entry delivered late can never roll the cloud back).

export interface DeviceSnapshot {
  id: number;
  name: string;
  profile: string;
  batch: string | null;
  label: string | null;
  serial: string | null;
  mac: string | null;
  gateway: boolean;
  provisionedAt: number | null;
  provisionedVia: Transport | null;
  /** Null only if the device has none yet (never provisioned). */
  credentials: LocalCredentials | null;
  /** SERVER_SCOPE attributes (provisionState included once provisioned). */
  serverAttributes: Record<string, unknown>;
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
  provisioned_at: number | null;
  provisioned_via: Transport | null;
  type: CredentialsType | null;
  value: string | null;
}

/** The credentials table's `value` as ThingsBoard's adapter takes it (see provisioning/credentials.ts). */
export function localCredentials(type: CredentialsType, value: string): LocalCredentials {
  switch (type) {
    case 'ACCESS_TOKEN':
      return { type, token: value };
    case 'MQTT_BASIC': {
      const v = JSON.parse(value) as { clientId?: string | null; userName?: string | null; password?: string | null };
      return {
        type,
        ...(v.clientId ? { clientId: v.clientId } : {}),
        ...(v.userName ? { userName: v.userName } : {}),
        ...(v.password ? { password: v.password } : {}),
      };
    }
    case 'X509_CERTIFICATE':
      // Stored trimmed, as ThingsBoard stores it; the adapter and ThingsBoard accept it without PEM armour.
      return { type, pem: value };
  }
}

export function createSnapshots(db: Db) {
  const device = db.prepare(`SELECT d.id, d.name, p.name AS profile, b.name AS batch, d.label, d.serial, d.mac,
      d.is_gateway, d.provisioned_at, d.provisioned_via, c.type, c.value
    FROM devices d JOIN profiles p ON p.id = d.profile_id LEFT JOIN batches b ON b.id = d.batch_id
    LEFT JOIN credentials c ON c.device_id = d.id WHERE d.id = ?`);
  const attributes = db.prepare("SELECT key, value FROM attributes WHERE device_id = ? AND scope = 'server' ORDER BY key");

  return {
    get(id: number): DeviceSnapshot | null {
      const r = device.get(id) as Row | undefined;
      if (!r) return null;
      const serverAttributes: Record<string, unknown> = {};
      for (const a of attributes.all(id) as { key: string; value: string }[]) serverAttributes[a.key] = JSON.parse(a.value);
      return {
        id: r.id,
        name: r.name,
        profile: r.profile,
        batch: r.batch,
        label: r.label,
        serial: r.serial,
        mac: r.mac,
        gateway: r.is_gateway === 1,
        provisionedAt: r.provisioned_at,
        provisionedVia: r.provisioned_via,
        credentials: r.type !== null && r.value !== null ? localCredentials(r.type, r.value) : null,
        serverAttributes,
      };
    },
  };
}

export type Snapshots = ReturnType<typeof createSnapshots>;
