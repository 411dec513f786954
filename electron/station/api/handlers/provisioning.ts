import type { ProvisionAttempt } from '../../../../shared/devices.ts';
import { ApiError } from '../../../../shared/errors.ts';
import type { EngineDeps } from '../../engine.ts';
import type { Devices } from '../../provisioning/devices.ts';
import type { Profiles } from '../../provisioning/profiles.ts';
import type { DeviceReader } from '../../store/devices.ts';
import type { Handlers } from '../router.ts';

interface Deps extends EngineDeps {
  profiles: Profiles;
  devices: Devices;
  reader: DeviceReader;
}

export function provisioningHandlers({ db, profiles, devices, reader }: Deps) {
  const attempts = db.prepare(`SELECT id, at, device_name, transport, outcome, reason, remote_address FROM events
    WHERE kind = 'provision' ORDER BY id DESC LIMIT ?`);
  return {
    'profiles.list': () => profiles.list(),
    'profiles.add': (p) => profiles.add(p),
    'profiles.update': (p) => profiles.update(p),
    'profiles.remove': (p) => {
      profiles.remove(p.profile);
      return {};
    },
    'devices.list': (p) => reader.list(p),
    'devices.get': (p) => {
      const device = reader.detail(p.name);
      if (!device) throw new ApiError('not_found', `no device named '${p.name}'`);
      return device;
    },
    'devices.add': (p) => devices.add(p),
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
