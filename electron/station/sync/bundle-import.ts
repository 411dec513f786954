import type { Db } from '../store/database.ts';
import type { Bundle, BundleDevice } from './bundle.ts';
import { OutboxKind, createOutboxAppender } from '../store/outbox.ts';

// Importing a verified bundle (see bundle.ts) into a station: the same devices with the same credentials and
// attributes, in one transaction. Idempotent: a device already here with the same credentials is left alone; one
// here with different credentials is a conflict, reported and never overwritten. Provisioned devices get an outbox
// entry, so this station then syncs them to its cloud like devices it provisioned itself.

export interface BundleImportResult {
  imported: number;
  /** Already here, same credentials. */
  present: number;
  conflicts: Array<{ device: string; message: string }>;
  profilesCreated: string[];
  batchesCreated: string[];
}

export function importBundle(db: Db, bundle: Bundle, now = Date.now()): BundleImportResult {
  const profileId = db.prepare('SELECT id FROM profiles WHERE name = ?').pluck();
  const profileKeyOwner = db.prepare('SELECT name FROM profiles WHERE provision_key = ?').pluck();
  const insertProfile = db.prepare(`INSERT INTO profiles
    (name, provision_key, provision_secret, strategy, default_credentials_type, reprovision, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const batchId = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const insertBatch = db.prepare('INSERT INTO batches (name, site, profile_id, notes, created_at) VALUES (?, ?, ?, ?, ?)');
  const existing = db.prepare(`SELECT d.id, c.type, c.credentials_id, c.value FROM devices d
    LEFT JOIN credentials c ON c.device_id = d.id WHERE d.name = ?`);
  const credentialsOwner = db.prepare('SELECT d.name FROM credentials c JOIN devices d ON d.id = c.device_id WHERE c.credentials_id = ?').pluck();
  const insertDevice = db.prepare(`INSERT INTO devices (name, profile_id, batch_id, serial, mac, label, is_gateway, state,
      provisioned_at, provisioned_via, last_seen_at, created_at)
    VALUES (@name, @profileId, @batchId, @serial, @mac, @label, @gateway, @state, @provisionedAt, @provisionedVia, @lastSeenAt, @now)`);
  const insertCredentials = db.prepare('INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)');
  const insertAttribute = db.prepare('INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, ?, ?, ?, ?)');
  const appendOutbox = createOutboxAppender(db);

  return db.transaction((): BundleImportResult => {
    const result: BundleImportResult = { imported: 0, present: 0, conflicts: [], profilesCreated: [], batchesCreated: [] };
    for (const p of bundle.payload.profiles) {
      if (profileId.get(p.name) !== undefined) continue; // this station's own settings for it win
      const owner = profileKeyOwner.get(p.provisionDeviceKey) as string | undefined;
      if (owner !== undefined) {
        throw new Error(`the bundle's profile '${p.name}' uses the provision key of this station's profile '${owner}'; rename one of them first`);
      }
      insertProfile.run(p.name, p.provisionDeviceKey, p.provisionDeviceSecret, p.strategy, p.defaultCredentialsType, p.reprovision, now, now);
      result.profilesCreated.push(p.name);
    }
    for (const b of bundle.payload.batches) {
      if (batchId.get(b.name) !== undefined) continue;
      insertBatch.run(b.name, b.site, b.profile === null ? null : profileId.get(b.profile), b.notes, now);
      result.batchesCreated.push(b.name);
    }
    for (const d of bundle.payload.devices) {
      const conflict = conflictOf(d);
      if (conflict === 'present') result.present += 1;
      else if (conflict !== null) result.conflicts.push({ device: d.name, message: conflict });
      else {
        insert(d);
        result.imported += 1;
      }
    }
    return result;
  })();

  /** null: new here; 'present': same device already here; else why it cannot be imported. */
  function conflictOf(d: BundleDevice): string | null {
    const here = existing.get(d.name) as { id: number; type: string | null; credentials_id: string | null; value: string | null } | undefined;
    const c = d.credentials;
    if (here) {
      const same = c === null ? here.type === null : here.type === c.type && here.credentials_id === c.credentialsId && here.value === c.value;
      return same ? 'present' : `a device named '${d.name}' is already here with different credentials; it was left as it is`;
    }
    if (c !== null) {
      const owner = credentialsOwner.get(c.credentialsId) as string | undefined;
      if (owner !== undefined) return `its credentials already belong to device '${owner}' here; it was not imported`;
    }
    if (profileId.get(d.profile) === undefined) return `the bundle names profile '${d.profile}' but does not carry it`;
    return null;
  }

  function insert(d: BundleDevice): void {
    const id = Number(
      insertDevice.run({
        name: d.name,
        profileId: profileId.get(d.profile),
        batchId: d.batch === null ? null : (batchId.get(d.batch) ?? null),
        serial: d.serial,
        mac: d.mac,
        label: d.label,
        gateway: d.gateway ? 1 : 0,
        state: d.state,
        provisionedAt: d.provisionedAt,
        provisionedVia: d.provisionedVia,
        lastSeenAt: d.lastSeenAt,
        now,
      }).lastInsertRowid,
    );
    if (d.credentials) insertCredentials.run(id, d.credentials.type, d.credentials.credentialsId, d.credentials.value);
    for (const [scope, values] of Object.entries(d.attributes)) {
      for (const [key, value] of Object.entries(values)) insertAttribute.run(id, scope, key, JSON.stringify(value), now);
    }
    if (d.state !== 'pending') appendOutbox(id, OutboxKind.provisioned, { name: d.name, via: d.provisionedVia, imported: true }, now);
  }
}
