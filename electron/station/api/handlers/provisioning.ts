import type { DeviceEvent, ProvisionAttempt } from '../../../../shared/devices.ts';
import { ApiError } from '../../../../shared/errors.ts';
import type { EngineDeps } from '../../runtime.ts';
import type { Devices } from '../../provisioning/devices.ts';
import type { Installation } from '../../provisioning/installation.ts';
import type { Profiles } from '../../provisioning/profiles.ts';
import { type DeviceReader, withoutSecret } from '../../store/devices.ts';
import { createProvisionTotals } from '../../store/provision-totals.ts';
import { readInPages } from '../../loop-turns.ts';
import type { Handlers } from '../router.ts';

interface Deps extends EngineDeps {
  installation: Installation;
  profiles: Profiles;
  devices: Devices;
  reader: DeviceReader;
}

export function provisioningHandlers({ db, bus, profiles, devices, reader, installation }: Deps) {
  const changed = <T>(entity: 'profiles' | 'devices', value: T, batch: string | null = null): T => {
    bus.publish({ type: 'changed', entity, batch });
    return value;
  };
  const history = db.prepare(`SELECT id, at, kind, outcome, reason, transport, remote_address FROM events
    WHERE device_id = (SELECT id FROM devices WHERE name = @name) OR (device_id IS NULL AND device_name = @name)
    ORDER BY id DESC LIMIT @limit`);
  const totals = createProvisionTotals(db);
  const attempts = db.prepare(`SELECT id, at, device_name, transport, outcome, reason, remote_address FROM events
    WHERE kind = 'provision' ORDER BY id DESC LIMIT ?`);
  const usage = db.prepare(`SELECT p.name AS profile, count(d.id) AS devices,
      coalesce(sum(d.state = 'pending'), 0) AS pending,
      (SELECT count(*) FROM batches b WHERE b.profile_id = p.id) AS batches
    FROM profiles p LEFT JOIN devices d ON d.profile_id = p.id WHERE p.name = ? GROUP BY p.id`);
  return {
    'profiles.list': () => profiles.list(),
    'profiles.usage': (p) => {
      const row = usage.get(p.profile) as { profile: string; devices: number; pending: number; batches: number } | undefined;
      if (!row) throw new ApiError('not_found', `no profile named '${p.profile}'`);
      return row;
    },
    'profiles.add': (p) => changed('profiles', profiles.add(p)),
    'profiles.update': (p) => changed('profiles', profiles.update(p)),
    'profiles.remove': (p) => {
      profiles.remove(p.profile);
      return changed('profiles', {});
    },
    // 100,000 devices in one SQL read held the loop for seconds: read in pages (the first at the caller's offset).
    'devices.list': (p) =>
      readInPages((afterId, limit) => reader.list(afterId === undefined ? { ...p, limit } : { ...p, afterId, offset: 0, limit }), (d) => d.id, p.limit),
    'devices.get': (p) => {
      const device = reader.detail(p.name);
      if (!device) throw new ApiError('not_found', `no device named '${p.name}'`);
      return device;
    },
    'devices.add': (p) => {
      const device = devices.add(p);
      bus.publish({ type: 'device', device: withoutSecret(device) });
      return changed('devices', device, device.batch);
    },
    'devices.events': (p) =>
      (history.all(p) as Record<string, unknown>[]).map(
        (r): DeviceEvent => ({
          id: r.id as number,
          at: new Date(r.at as number).toISOString(),
          kind: r.kind as string,
          outcome: r.outcome as string | null,
          reason: r.reason as string | null,
          transport: r.transport as DeviceEvent['transport'],
          remoteAddress: r.remote_address as string | null,
        }),
      ),
    'devices.locate': (p) => withoutSecret(installation.locate(p.scanned)),
    'devices.lookup': (p) => {
      try {
        const { device, via } = installation.find(p.scanned);
        return { device: withoutSecret(device), message: null, matched: via };
      } catch (err) {
        if (err instanceof ApiError && err.code === 'not_found') return { device: null, message: err.message, matched: null };
        throw err;
      }
    },
    'devices.markInstalled': (p) => {
      const device = withoutSecret(installation.markInstalled(p.name, p.note, p.overwrite));
      bus.publish({ type: 'device', device });
      return device;
    },
    'provisioning.summary': (p) => {
      const since = p.since === undefined ? 0 : Date.parse(p.since);
      return { ...totals.since(since), since: p.since ?? null };
    },
    'provisioning.attempts': (p) =>
      (attempts.all(p.limit) as Record<string, unknown>[]).map(
        (r): ProvisionAttempt => ({
          id: r.id as number,
          at: new Date(r.at as number).toISOString(),
          deviceName: r.device_name as string | null,
          transport: r.transport as ProvisionAttempt['transport'],
          outcome: r.outcome as ProvisionAttempt['outcome'],
          reason: r.reason as string | null,
          remoteAddress: r.remote_address as string | null,
        }),
      ),
  } satisfies Partial<Handlers>;
}
