import { ApiError } from '../../../shared/errors.ts';
import { type SyncTargetChanges, SyncTargetInput, type SyncTargetType } from '../../../shared/sync.ts';
import type { StationKeys } from '../keys.ts';
import type { Db } from '../store/database.ts';
import { open, seal, UnreadableSecretError } from './sealed.ts';
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
  const updateUrl = db.prepare('UPDATE sync_targets SET url = @url, offline_since = NULL WHERE id = @id');

  /** Opens the target's secrets; an ApiError 'credentials_unreadable' when they do not open on this station. */
  function secretsOf(target: TargetRow): Secrets {
    try {
      return JSON.parse(open(key, contextOf(target.name), target.secret_box)) as Secrets;
    } catch (err) {
      if (!(err instanceof UnreadableSecretError)) throw err;
      throw new ApiError('credentials_unreadable', unreadableMessage(target.name), { target: target.name });
    }
  }

  /** Opens the target's secrets for use. */
  function config(target: TargetRow): TargetConfig {
    const secrets = secretsOf(target);
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
  }

  /** The stored target as the input that would store it again (secrets opened), or null when there is none. */
  function inputOf(name: string): SyncTargetInput | null {
    const found = byName.get(name) as TargetRow | undefined;
    if (!found) return null;
    const c = config(found);
    const common = { name: c.name, url: c.url, ...(c.options.allowCreateProfiles ? { allowCreateProfiles: true } : {}) };
    if (c.type === 'webhook') return { ...common, type: 'webhook', secret: c.secret };
    return c.auth.kind === 'apiKey'
      ? { ...common, type: 'thingsboard', apiKey: c.auth.key }
      : { ...common, type: 'thingsboard', username: c.auth.username, password: c.auth.password };
  }

  /**
   * As inputOf, but a target whose credentials cannot be read comes without them: entering them again is how a
   * person repairs it, so the edit must not fail on the very thing it replaces.
   */
  function readableInputOf(name: string): SyncTargetInput | null {
    try {
      return inputOf(name);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'credentials_unreadable') throw err;
      const found = byName.get(name) as TargetRow;
      const options = JSON.parse(found.options) as TargetOptions;
      const common = { name: found.name, url: found.url, ...(options.allowCreateProfiles ? { allowCreateProfiles: true } : {}) };
      if (found.type === 'webhook') return { ...common, type: 'webhook' };
      return found.auth_kind === 'password' ? { ...common, type: 'thingsboard', username: found.username ?? undefined } : { ...common, type: 'thingsboard' };
    }
  }

  /**
   * The stored target with a person's changes laid over it: a credential left out stays, a new API key replaces a
   * login (and the other way round). A name not stored yet needs `type` and every credential. Checked whole.
   */
  function merged(changes: SyncTargetChanges): SyncTargetInput {
    const stored = readableInputOf(changes.name);
    if (!stored && !changes.type) throw new ApiError('not_found', `there is no sync target named '${changes.name}'`);
    if (stored && changes.type && changes.type !== stored.type) {
      throw new ApiError('conflict', `sync target '${changes.name}' is a ${stored.type} target; add a new target for a ${changes.type}`);
    }
    const type = stored?.type ?? changes.type!;
    const draft: Record<string, unknown> = { name: changes.name, type, url: changes.url ?? stored?.url };
    const allow = changes.allowCreateProfiles ?? stored?.allowCreateProfiles;
    if (type === 'webhook') draft.secret = changes.secret ?? stored?.secret;
    else {
      if (allow) draft.allowCreateProfiles = true;
      if (changes.apiKey) draft.apiKey = changes.apiKey;
      else if (changes.username !== undefined || changes.password !== undefined) {
        draft.username = changes.username ?? stored?.username;
        draft.password = changes.password ?? stored?.password;
      } else if (stored) Object.assign(draft, { username: stored.username, password: stored.password, apiKey: stored.apiKey });
      else Object.assign(draft, { username: changes.username, password: changes.password });
    }
    const checked = SyncTargetInput.safeParse(draft);
    if (!checked.success) throw new ApiError('invalid_params', checked.error.issues.map((i) => i.message).join('; '));
    return checked.data;
  }

  function row(name: string): TargetRow {
    const found = byName.get(name) as TargetRow | undefined;
    if (!found) throw new ApiError('not_found', `there is no sync target named '${name}'`);
    return found;
  }

  const store = {
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

    merged,

    /**
     * Edits a stored target: URL, credentials, options. A new URL is taken as the same cloud at another address
     * (a redirect, http to https): devices already synced are not sent again; another cloud deserves a new target.
     */
    edit(changes: SyncTargetChanges, now = Date.now()): TargetRow {
      const input = merged(changes);
      const existing = row(changes.name);
      return db.transaction(() => {
        const url = input.type === 'thingsboard' ? input.url.replace(/\/+$/, '') : input.url;
        if (url !== existing.url) updateUrl.run({ url, id: existing.id });
        return store.add({ ...input, url }, now).target;
      })();
    },

    remove(name: string): void {
      db.prepare('DELETE FROM sync_targets WHERE id = ?').run(row(name).id);
    },

    get: row,
    byId: (id: number) => byId.get(id) as TargetRow | undefined,
    all: () => all.all() as TargetRow[],

    config,

    /** Whether the target's stored credentials open on this station (they do not after a key change or damage). */
    readable(target: TargetRow): boolean {
      try {
        secretsOf(target);
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'credentials_unreadable') return false;
        throw err;
      }
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
  return store;
}

export type TargetStore = ReturnType<typeof createTargetStore>;

/** What a person is told when a target's stored credentials do not open here (sealed.ts). */
export function unreadableMessage(name: string): string {
  return `the credentials of sync target '${name}' cannot be read on this station (they were saved with another station key, or damaged); enter them again to sync to it`;
}
