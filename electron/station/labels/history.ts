import { ApiError } from '../../../shared/errors.ts';
import type { LabelHistory, LabelOutput, PayloadKind } from '../../../shared/labels.ts';
import type { Db } from '../store/database.ts';

/** What one finished job printed: [deviceId or 0 for a group label, tokenId] pairs, in order. */
export interface PrintedLabels {
  template: string;
  payload: PayloadKind;
  output: LabelOutput;
  /** Flat pairs rather than objects: 10,000 labels cost 20,000 numbers, not 10,000 objects. */
  ids: number[];
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Print history (migration 0005): written once a job has completed, read per device for the device drawer. */
export function createLabelHistory(db: Db) {
  const insert = db.prepare(`INSERT INTO label_prints (device_id, token_id, template, payload_kind, output, printed_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const deviceByName = db.prepare('SELECT id, batch_id AS batchId FROM devices WHERE name = ?');
  const summary = db.prepare('SELECT count(*) AS count, max(printed_at) AS last FROM label_prints WHERE device_id = ?');
  const recent = db.prepare(`SELECT token_id AS tokenId, template, payload_kind AS payload, output, printed_at AS printedAt
    FROM label_prints WHERE device_id = ? ORDER BY id DESC LIMIT ?`);

  return {
    /** One row per label, all in one transaction: a job is recorded whole or not at all. */
    record(job: PrintedLabels, at = Date.now()): void {
      db.transaction(() => {
        for (let i = 0; i < job.ids.length; i += 2) {
          insert.run(job.ids[i] || null, job.ids[i + 1], job.template, job.payload, job.output, at);
        }
      })();
    },

    /** The device's batch id (for scope checks), or a not_found error naming it. */
    batchOf(device: string): number | null {
      const row = deviceByName.get(device) as { id: number; batchId: number | null } | undefined;
      if (!row) throw new ApiError('not_found', `no device named '${device}'`);
      return row.batchId;
    },

    forDevice(device: string, limit: number): LabelHistory {
      const row = deviceByName.get(device) as { id: number } | undefined;
      if (!row) throw new ApiError('not_found', `no device named '${device}'`);
      const { count, last } = summary.get(row.id) as { count: number; last: number | null };
      const prints = (recent.all(row.id, limit) as { tokenId: number; template: string; payload: PayloadKind; output: LabelOutput; printedAt: number }[]).map(
        (p) => ({ ...p, device, printedAt: iso(p.printedAt)! }),
      );
      return { device, count, lastPrintedAt: iso(last), lastTemplate: prints[0]?.template ?? null, prints };
    },
  };
}
export type LabelHistoryStore = ReturnType<typeof createLabelHistory>;
