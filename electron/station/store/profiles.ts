import type { Profile } from '../../../shared/profiles.ts';
import type { CredentialsType, ProvisionStrategy, ReprovisionPolicy } from '../../../shared/provisioning.ts';
import type { Db } from './database.ts';

export interface ProfileRow {
  id: number;
  name: string;
  provision_key: string;
  provision_secret: string;
  strategy: ProvisionStrategy;
  default_credentials_type: CredentialsType;
  reprovision: ReprovisionPolicy;
  inactivity_timeout_ms: number;
  created_at: number;
  updated_at: number;
}

export function toProfile(row: ProfileRow): Profile {
  return {
    id: row.id,
    name: row.name,
    provisionDeviceKey: row.provision_key,
    provisionDeviceSecret: row.provision_secret,
    strategy: row.strategy,
    defaultCredentialsType: row.default_credentials_type,
    reprovision: row.reprovision,
    inactivityTimeoutMs: row.inactivity_timeout_ms,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export function createProfileStore(db: Db) {
  const byKey = db.prepare('SELECT * FROM profiles WHERE provision_key = ?');
  const byName = db.prepare('SELECT * FROM profiles WHERE name = ?');
  const byId = db.prepare('SELECT * FROM profiles WHERE id = ?');
  const all = db.prepare('SELECT * FROM profiles ORDER BY name');
  return {
    byKey: (key: string) => byKey.get(key) as ProfileRow | undefined,
    byName: (name: string) => byName.get(name) as ProfileRow | undefined,
    byId: (id: number) => byId.get(id) as ProfileRow | undefined,
    all: () => all.all() as ProfileRow[],
  };
}
export type ProfileStore = ReturnType<typeof createProfileStore>;
