import { HandoverSettings } from '../../../shared/handover.ts';
import type { Db } from '../store/database.ts';

/** Per-profile hand-over settings; a profile without a row uses the documented defaults. */
export function createHandoverSettings(db: Db) {
  const get = db.prepare('SELECT settings FROM profile_handover WHERE profile_id = ?').pluck();
  const put = db.prepare(`INSERT INTO profile_handover (profile_id, settings) VALUES (?, ?)
    ON CONFLICT (profile_id) DO UPDATE SET settings = excluded.settings`);
  return {
    of(profileId: number): HandoverSettings {
      const text = get.get(profileId) as string | undefined;
      return HandoverSettings.parse(text === undefined ? {} : JSON.parse(text));
    },
    set(profileId: number, settings: HandoverSettings): void {
      put.run(profileId, JSON.stringify(settings));
    },
  };
}
export type HandoverSettingsStore = ReturnType<typeof createHandoverSettings>;
