// The UI language the desktop app remembers (issue 12): in electron-store beside the window's state, not in the
// page's localStorage, so the choice belongs to the app, survives a cleared browser profile, and is what the
// window opens in next time. Pure (no `electron` import): preferences.ts hands in its electron-store, tests a `conf`.
import { UiLocale } from '../../shared/preferences.ts';

const KEY = 'uiLocale';

/** The part of electron-store (or its core, `conf`) this needs. */
export interface UiLocaleBacking {
  get(key: typeof KEY): unknown;
  set(key: typeof KEY, value: UiLocale): void;
  delete(key: typeof KEY): void;
}

export interface UiLocaleStore {
  /** The remembered language, or null when none was chosen (or the file holds one this version lacks). */
  get(): UiLocale | null;
  /** Remembers `locale`; null forgets it (the OS language decides again). */
  set(locale: UiLocale | null): null;
}

export function createUiLocaleStore(backing: UiLocaleBacking): UiLocaleStore {
  return {
    get() {
      // Re-validated on read: the file may come from another version, or be hand-edited.
      const saved = UiLocale.safeParse(backing.get(KEY));
      return saved.success ? saved.data : null;
    },
    set(locale) {
      if (locale === null) backing.delete(KEY);
      else backing.set(KEY, locale);
      return null;
    },
  };
}
