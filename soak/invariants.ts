import Database from 'better-sqlite3';
import { join } from 'node:path';
import { OutboxKind } from '../electron/station/store/outbox.ts';
import type { ThingsBoardCloud } from '../test/support/thingsboard-cloud.ts';
import type { Told } from './traffic.ts';

// What must hold after any number of SIGKILLs (DESIGN.md, "Data" and "Sync"). Each check returns the violations it
// found (empty: it holds), named so the summary says which promise broke and for which device or token.

export interface Check {
  name: string;
  checked: number;
  violations: string[];
}

/** The device's credentials as `fieldstation devices --json` prints them. */
export interface StoredDevice {
  name: string;
  credentialsType: string | null;
  credentialsValue: unknown;
}

const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Every device told SUCCESS is stored, with exactly the credentials it was told. */
export function toldAreStored(told: Map<string, Told>, stored: StoredDevice[]): Check {
  const byName = new Map(stored.map((d) => [d.name, d]));
  const violations: string[] = [];
  for (const [name, t] of told) {
    const d = byName.get(name);
    if (d === undefined) violations.push(`${name}: told SUCCESS over ${t.via}, not stored`);
    else if (d.credentialsType !== t.credentialsType || !sameValue(asText(d.credentialsValue), t.credentialsValue)) {
      violations.push(`${name}: told ${t.credentialsType} ${t.credentialsValue}, stored ${d.credentialsType} ${asText(d.credentialsValue)}`);
    }
  }
  return { name: 'every device told SUCCESS is stored with those credentials', checked: told.size, violations };
}

/** MQTT_BASIC values are objects: compare them as JSON, not as text with a key order. */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const [x, y] = [JSON.parse(a) as Record<string, unknown>, JSON.parse(b) as Record<string, unknown>];
    return Object.keys({ ...x, ...y }).every((k) => x[k] === y[k]);
  } catch {
    return false;
  }
}

/** No onboarding token redeemed more often than its limit: by the answers devices got, and by the station's count. */
export function tokensWithinLimits(dataDir: string, successes: Map<string, number>): Check {
  const db = new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT key, uses, max_uses AS maxUses, (SELECT count(*) FROM token_redemptions r WHERE r.token_id = t.id) AS redemptions FROM onboarding_tokens t').all() as Array<{ key: string; uses: number; maxUses: number; redemptions: number }>;
    const violations: string[] = [];
    for (const t of rows) {
      const told = successes.get(t.key) ?? 0;
      if (told > t.maxUses) violations.push(`${t.key}: ${told} devices told SUCCESS, limit ${t.maxUses}`);
      if (t.uses > t.maxUses) violations.push(`${t.key}: counted ${t.uses} uses, limit ${t.maxUses}`);
      if (told > t.uses) violations.push(`${t.key}: ${told} devices told SUCCESS, but only ${t.uses} uses counted`);
    }
    return { name: 'no onboarding token redeemed beyond its limit', checked: rows.length, violations };
  } finally {
    db.close();
  }
}

/**
 * The outbox holds every change not yet synced: a provisioned device the cloud does not have yet has its outbox row,
 * and the station never marks synced what the cloud lacks. Checked with the station SIGKILLed, before any restart.
 */
export function outboxCoversUnsynced(dataDir: string, cloud: ThingsBoardCloud): Check {
  const db = new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
  try {
    const devices = db
      .prepare(
        `SELECT d.name, (SELECT count(*) FROM outbox o WHERE o.device_id = d.id AND o.kind = ?) AS rows,
           (SELECT group_concat(s.state) FROM sync_devices s WHERE s.device_id = d.id) AS syncState
         FROM devices d WHERE d.state <> 'pending'`,
      )
      .all(OutboxKind.provisioned) as Array<{ name: string; rows: number; syncState: string | null }>;
    const violations: string[] = [];
    let unsynced = 0;
    for (const d of devices) {
      if (d.rows === 0) violations.push(`${d.name}: provisioned but no outbox row`);
      if (cloud.state.deviceByName(d.name) !== undefined) continue;
      unsynced += 1;
      if (d.syncState === 'synced') violations.push(`${d.name}: marked synced, the cloud does not have it`);
    }
    return { name: `the outbox holds every change not yet synced (${unsynced} waiting at the last kill)`, checked: devices.length, violations };
  } finally {
    db.close();
  }
}

/** After the final drain: the cloud has every stored device once, with the station's credentials. */
export function syncedExactlyOnce(stored: StoredDevice[], cloud: ThingsBoardCloud): Check {
  const violations: string[] = [];
  const provisioned = stored.filter((d) => d.credentialsType !== null);
  const credentialsOf = new Map([...cloud.state.credentials.values()].map((c) => [c.deviceId, c]));
  for (const d of provisioned) {
    const created = cloud.stats.devicesCreatedNamed(d.name);
    if (created !== 1) {
      violations.push(`${d.name}: created ${created} times in the cloud`);
      continue;
    }
    const there = cloud.state.deviceByName(d.name)!;
    const c = credentialsOf.get(there.id);
    const value = d.credentialsType === 'ACCESS_TOKEN' ? c?.credentialsId : c?.credentialsValue;
    if (c?.credentialsType !== d.credentialsType || !sameValue(value ?? '', asText(d.credentialsValue))) {
      violations.push(`${d.name}: cloud credentials ${c?.credentialsType} ${value}, station ${d.credentialsType} ${asText(d.credentialsValue)}`);
    }
  }
  const extra = cloud.stats.devicesCreated - provisioned.length;
  if (extra > 0) violations.push(`${extra} devices created in the cloud beyond those stored`);
  return { name: 'nothing synced twice: each device created once, with its credentials', checked: provisioned.length, violations };
}

/** Devices the station holds as provisioned (read-only; safe while it serves). */
export function provisionedCount(dataDir: string): number {
  const db = new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT count(*) FROM devices WHERE state <> 'pending'").pluck().get() as number;
  } finally {
    db.close();
  }
}
