import type { Device } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import { parseLabelPayload } from '../../../shared/label-payload.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import type { DeviceReader } from '../store/devices.ts';

/** On site: a scanned label finds its device; the technician marks it installed with a note on where. */
export function createInstallation(db: Db, reader: DeviceReader, audit: AuditLog) {
  const deviceOfKey = db.prepare('SELECT device_id FROM onboarding_tokens WHERE key = ? AND device_id IS NOT NULL').pluck();
  const install = db.prepare('UPDATE devices SET installed_at = ?, location_note = ? WHERE id = ?');

  return {
    locate(scanned: string): Device {
      const payload = parseLabelPayload(scanned);
      if (payload === null) {
        // Not one of our labels: maybe the technician typed or scanned a device name or serial.
        const byName = reader.getByName(scanned.trim());
        if (byName) return byName;
        throw new ApiError('not_found', "that is not a Fieldstation label, nor a device name; scan the label's QR code");
      }
      const id = deviceOfKey.get(payload.key) as number | undefined;
      const device = id === undefined ? null : reader.get(id);
      if (!device) throw new ApiError('not_found', `no device has the label ${payload.key} on this station (a group label, or another station's)`);
      return device;
    },

    markInstalled(name: string, note: string): Device {
      const device = reader.getByName(name);
      if (!device) throw new ApiError('not_found', `no device named '${name}'`);
      db.transaction(() => {
        install.run(Date.now(), note.trim() || null, device.id);
        audit.append({ kind: 'device.installed', deviceId: device.id, deviceName: name, details: { note } });
      })();
      return reader.get(device.id)!;
    },
  };
}
export type Installation = ReturnType<typeof createInstallation>;
