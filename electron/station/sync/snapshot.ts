import type { CredentialsType } from '../../../shared/provisioning.ts';
import { createAttributeStore } from '../store/attributes.ts';
import type { Db } from '../store/database.ts';
import { createDeviceRecords, type DeviceRecord } from './device-records.ts';
import type { LocalCredentials } from './thingsboard.ts';

// A device as sync sends it: read at send time, so every entry carries the device's current state (targets
// upsert; an older entry delivered late can never roll the cloud back).

export interface DeviceSnapshot extends Omit<DeviceRecord, 'state' | 'lastSeenAt' | 'credentials' | 'attributes'> {
  /** Null only if the device has none yet (never provisioned). */
  credentials: LocalCredentials | null;
  /**
   * SERVER_SCOPE attributes (provisionState included once provisioned), with what the technician recorded on site
   * (installAttributes below).
   */
  serverAttributes: Record<string, unknown>;
  /** SHARED_SCOPE attributes the device receives: its own over its batch's over its profile's. */
  sharedAttributes: Record<string, unknown>;
  /** CLIENT_SCOPE attributes the device reported at the site (ThingsBoard takes these only from the device). */
  clientAttributes: Record<string, unknown>;
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

/**
 * What the station knows about where and what the device is, as SERVER_SCOPE attributes, so the cloud's dashboards
 * and rule chains can use it: the install location and time from the scanner check-in, and the manufacturer's serial
 * and MAC address from the device list. Only what is known is sent; ThingsBoard keeps each key until it is written
 * again. (ThingsBoard has no standard keys for these; the names follow its own camelCase, e.g. `lastActivityTime`,
 * and times are milliseconds since the epoch, as its server attributes are.)
 */
export function installAttributes(d: { serial: string | null; mac: string | null; installedAt: number | null; locationNote: string | null }) {
  const out: Record<string, unknown> = {};
  if (d.serial !== null) out.serialNumber = d.serial;
  if (d.mac !== null) out.macAddress = d.mac;
  if (d.installedAt !== null) out.installedAt = d.installedAt;
  if (d.locationNote !== null) out.installLocation = d.locationNote;
  return out;
}

export function createSnapshots(db: Db) {
  const records = createDeviceRecords(db);
  const attributeStore = createAttributeStore(db);
  const installation = db.prepare('SELECT installed_at AS installedAt, location_note AS locationNote FROM devices WHERE id = ?');

  return {
    get(id: number): DeviceSnapshot | null {
      const record = records.get(id);
      if (!record) return null;
      const { state: _state, lastSeenAt: _lastSeenAt, credentials, attributes, ...device } = record;
      const installed = installation.get(id) as { installedAt: number | null; locationNote: string | null };
      return {
        ...device,
        credentials: credentials === null ? null : localCredentials(credentials.type, credentials.value),
        // A server attribute a person authored under the same key wins: it was set on purpose.
        serverAttributes: { ...installAttributes({ ...device, ...installed }), ...attributes.server },
        sharedAttributes: attributeStore.effectiveShared(id),
        clientAttributes: attributes.client ?? {},
      };
    },
  };
}

export type Snapshots = ReturnType<typeof createSnapshots>;
