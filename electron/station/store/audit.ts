import type { Db } from './database.ts';

export interface AuditEntry {
  kind: string;
  deviceId?: number | null;
  deviceName?: string | null;
  transport?: string | null;
  outcome?: string | null;
  reason?: string | null;
  remoteAddress?: string | null;
  /** Never put a secret here: the audit log is readable by anyone with the admin UI. */
  details?: Record<string, unknown>;
}

export function createAuditLog(db: Db) {
  const insert = db.prepare(`INSERT INTO events
    (at, kind, device_id, device_name, transport, outcome, reason, remote_address, details)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return {
    /** Appends one entry (inside the caller's transaction, if any) and returns its id and time. */
    append(entry: AuditEntry): { id: number; at: number } {
      const at = Date.now();
      // Positional, not named (@at, ...): better-sqlite3 looks each named parameter up in an object, and every
      // provisioning attempt writes one entry on the writer thread.
      const info = insert.run(
        at,
        entry.kind,
        entry.deviceId ?? null,
        entry.deviceName ?? null,
        entry.transport ?? null,
        entry.outcome ?? null,
        entry.reason ?? null,
        entry.remoteAddress ?? null,
        entry.details ? JSON.stringify(entry.details) : null,
      );
      return { id: Number(info.lastInsertRowid), at };
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
