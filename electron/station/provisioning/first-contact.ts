import { X509Certificate } from 'node:crypto';
import type { Db } from '../store/database.ts';
import { mqttBasicId, x509 } from './credentials.ts';
import type { TelemetryEntry } from './telemetry.ts';
import type { DeviceIdentity } from './types.ts';

/** Device authentication and the writes of first contact (telemetry, attributes; presence.ts marks it seen). */
export function createFirstContact(db: Db) {
  const byCredentialsId = db.prepare(`SELECT d.id, d.name, c.type, c.value FROM credentials c
    JOIN devices d ON d.id = c.device_id WHERE c.credentials_id = ?`);
  const upsertTelemetry = db.prepare(`INSERT INTO telemetry_latest (device_id, key, value, ts) VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id, key) DO UPDATE SET value = excluded.value, ts = excluded.ts WHERE excluded.ts >= ts`);
  const appendTelemetry = db.prepare('INSERT INTO telemetry (device_id, ts, key, value) VALUES (?, ?, ?, ?)');
  const upsertAttribute = db.prepare(`INSERT INTO attributes (device_id, scope, key, value, updated_at)
    VALUES (?, 'client', ?, ?, ?)
    ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);

  type Row = { id: number; name: string; type: string; value: string };
  const identity = (row: Row): DeviceIdentity => ({ id: row.id, name: row.name });

  return {
    authenticateToken(token: string): DeviceIdentity | null {
      const row = byCredentialsId.get(token) as Row | undefined;
      return row?.type === 'ACCESS_TOKEN' ? identity(row) : null;
    },

    /** ThingsBoard tries clientId|userName, then userName alone, then clientId alone, checking the password. */
    authenticateMqttBasic(clientId: string, username: string | null, password: string | null): DeviceIdentity | null {
      const candidates = [mqttBasicId(clientId || null, username), mqttBasicId(null, username), mqttBasicId(clientId || null, null)];
      for (const id of candidates) {
        if (id === null) continue;
        const row = byCredentialsId.get(id) as Row | undefined;
        if (row?.type !== 'MQTT_BASIC') continue;
        const stored = JSON.parse(row.value) as { clientId: string | null; userName: string | null; password: string | null };
        if (stored.clientId && stored.clientId !== clientId) continue;
        // A password is checked only when one is stored; without one, whatever the device sends is let through
        // (DefaultTransportApiService.validateMqttCredentials: `if (!StringUtils.isEmpty(dbCred.getPassword()))`).
        // MQTT libraries that always send a password must still get in.
        if (stored.password && stored.password !== password) continue;
        return identity(row);
      }
      return null;
    },

    /**
     * A TLS client certificate: out of its validity dates → refused (cert.checkValidity), else looked up by the SHA3
     * of its base64 DER among X509_CERTIFICATE credentials (MqttTransportHandler.processX509CertConnect,
     * DefaultTransportApiService.validateCredentials), and the stored body must be that very certificate.
     */
    authenticateCertificate(der: Buffer, now = Date.now()): DeviceIdentity | null {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(der);
      } catch {
        return null;
      }
      if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) return null;
      const expected = x509(der.toString('base64'));
      const row = byCredentialsId.get(expected.credentialsId) as Row | undefined;
      return row?.type === 'X509_CERTIFICATE' && row.value === expected.value ? identity(row) : null;
    },

    storeTelemetry(device: DeviceIdentity, entries: readonly TelemetryEntry[]): void {
      for (const e of entries) {
        const value = JSON.stringify(e.value);
        upsertTelemetry.run(device.id, e.key, value, e.ts);
        // Kept whole, so the site's readings reach the cloud with the device (sync).
        appendTelemetry.run(device.id, e.ts, e.key, value);
      }
    },

    storeAttributes(device: DeviceIdentity, attributes: Record<string, unknown>, now: number): void {
      for (const [key, value] of Object.entries(attributes)) upsertAttribute.run(device.id, key, JSON.stringify(value), now);
    },
  };
}
