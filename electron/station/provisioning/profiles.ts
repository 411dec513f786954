import { ApiError } from '../../../shared/errors.ts';
import type { Profile, ProfileInput, ProfileUpdate } from '../../../shared/profiles.ts';
import type { z } from 'zod';
import type { Db } from '../store/database.ts';
import { createProfileStore, toProfile } from '../store/profiles.ts';

/** Profiles: the provisioning key/secret pair and the rules devices of that profile are provisioned by. */
export function createProfiles(db: Db) {
  const store = createProfileStore(db);
  const insert = db.prepare(`INSERT INTO profiles
    (name, provision_key, provision_secret, strategy, default_credentials_type, reprovision, inactivity_timeout_ms,
      created_at, updated_at)
    VALUES (@name, @provisionDeviceKey, @provisionDeviceSecret, @strategy, @defaultCredentialsType, @reprovision,
      @inactivityTimeoutMs, @now, @now)`);
  const update = db.prepare(`UPDATE profiles SET name = @name, provision_key = @provisionDeviceKey,
    provision_secret = @provisionDeviceSecret, strategy = @strategy, default_credentials_type = @defaultCredentialsType,
    reprovision = @reprovision, inactivity_timeout_ms = @inactivityTimeoutMs, updated_at = @now WHERE id = @id`);
  const inUse = db.prepare('SELECT (SELECT count(*) FROM devices WHERE profile_id = ?) + (SELECT count(*) FROM batches WHERE profile_id = ?)').pluck();
  const remove = db.prepare('DELETE FROM profiles WHERE id = ?');

  function checkUnique(name: string, key: string, exceptId: number | null): void {
    const sameName = store.byName(name);
    if (sameName && sameName.id !== exceptId) throw new ApiError('conflict', `a profile named '${name}' already exists`);
    // The key alone selects the profile a device provisions into, so it must be unique across profiles.
    const sameKey = store.byKey(key);
    if (sameKey && sameKey.id !== exceptId) {
      throw new ApiError('conflict', `profile '${sameKey.name}' already uses that provision key; keys must be unique`);
    }
  }

  function require(name: string) {
    const row = store.byName(name);
    if (!row) throw new ApiError('not_found', `no profile named '${name}'`);
    return row;
  }

  return {
    store,
    require,
    list: (): Profile[] => store.all().map(toProfile),
    add(input: z.output<typeof ProfileInput>): Profile {
      return db.transaction(() => {
        checkUnique(input.name, input.provisionDeviceKey, null);
        const id = Number(insert.run({ ...input, now: Date.now() }).lastInsertRowid);
        return toProfile(store.byId(id)!);
      })();
    },
    update(change: z.output<typeof ProfileUpdate>): Profile {
      return db.transaction(() => {
        const current = toProfile(require(change.profile));
        const next = { ...current, ...Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) };
        checkUnique(next.name, next.provisionDeviceKey, current.id);
        update.run({ ...next, id: current.id, now: Date.now() });
        return toProfile(store.byId(current.id)!);
      })();
    },
    remove(name: string): void {
      db.transaction(() => {
        const row = require(name);
        const n = inUse.get(row.id, row.id) as number;
        if (n > 0) throw new ApiError('conflict', `profile '${name}' still has ${n} devices or batches; move or remove them first`);
        remove.run(row.id);
      })();
    },
  };
}
export type Profiles = ReturnType<typeof createProfiles>;
