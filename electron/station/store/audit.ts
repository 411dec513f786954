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
    VALUES (@at, @kind, @deviceId, @deviceName, @transport, @outcome, @reason, @remoteAddress, @details)`);
  return {
    /** Appends one entry (inside the caller's transaction, if any) and returns its id and time. */
    append(entry: AuditEntry): { id: number; at: number } {
      const at = Date.now();
      const info = insert.run({
        at,
        kind: entry.kind,
        deviceId: entry.deviceId ?? null,
        deviceName: entry.deviceName ?? null,
        transport: entry.transport ?? null,
        outcome: entry.outcome ?? null,
        reason: entry.reason ?? null,
        remoteAddress: entry.remoteAddress ?? null,
        details: entry.details ? JSON.stringify(entry.details) : null,
      });
      return { id: Number(info.lastInsertRowid), at };
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
