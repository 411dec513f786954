import type { z } from 'zod';
import { ApiError } from '../../../shared/errors.ts';
import type { DeviceSelection, ProvisionedChoice, RemovalPreview, RemovalResult } from '../../../shared/removal.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { stationActor } from './actor.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

// Removing devices: one, a selection, a batch, or what one import created ("undo this import").
//
// What the cloud learns: nothing is deleted there. A device a sync target already holds may be running against that
// cloud (after a hand-over) and ThingsBoard's DELETE /api/device/{id} also drops its telemetry and credentials for
// good; whether it goes is the cloud owner's decision. The station stops syncing it at once: its per-target rows
// (sync_devices) go with it, and its outbox rows stay (append-only, cursors stay valid) with device_id NULL, which the
// spread skips (sync/outbox-reader.ts). No other device's queued change is touched. The confirmation names how many
// are in the cloud, and the audit log keeps every removed device by name.

export type Selection = z.output<typeof DeviceSelection>;

interface Where {
  sql: string;
  params: Record<string, unknown>;
  batchId: number | null;
  importId: number | null;
}

export function createRemoval(db: Db, audit: AuditLog) {
  const batchId = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const importById = db.prepare('SELECT id, batch_id, undone_at FROM imports WHERE id = ?');
  const knownNames = db.prepare('SELECT count(*) FROM devices WHERE name IN (SELECT value FROM json_each(?))').pluck();
  const groupTokens = db.prepare(`SELECT count(*) FROM onboarding_tokens WHERE batch_id = ? AND device_id IS NULL
    AND revoked_at IS NULL AND uses < max_uses`).pluck();
  const deleteBatchTokens = db.prepare('DELETE FROM onboarding_tokens WHERE batch_id = ?');
  const deleteBatch = db.prepare('DELETE FROM batches WHERE id = ?');
  const markUndone = db.prepare('UPDATE imports SET undone_at = ? WHERE id = ?');
  const batchNames = db.prepare('SELECT name FROM batches WHERE id IN (SELECT value FROM json_each(?))').pluck();

  function where(s: Selection): Where {
    if (s.names !== undefined) {
      const names = JSON.stringify(s.names);
      const found = knownNames.get(names) as number;
      if (found < new Set(s.names).size) {
        const missing = s.names.length === 1 ? `no device named '${s.names[0]}'` : `${new Set(s.names).size - found} of these devices do not exist`;
        throw new ApiError('not_found', missing);
      }
      return { sql: 'd.name IN (SELECT value FROM json_each(@names))', params: { names }, batchId: null, importId: null };
    }
    if (s.batch !== undefined) {
      const id = batchId.get(s.batch) as number | undefined;
      if (id === undefined) throw new ApiError('not_found', `no batch named '${s.batch}'`);
      return { sql: 'd.batch_id = @batchId', params: { batchId: id }, batchId: id, importId: null };
    }
    const record = importById.get(s.importId) as { id: number; batch_id: number | null; undone_at: number | null } | undefined;
    if (!record) throw new ApiError('not_found', `no import with id ${s.importId}`);
    return { sql: 'd.import_id = @importId', params: { importId: record.id }, batchId: null, importId: record.id };
  }

  function preview(s: Selection): RemovalPreview {
    const w = where(s);
    const counts = db
      .prepare(`SELECT count(*) AS devices,
          count(*) FILTER (WHERE d.state <> 'pending') AS provisioned,
          count(*) FILTER (WHERE d.state = 'online') AS online,
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sync_devices s WHERE s.device_id = d.id
            AND (s.acked_through > 0 OR s.cloud_id IS NOT NULL))) AS inCloud
        FROM devices d WHERE ${w.sql}`)
      .get(w.params) as Omit<RemovalPreview, 'tokens'>;
    const deviceTokens = db
      .prepare(`SELECT count(*) FROM onboarding_tokens t JOIN devices d ON d.id = t.device_id
        WHERE ${w.sql} AND t.revoked_at IS NULL AND t.uses < t.max_uses`)
      .pluck()
      .get(w.params) as number;
    const tokens = deviceTokens + (w.batchId === null ? 0 : (groupTokens.get(w.batchId) as number));
    return { ...counts, tokens };
  }

  return {
    preview,

    /** Removes the selection in one transaction; returns the counts, the batches whose lists changed and the ids gone. */
    remove(s: Selection, provisioned: ProvisionedChoice): RemovalResult & { batches: string[]; ids: number[] } {
      return db.transaction(() => {
        const w = where(s);
        const before = preview(s);
        if (before.provisioned > 0 && provisioned === 'refuse') {
          const of = before.devices === 1 ? 'This device is' : `${before.provisioned} of these ${before.devices} devices are`;
          throw new ApiError(
            'conflict',
            `${of} already provisioned: real devices on site with credentials. Choose to keep them or to remove them too.`,
            before,
          );
        }
        if (w.batchId !== null && provisioned === 'keep' && before.provisioned > 0) {
          throw new ApiError('conflict', `batch still has ${before.provisioned} provisioned devices; a batch is removed with all of its devices or not at all`, before);
        }
        const onlyPending = provisioned === 'keep' ? " AND d.state = 'pending'" : '';
        const victims = db
          .prepare(`SELECT d.id, d.name, d.state, d.batch_id FROM devices d WHERE ${w.sql}${onlyPending}`)
          .all(w.params) as { id: number; name: string; state: string; batch_id: number | null }[];
        const batchIds = [...new Set(victims.map((v) => v.batch_id).filter((b): b is number => b !== null))];
        if (w.batchId !== null) batchIds.push(w.batchId);
        const batches = batchNames.all(JSON.stringify(batchIds)) as string[];
        const actor = stationActor;
        for (const v of victims) {
          audit.append({ kind: 'device.removed', deviceId: v.id, deviceName: v.name, reason: reasonText('removedWas', { state: v.state }), details: { actor, state: v.state } });
        }
        db.prepare(`DELETE FROM devices AS d WHERE ${w.sql}${onlyPending}`).run(w.params);
        let batchRemoved = false;
        if (w.batchId !== null) {
          deleteBatchTokens.run(w.batchId);
          deleteBatch.run(w.batchId);
          batchRemoved = true;
        }
        if (w.importId !== null) markUndone.run(Date.now(), w.importId);
        const kept = before.devices - victims.length;
        audit.append({
          kind: w.batchId !== null ? 'batch.removed' : w.importId !== null ? 'import.undone' : 'devices.removed',
          reason: `${victims.length} device${victims.length === 1 ? '' : 's'} removed${kept ? `, ${kept} provisioned kept` : ''}`,
          details: {
            actor,
            batch: s.batch ?? null,
            importId: s.importId ?? null,
            removed: victims.length,
            kept,
            provisionedRemoved: provisioned === 'remove' ? before.provisioned : 0,
            inCloud: before.inCloud,
          },
        });
        return { removed: victims.length, kept, batchRemoved, batches, ids: victims.map((v) => v.id) };
      })();
    },
  };
}
export type Removal = ReturnType<typeof createRemoval>;
