import type { Db } from './database.ts';

// The outbox: every change the cloud must learn, appended in the same transaction as the change (provisioning
// writes its own rows in provision.ts; other writers use `appendOutbox`). It is append-only: rows are never
// deleted, so ids are never reused (INTEGER PRIMARY KEY reuses the max id after a delete), per-target cursors stay
// valid, and a target added later still learns every device. A row is ~100 bytes: 10,000 devices are ~1 MB.

export const OutboxKind = {
  /** The device was provisioned (or imported already provisioned): the cloud must have it with its credentials. */
  provisioned: 'device.provisioned',
  /** Something the cloud holds about the device changed (e.g. its server attributes): send its current state again. */
  updated: 'device.updated',
} as const;
export type OutboxKind = (typeof OutboxKind)[keyof typeof OutboxKind];

export interface OutboxEntry {
  id: number;
  kind: string;
  payload: unknown;
  createdAt: number;
}

/** For writers other than provisioning: call inside the transaction that makes the change. */
export function createOutboxAppender(db: Db) {
  const insert = db.prepare('INSERT INTO outbox (device_id, kind, payload, created_at) VALUES (?, ?, ?, ?)');
  return (deviceId: number, kind: OutboxKind, payload: Record<string, unknown>, now = Date.now()): number =>
    Number(insert.run(deviceId, kind, JSON.stringify(payload), now).lastInsertRowid);
}
