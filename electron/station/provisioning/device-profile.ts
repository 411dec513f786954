import { ApiError } from '../../../shared/errors.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { stationActor } from './actor.ts';
import type { Profiles } from './profiles.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

// Moving devices to another profile (imported under the wrong one). Only devices that never provisioned move: a
// provisioned device got its credentials under its profile's rules and the cloud may hold it under that device type;
// it is reset to pending first (devices.reset) if it really must move.
//
// Credentials stay: they were assigned at import (or by `device add`), may be printed or flashed into the firmware,
// and are the device's identity; the new profile's default credentials type applies only to devices without any.
// The devices' own onboarding tokens follow them (their profile decides "give the same credentials again"). Nothing
// goes to the outbox: a pending device is not the cloud's yet, and when it provisions it arrives with its new type.

export function createDeviceProfile(db: Db, profiles: Profiles, audit: AuditLog) {
  const rows = db.prepare(`SELECT d.id, d.name, d.state, p.name AS profile FROM devices d JOIN profiles p ON p.id = d.profile_id
    WHERE d.name IN (SELECT value FROM json_each(?))`);
  const move = db.prepare('UPDATE devices SET profile_id = ? WHERE id IN (SELECT value FROM json_each(?))');
  const moveTokens = db.prepare(`UPDATE onboarding_tokens SET profile_id = ?
    WHERE device_id IN (SELECT value FROM json_each(?)) AND revoked_at IS NULL`);

  return {
    set(names: string[], profileName: string): { ids: number[]; moved: number } {
      return db.transaction(() => {
        const profile = profiles.require(profileName);
        const found = rows.all(JSON.stringify(names)) as { id: number; name: string; state: string; profile: string }[];
        const wanted = new Set(names);
        if (found.length < wanted.size) {
          const missing = names.find((n) => !found.some((f) => f.name === n));
          throw new ApiError('not_found', `no device named '${missing}'`);
        }
        const provisioned = found.filter((d) => d.state !== 'pending');
        if (provisioned.length > 0) {
          const who = provisioned.length === 1 ? `device '${provisioned[0]!.name}' is` : `${provisioned.length} of these devices are`;
          throw new ApiError('conflict', `${who} already provisioned under its profile; reset to pending first to move it`);
        }
        const moving = found.filter((d) => d.profile !== profile.name);
        const ids = JSON.stringify(moving.map((d) => d.id));
        move.run(profile.id, ids);
        moveTokens.run(profile.id, ids);
        for (const d of moving) {
          audit.append({
            kind: 'device.profile-changed',
            deviceId: d.id,
            deviceName: d.name,
            reason: reasonText('profileChanged', { from: d.profile, to: profile.name }),
            details: { actor: stationActor, from: d.profile, to: profile.name },
          });
        }
        return { ids: found.map((d) => d.id), moved: moving.length };
      })();
    },
  };
}
export type DeviceProfile = ReturnType<typeof createDeviceProfile>;
