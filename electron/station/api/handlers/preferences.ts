import type { UiPreferencesStore } from '../../ui-preferences.ts';
import type { Handlers } from '../router.ts';

export const preferenceHandlers = ({ preferences }: { preferences: UiPreferencesStore }) =>
  ({
    'preferences.get': () => preferences.get(),
    'preferences.set': (p) => preferences.set(p),
  }) satisfies Partial<Handlers>;
