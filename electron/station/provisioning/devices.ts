import type { z } from 'zod';
import type { Device, DeviceInput } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import { DEFAULT_LABEL_LANGUAGE } from '../../../shared/label-words.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import type { DeviceReader } from '../store/devices.ts';
import { credentialsFromInput } from './credentials.ts';
import type { Profiles } from './profiles.ts';

/** Pre-provisioned devices: added by a technician before they power up (check-pre-provisioned strategy). */
export function createDevices(db: Db, profiles: Profiles, reader: DeviceReader, audit: AuditLog) {
  const insert = db.prepare(`INSERT INTO devices (name, profile_id, batch_id, serial, mac, label, created_at)
    VALUES (@name, @profileId, @batchId, @serial, @mac, @label, @now)`);
  const insertCredentials = db.prepare('INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)');
  const credentialsTaken = db.prepare('SELECT 1 FROM credentials WHERE credentials_id = ?').pluck();
  const nameTaken = db.prepare('SELECT 1 FROM devices WHERE name = ?').pluck();
  const batchByName = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const insertBatch = db.prepare('INSERT INTO batches (name, profile_id, language, created_at) VALUES (?, ?, ?, ?)');

  return {
    add(input: z.output<typeof DeviceInput>): Device {
      return db.transaction(() => {
        const profile = profiles.require(input.profile);
        if (nameTaken.get(input.name)) throw new ApiError('conflict', `a device named '${input.name}' already exists`);
        const now = Date.now();
        let batchId: number | null = null;
        if (input.batch) {
          batchId = (batchByName.get(input.batch) as number | undefined) ?? Number(insertBatch.run(input.batch, profile.id, input.language ?? DEFAULT_LABEL_LANGUAGE, now).lastInsertRowid);
        }
        const requested = input.credentials ?? (input.token ? { type: 'ACCESS_TOKEN' as const, token: input.token } : undefined);
        const credentials = credentialsFromInput(requested, profile.default_credentials_type);
        if (requested && !credentials) throw new ApiError('invalid_params', 'MQTT_BASIC credentials need a clientId or a username');
        if (credentials && credentialsTaken.get(credentials.credentialsId)) {
          throw new ApiError('conflict', 'these credentials already belong to another device');
        }
        const id = Number(
          insert.run({
            name: input.name,
            profileId: profile.id,
            batchId,
            serial: input.serial ?? null,
            mac: input.mac ?? null,
            label: input.label ?? null,
            now,
          }).lastInsertRowid,
        );
        if (credentials) insertCredentials.run(id, credentials.type, credentials.credentialsId, credentials.value);
        audit.append({ kind: 'device.added', deviceId: id, deviceName: input.name });
        return reader.get(id)!;
      })();
    },
  };
}
export type Devices = ReturnType<typeof createDevices>;
