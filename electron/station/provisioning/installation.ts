import type { Device } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import { parseLabelPayload } from '../../../shared/label-payload.ts';
import { normalizeMac } from '../import/mac.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import type { DeviceReader } from '../store/devices.ts';
import { createOutboxAppender, OutboxKind } from '../store/outbox.ts';

/** How a scanned code found its device. */
export type ScanMatch = 'label' | 'name' | 'serial' | 'mac';

/**
 * On site: a scanned label finds its device (or the manufacturer's sticker does: its serial or MAC barcode); the
 * technician marks it installed with a note on where, which the cloud learns on the next sync.
 */
export function createInstallation(db: Db, reader: DeviceReader, audit: AuditLog) {
  const deviceOfKey = db.prepare('SELECT device_id FROM onboarding_tokens WHERE key = ? AND device_id IS NOT NULL').pluck();
  const install = db.prepare('UPDATE devices SET installed_at = ?, location_note = ? WHERE id = ?');
  // Two at most: one is the answer, two means the code does not tell devices apart. (No index: a scan is one query
  // by a person, and a full scan of 100,000 rows takes milliseconds.)
  const bySerial = db.prepare('SELECT id, name FROM devices WHERE serial = ? ORDER BY id LIMIT 2');
  const bySerialNoCase = db.prepare('SELECT id, name FROM devices WHERE serial = ? COLLATE NOCASE ORDER BY id LIMIT 2');
  const byMac = db.prepare('SELECT id, name FROM devices WHERE mac = ? ORDER BY id LIMIT 2');
  // The cloud learns a device once it holds it (provisioned or imported with credentials); before, sync has nothing to send.
  const knownToSync = db.prepare('SELECT 1 FROM outbox WHERE device_id = ? LIMIT 1').pluck();
  const appendOutbox = createOutboxAppender(db);

  /** A device by the manufacturer's identifiers (the same fields the Devices search looks in), or null. */
  function byIdentifier(code: string): { device: Device; via: ScanMatch } | null {
    const one = (rows: { id: number; name: string }[], what: string): Device | null => {
      if (rows.length === 0) return null;
      if (rows.length > 1) {
        throw new ApiError('not_found', `${rows[0]!.name}, ${rows[1]!.name} and maybe others have the ${what} ${code}; scan the Fieldstation label instead`);
      }
      return reader.get(rows[0]!.id);
    };
    const mac = normalizeMac(code);
    if (mac) {
      const device = one(byMac.all(mac) as { id: number; name: string }[], 'MAC address');
      if (device) return { device, via: 'mac' };
    }
    const serialRows = bySerial.all(code) as { id: number; name: string }[];
    const device = one(serialRows.length ? serialRows : (bySerialNoCase.all(code) as { id: number; name: string }[]), 'serial number');
    return device ? { device, via: 'serial' } : null;
  }

  return {
    locate(scanned: string): Device {
      return this.find(scanned).device;
    },

    /** The device behind a scanned code, and what matched: our label, its name, its serial or its MAC barcode. */
    find(scanned: string): { device: Device; via: ScanMatch } {
      const payload = parseLabelPayload(scanned);
      if (payload === null) {
        // Not one of our labels: maybe the technician typed a device name, or scanned the manufacturer's sticker.
        const code = scanned.trim();
        const byName = reader.getByName(code);
        if (byName) return { device: byName, via: 'name' };
        const found = code ? byIdentifier(code) : null;
        if (found) return found;
        throw new ApiError('not_found', "that is not a Fieldstation label, nor a device's name, serial number or MAC address on this station; scan the label's QR code");
      }
      const id = deviceOfKey.get(payload.key) as number | undefined;
      const device = id === undefined ? null : reader.get(id);
      if (!device) throw new ApiError('not_found', `no device has the label ${payload.key} on this station (a group label, or another station's)`);
      return { device, via: 'label' };
    },

    /** `overwrite`: the person confirmed moving a device already installed elsewhere (see the contract). */
    markInstalled(name: string, note: string, overwrite = false): Device {
      const device = reader.getByName(name);
      if (!device) throw new ApiError('not_found', `no device named '${name}'`);
      const where = note.trim() || null;
      if (device.installedAt && !overwrite) {
        // A repeat of the same check-in (a retried request, a second scan at the same spot) is already true.
        if ((device.locationNote ?? null) === where) return device;
        const at = device.locationNote ? `at “${device.locationNote}”` : 'without a location note';
        throw new ApiError(
          'conflict',
          `${name} is already installed ${at} since ${device.installedAt}; confirm the move to record it here instead`,
          { installedAt: device.installedAt, locationNote: device.locationNote ?? null },
        );
      }
      db.transaction(() => {
        const now = Date.now();
        install.run(now, where, device.id);
        // Audited with what it replaces: a second check-in elsewhere moves the device, and the log says from where.
        audit.append({
          kind: 'device.installed',
          deviceId: device.id,
          deviceName: name,
          details: { note, ...(device.installedAt ? { previousNote: device.locationNote ?? '', previousAt: device.installedAt } : {}) },
        });
        if (knownToSync.get(device.id)) appendOutbox(device.id, OutboxKind.updated, { installed: true }, now);
      })();
      return reader.get(device.id)!;
    },
  };
}
export type Installation = ReturnType<typeof createInstallation>;
