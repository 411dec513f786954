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
  /** A printer took them (raw job, confirmed system print); false for a downloaded file (migration 0012). */
  printed: boolean;
  /** Groups the rows of one render, for `markPrinted`. */
  job?: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Print history (migrations 0005, 0012): written once a job has completed, read per device for the device drawer. */
export function createLabelHistory(db: Db) {
  const insert = db.prepare(`INSERT INTO label_prints (device_id, token_id, template, payload_kind, output, printed_at, printed, job)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const markJob = db.prepare('UPDATE label_prints SET printed = 1, printed_at = ? WHERE job = ? AND printed = 0');
  const jobRows = db.prepare('SELECT count(*) FROM label_prints WHERE job = ?').pluck();
  const deviceByName = db.prepare('SELECT id, batch_id AS batchId FROM devices WHERE name = ?');
  const summary = db.prepare(`SELECT coalesce(sum(printed), 0) AS count, count(*) - coalesce(sum(printed), 0) AS downloads,
    max(CASE WHEN printed = 1 THEN printed_at END) AS last FROM label_prints WHERE device_id = ?`);
  const recent = db.prepare(`SELECT token_id AS tokenId, template, payload_kind AS payload, output, printed_at AS printedAt, printed
    FROM label_prints WHERE device_id = ? ORDER BY id DESC LIMIT ?`);

  return {
    /** One row per label, all in one transaction: a job is recorded whole or not at all. */
    record(job: PrintedLabels, at = Date.now()): void {
      db.transaction(() => {
        for (let i = 0; i < job.ids.length; i += 2) {
          insert.run(job.ids[i] || null, job.ids[i + 1], job.template, job.payload, job.output, at, job.printed ? 1 : 0, job.job ?? null);
        }
      })();
    },

    /**
     * A downloaded job's labels were printed after all (the desktop's system print finished, or the technician
     * printed the PDF and says so): from now on they count as printed. Returns how many labels the job holds.
     */
    markPrinted(job: string, at = Date.now()): number {
      const rows = jobRows.get(job) as number;
      if (rows === 0) throw new ApiError('not_found', `no label job '${job}' (only downloads are recorded; a preview or test label is not)`);
      markJob.run(at, job);
      return rows;
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
      const { count, downloads, last } = summary.get(row.id) as { count: number; downloads: number; last: number | null };
      type Row = { tokenId: number; template: string; payload: PayloadKind; output: LabelOutput; printedAt: number; printed: number };
      const prints = (recent.all(row.id, limit) as Row[]).map((p) => ({ ...p, device, printedAt: iso(p.printedAt)!, printed: p.printed === 1 }));
      const lastTemplate = prints.find((p) => p.printed)?.template ?? null;
      return { device, count, downloads, lastPrintedAt: iso(last), lastTemplate, prints };
    },
  };
}
export type LabelHistoryStore = ReturnType<typeof createLabelHistory>;
