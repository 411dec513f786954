import { asLabelLanguage } from '../../../shared/label-words.ts';
import { createAttributeStore } from '../store/attributes.ts';
import type { Db } from '../store/database.ts';
import { OutboxKind, createOutboxAppender } from '../store/outbox.ts';
import type { Bundle, BundleDevice } from './bundle-format.ts';
import type { TelemetryPoint } from './telemetry.ts';

// Importing a verified bundle (see bundle.ts) into a station: the same devices with the same credentials and
// attributes, in one transaction. Idempotent: a device already here with the same credentials is left alone; one
// here with different credentials is a conflict, reported and never overwritten. Provisioned devices get an outbox
// entry, so this station then syncs them to its cloud like devices it provisioned itself. Telemetry is merged by
// (device, key, ts), also into devices already here: importing a newer bundle of the same site adds only the newer
// readings, and importing one twice adds nothing. New telemetry of a device already synced makes it pending again.

export interface BundleImportResult {
  imported: number;
  /** Already here, same credentials. */
  present: number;
  conflicts: Array<{ device: string; message: string }>;
  profilesCreated: string[];
  batchesCreated: string[];
  /** Telemetry values added (new ones only). */
  telemetry: number;
}

export function importBundle(db: Db, bundle: Bundle, now = Date.now()): BundleImportResult {
  const profileId = db.prepare('SELECT id FROM profiles WHERE name = ?').pluck();
  const profileKeyOwner = db.prepare('SELECT name FROM profiles WHERE provision_key = ?').pluck();
  const insertProfile = db.prepare(`INSERT INTO profiles
    (name, provision_key, provision_secret, strategy, default_credentials_type, reprovision, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const batchId = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const insertBatch = db.prepare('INSERT INTO batches (name, site, profile_id, notes, language, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const existing = db.prepare(`SELECT d.id, c.type, c.credentials_id, c.value FROM devices d
    LEFT JOIN credentials c ON c.device_id = d.id WHERE d.name = ?`);
  const credentialsOwner = db.prepare('SELECT d.name FROM credentials c JOIN devices d ON d.id = c.device_id WHERE c.credentials_id = ?').pluck();
  const insertDevice = db.prepare(`INSERT INTO devices (name, profile_id, batch_id, serial, mac, label, is_gateway, state,
      provisioned_at, provisioned_via, last_seen_at, created_at)
    VALUES (@name, @profileId, @batchId, @serial, @mac, @label, @gateway, @state, @provisionedAt, @provisionedVia, @lastSeenAt, @now)`);
  const insertCredentials = db.prepare('INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)');
  const insertAttribute = db.prepare('INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, ?, ?, ?, ?)');
  const appendOutbox = createOutboxAppender(db);
  const attributes = createAttributeStore(db);
  const telemetryHere = db.prepare('SELECT ts, key FROM telemetry WHERE device_id = ?');
  const insertTelemetry = db.prepare('INSERT INTO telemetry (device_id, ts, key, value) VALUES (?, ?, ?, ?)');
  const upsertLatest = db.prepare(`INSERT INTO telemetry_latest (device_id, key, value, ts) VALUES (?, ?, ?, ?)
    ON CONFLICT (device_id, key) DO UPDATE SET value = excluded.value, ts = excluded.ts WHERE excluded.ts >= ts`);

  return db.transaction((): BundleImportResult => {
    const result: BundleImportResult = { imported: 0, present: 0, conflicts: [], profilesCreated: [], batchesCreated: [], telemetry: 0 };
    for (const p of bundle.payload.profiles) {
      if (profileId.get(p.name) !== undefined) continue; // this station's own settings for it win
      const owner = profileKeyOwner.get(p.provisionDeviceKey) as string | undefined;
      if (owner !== undefined) {
        throw new Error(`the bundle's profile '${p.name}' uses the provision key of this station's profile '${owner}'; rename one of them first`);
      }
      const id = Number(
        insertProfile.run(p.name, p.provisionDeviceKey, p.provisionDeviceSecret, p.strategy, p.defaultCredentialsType, p.reprovision, now, now)
          .lastInsertRowid,
      );
      attributes.setShared('profile', id, p.attributes ?? {}, now);
      result.profilesCreated.push(p.name);
    }
    for (const b of bundle.payload.batches) {
      if (batchId.get(b.name) !== undefined) continue;
      const id = Number(insertBatch.run(b.name, b.site, b.profile === null ? null : profileId.get(b.profile), b.notes, asLabelLanguage(b.language), now).lastInsertRowid);
      attributes.setShared('batch', id, b.attributes ?? {}, now);
      result.batchesCreated.push(b.name);
    }
    for (const d of bundle.payload.devices) {
      const conflict = conflictOf(d);
      if (conflict === 'present') {
        result.present += 1;
        result.telemetry += mergeTelemetry((existing.get(d.name) as { id: number }).id, d.telemetry);
      } else if (conflict !== null) result.conflicts.push({ device: d.name, message: conflict });
      else {
        result.telemetry += mergeTelemetry(insert(d), d.telemetry);
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

  /** Adds the readings this station lacks, keyed like ThingsBoard's (key, ts); returns how many. */
  function mergeTelemetry(deviceId: number, points: TelemetryPoint[] | undefined): number {
    if (!points?.length) return 0;
    const have = new Set((telemetryHere.all(deviceId) as { ts: number; key: string }[]).map((r) => `${r.key}\u0000${r.ts}`));
    let added = 0;
    for (const p of points) {
      for (const [key, value] of Object.entries(p.values)) {
        const id = `${key}\u0000${p.ts}`;
        if (have.has(id)) continue;
        have.add(id);
        const json = JSON.stringify(value);
        insertTelemetry.run(deviceId, p.ts, key, json);
        upsertLatest.run(deviceId, key, json, p.ts);
        added += 1;
      }
    }
    return added;
  }

  function insert(d: BundleDevice): number {
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
    return id;
  }
}
