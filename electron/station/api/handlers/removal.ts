import type { EventBus } from '../../event-bus.ts';
import type { DeviceProfile } from '../../provisioning/device-profile.ts';
import type { ImportLog } from '../../provisioning/imports.ts';
import type { Removal } from '../../provisioning/removal.ts';
import type { Handlers } from '../router.ts';

/** Removing and undoing (provisioning/removal.ts), and moving devices to another profile. */
export function removalHandlers({ removal, imports, deviceProfile, bus }: { removal: Removal; imports: ImportLog; deviceProfile: DeviceProfile; bus: EventBus }) {
  // Lists refetch instead of receiving one event per removed device (a batch may hold 10,000).
  const changed = (batches: readonly string[]) => {
    bus.publish({ type: 'changed', entity: 'devices', batch: batches.length === 1 ? batches[0]! : null });
    bus.publish({ type: 'changed', entity: 'batches', batch: null });
    bus.publish({ type: 'changed', entity: 'tokens', batch: null });
  };
  const run = (...args: Parameters<Removal['remove']>) => {
    const { batches, ...result } = removal.remove(...args);
    if (result.removed > 0 || result.batchRemoved) changed(batches);
    return result;
  };
  return {
    'imports.list': (p) => imports.list(p.batch ?? null, p.limit),
    'imports.undo': (p) => run({ importId: p.id }, p.provisioned),
    'devices.removal.preview': (p) => removal.preview(p),
    'devices.remove': ({ provisioned, ...selection }) => run(selection, provisioned),
    'batches.remove': (p) => run({ batch: p.batch }, p.provisioned),
    'devices.setProfile': (p) => {
      const { moved } = deviceProfile.set(p.names, p.profile);
      if (moved > 0) bus.publish({ type: 'changed', entity: 'devices', batch: null });
      return { moved };
    },
  } satisfies Partial<Handlers>;
}
