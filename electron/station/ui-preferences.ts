import { UiLocale, type UiPreferences } from '../../shared/preferences.ts';
import type { Db } from './store/database.ts';

/*
 * The UI's preferences when the station runs headless (the desktop app keeps its own in electron-store). They live
 * in `settings`, per station: they belong to whoever operates this station, not to one browser profile.
 */

const LOCALE_KEY = 'ui.locale';

export function createUiPreferences(db: Db) {
  const read = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
  const write = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  const remove = db.prepare('DELETE FROM settings WHERE key = ?');

  function get(): UiPreferences {
    // Re-validated on read: a newer Fieldstation may have stored a language this one does not have.
    const locale = UiLocale.safeParse(read.get(LOCALE_KEY));
    return { locale: locale.success ? locale.data : null };
  }

  return {
    get,
    set(change: Partial<UiPreferences>): UiPreferences {
      if (change.locale === null) remove.run(LOCALE_KEY);
      else if (change.locale !== undefined) write.run(LOCALE_KEY, change.locale);
      return get();
    },
  };
}
export type UiPreferencesStore = ReturnType<typeof createUiPreferences>;
