import { ApiError } from '../../../../shared/errors.ts';
import type { EventBus } from '../../event-bus.ts';
import type { Handovers } from '../../handover/handovers.ts';
import type { HandoverSettingsStore } from '../../handover/settings.ts';
import type { Profiles } from '../../provisioning/profiles.ts';
import type { Handlers } from '../router.ts';

export interface HandoverHandlerDeps {
  handovers: Handovers;
  settings: HandoverSettingsStore;
  profiles: Profiles;
  bus: EventBus;
  /** Sync first: the devices must reach the cloud before they are told to go there. */
  wakeSync(): void;
}

export function handoverHandlers({ handovers, settings, profiles, bus, wakeSync }: HandoverHandlerDeps) {
  const profileId = (name: string) => profiles.require(name).id;
  return {
    'handover.start': (p) => {
      const result = handovers.start(p, Date.now());
      if (result.started === 0 && result.skipped.length === 0) throw new ApiError('not_found', 'no devices to hand over');
      bus.publish({ type: 'changed', entity: 'handovers', batch: p.batch ?? null });
      wakeSync();
      return result;
    },
    'handover.status': (p) => handovers.status(p),
    'handover.settings.get': (p) => settings.of(profileId(p.profile)),
    'handover.settings.set': (p) => {
      const id = profileId(p.profile);
      settings.set(id, p.settings);
      return settings.of(id);
    },
  } satisfies Partial<Handlers>;
}
