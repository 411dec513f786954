import { ApiError } from '../../../shared/errors.ts';
import type { SyncTargetInput, SyncTargetType } from '../../../shared/sync.ts';
import type { StationKeys } from '../keys.ts';
import type { Db } from '../store/database.ts';
import { open, seal } from './sealed.ts';
import type { ThingsBoardAuth } from './thingsboard.ts';

// Configured sync targets. Secrets are sealed before they reach SQLite and opened only when a target is used.

export interface TargetRow {
  id: number;
  name: string;
  type: SyncTargetType;
  url: string;
  auth_kind: 'password' | 'api-key' | 'hmac';
  username: string | null;
  secret_box: string;
  options: string;
  cursor: number;
  stopped_reason: string | null;
  offline_since: number | null;
  last_synced_at: number | null;
  lease_owner: string | null;
  lease_until: number;
  created_at: number;
  updated_at: number;
}

export interface TargetOptions {
  allowCreateProfiles?: boolean;
}

/** A target ready to use: secrets opened. Lives in memory only. */
export type TargetConfig = {
  id: number;
  name: string;
  url: string;
  /** Changes whenever credentials or options change (every seal has a fresh IV), so cached clients are rebuilt. */
  version: string;
  options: TargetOptions;
} & ({ type: 'thingsboard'; auth: ThingsBoardAuth } | { type: 'webhook'; secret: string });

interface Secrets {
  password?: string;
  apiKey?: string;
  secret?: string;
}

const KEY_PURPOSE = 'sync-credentials';
// Binds each sealed value to its target's name (see sealed.ts).
const contextOf = (name: string) => `sync-target:${name}`;

export function createTargetStore(db: Db, keys: StationKeys) {
  const key = keys.derive(KEY_PURPOSE);
  const byName = db.prepare('SELECT * FROM sync_targets WHERE name = ?');
  const byId = db.prepare('SELECT * FROM sync_targets WHERE id = ?');
  const all = db.prepare('SELECT * FROM sync_targets ORDER BY id');
  const insert = db.prepare(`INSERT INTO sync_targets
    (name, type, url, auth_kind, username, secret_box, options, created_at, updated_at)
    VALUES (@name, @type, @url, @auth_kind, @username, @secret_box, @options, @now, @now)`);
  const update = db.prepare(`UPDATE sync_targets SET auth_kind = @auth_kind, username = @username,
    secret_box = @secret_box, options = @options, stopped_reason = NULL, updated_at = @now WHERE id = @id`);

  function row(name: string): TargetRow {
    const found = byName.get(name) as TargetRow | undefined;
    if (!found) throw new ApiError('not_found', `there is no sync target named '${name}'`);
    return found;
  }

  return {
    /**
     * Adds a target, or replaces the credentials of one with the same name, type and URL: re-running the same
     * `sync target add` with the right password is how a person repairs a target stopped by a refused login.
     */
    add(input: SyncTargetInput, now = Date.now()): { target: TargetRow; created: boolean } {
      const secrets: Secrets =
        input.type === 'webhook'
          ? { secret: input.secret! }
          : input.apiKey
            ? { apiKey: input.apiKey }
            : { password: input.password! };
      const values = {
        name: input.name,
        type: input.type,
        // ThingsBoard paths are appended to the base URL; a webhook URL is used exactly as given.
        url: input.type === 'thingsboard' ? input.url.replace(/\/+$/, '') : input.url,
        auth_kind: input.type === 'webhook' ? 'hmac' : input.apiKey ? 'api-key' : 'password',
        username: input.type === 'thingsboard' && !input.apiKey ? input.username! : null,
        secret_box: seal(key, contextOf(input.name), JSON.stringify(secrets)),
        options: JSON.stringify(input.allowCreateProfiles ? { allowCreateProfiles: true } : {}),
        now,
      };
      return db.transaction(() => {
        const existing = byName.get(input.name) as TargetRow | undefined;
        if (!existing) {
          const id = Number(insert.run(values).lastInsertRowid);
          return { target: byId.get(id) as TargetRow, created: true };
        }
        // Another cloud under an old name would make "synced" mean the wrong place: ask for an explicit remove.
        if (existing.type !== values.type || existing.url !== values.url) {
          throw new ApiError(
            'conflict',
            `a sync target named '${input.name}' already sends to ${existing.url} (${existing.type}); remove it first to use this name for another place`,
          );
        }
        update.run({ ...values, id: existing.id });
        return { target: byId.get(existing.id) as TargetRow, created: false };
      })();
    },

    remove(name: string): void {
      db.prepare('DELETE FROM sync_targets WHERE id = ?').run(row(name).id);
    },

    get: row,
    byId: (id: number) => byId.get(id) as TargetRow | undefined,
    all: () => all.all() as TargetRow[],

    /** Opens the target's secrets for use. */
    config(target: TargetRow): TargetConfig {
      const secrets = JSON.parse(open(key, contextOf(target.name), target.secret_box)) as Secrets;
      const base = {
        id: target.id,
        name: target.name,
        url: target.url,
        version: `${target.secret_box}|${target.options}`,
        options: JSON.parse(target.options) as TargetOptions,
      };
      if (target.type === 'webhook') return { ...base, type: 'webhook', secret: secrets.secret ?? '' };
      const auth: ThingsBoardAuth =
        target.auth_kind === 'api-key'
          ? { kind: 'apiKey', key: secrets.apiKey ?? '' }
          : { kind: 'password', username: target.username ?? '', password: secrets.password ?? '' };
      return { ...base, type: 'thingsboard', auth };
    },

    stop(id: number, reason: string): void {
      db.prepare('UPDATE sync_targets SET stopped_reason = ? WHERE id = ?').run(reason, id);
    },
    resume(id: number): void {
      db.prepare('UPDATE sync_targets SET stopped_reason = NULL WHERE id = ?').run(id);
    },
    setOffline(id: number, since: number | null): void {
      db.prepare('UPDATE sync_targets SET offline_since = ? WHERE id = ?').run(since, id);
    },
  };
}

export type TargetStore = ReturnType<typeof createTargetStore>;
