import type { EventBus } from '../../event-bus.ts';
import type { UiPreferencesStore } from '../../ui-preferences.ts';
import type { Handlers } from '../router.ts';

export const preferenceHandlers = ({ preferences, bus }: { preferences: UiPreferencesStore; bus: EventBus }) =>
  ({
    'preferences.get': () => preferences.get(),
    'preferences.set': (p) => {
      const kept = preferences.set(p);
      // Other windows on this station (another tab, a tablet) switch language too, without a reload.
      bus.publish({ type: 'preferences', preferences: kept });
      return kept;
    },
  }) satisfies Partial<Handlers>;
