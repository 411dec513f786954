import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.ts';
import type { Deliveries } from './deliveries.ts';

// Webhook batches (table sync_batches). A batch is written, with its key and exact body, before its first send
// and deleted when the target confirms it, so retries and restarts resend the same bytes under the same
// Idempotency-Key. Its devices carry its id and are not picked again while it is open.

export interface BatchRow {
  id: number;
  key: string;
  body: string;
  /** [deviceId, throughOutboxId, throughTelemetryId] the batch acknowledges (batches stored before telemetry have no third). */
  covers: Array<[number, number, number?]>;
  attempts: number;
}

interface StoredBatch {
  id: number;
  idempotency_key: string;
  body: string;
  covers: string;
  attempts: number;
}

/** What recording an answer needs of a batch: not its body. */
type Answered = Pick<BatchRow, 'id' | 'covers'>;

const toBatch = (r: StoredBatch): BatchRow => ({
  id: r.id,
  key: r.idempotency_key,
  body: r.body,
  covers: JSON.parse(r.covers) as BatchRow['covers'],
  attempts: r.attempts,
});

export function createBatches(db: Db, deliveries: Deliveries) {
  // Busy batches are left out in SQL: read and parsed on every pass, their bodies (100 devices each) would cost more
  // than the rest of the pass.
  const due = db.prepare(`SELECT id, idempotency_key, body, covers, attempts FROM sync_batches
    WHERE target_id = ? AND next_attempt_at <= ? AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id LIMIT ?`);
  const nextDue = db.prepare('SELECT min(next_attempt_at) FROM sync_batches WHERE target_id = ?').pluck();
  const insert = db.prepare(`INSERT INTO sync_batches (target_id, idempotency_key, body, covers, created_at)
    VALUES (?, ?, ?, ?, ?)`);
  const claim = db.prepare('UPDATE sync_devices SET batch_id = ? WHERE target_id = ? AND device_id IN (SELECT value FROM json_each(?))');
  const remove = db.prepare('DELETE FROM sync_batches WHERE id = ?');
  const reschedule = db.prepare('UPDATE sync_batches SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?');

  const form = db.transaction(
    (targetId: number, covers: BatchRow['covers'], build: (key: string) => string, now: number): BatchRow => {
      const key = randomUUID();
      const body = build(key);
      const id = Number(insert.run(targetId, key, body, JSON.stringify(covers), now).lastInsertRowid);
      claim.run(id, targetId, JSON.stringify(covers.map(([deviceId]) => deviceId)));
      return { id, key, body, covers, attempts: 0 };
    },
  );

  const refuse = db.transaction((targetId: number, batch: Answered, message: string, cause: string, now: number) => {
    deliveries.apply(
      targetId,
      batch.covers.map(([deviceId]) => ({ deviceId, outcome: { kind: 'error', message, cause } as const })),
      now,
    );
    remove.run(batch.id);
  });

  const confirm = db.transaction((targetId: number, batchId: number, now: number) => {
    deliveries.confirmBatch(targetId, batchId, now);
    remove.run(batchId);
  });

  const retry = db.transaction((targetId: number, batch: Answered, message: string, nextAt: number, now: number) => {
    deliveries.apply(
      targetId,
      batch.covers.map(([deviceId]) => ({ deviceId, outcome: { kind: 'retry', message, nextAt } as const })),
      now,
    );
    reschedule.run(nextAt, batch.id);
  });

  return {
    /** Open batches due for (re)sending, oldest first; ids in `busy` are being sent. */
    due(targetId: number, now: number, limit: number, busy: ReadonlySet<number>): BatchRow[] {
      return (due.all(targetId, now, JSON.stringify([...busy]), limit) as StoredBatch[]).map(toBatch);
    },
    nextDueAt: (targetId: number): number | null => (nextDue.get(targetId) as number | null) ?? null,
    /** Writes a new batch (key and body fixed from now on) and claims its devices. */
    form: (targetId: number, covers: BatchRow['covers'], build: (key: string) => string, now = Date.now()) =>
      form(targetId, covers, build, now),
    /** The target confirmed the batch: its devices are acknowledged through what its stored row covers. */
    confirm: (targetId: number, batch: Pick<BatchRow, 'id'>, now = Date.now()) => confirm(targetId, batch.id, now),
    /** The target refused the batch for good: its devices go to `error` and leave the batch. */
    refuse: (targetId: number, batch: Answered, message: string, cause: string, now = Date.now()) => refuse(targetId, batch, message, cause, now),
    retry: (targetId: number, batch: Answered, message: string, nextAt: number, now = Date.now()) =>
      retry(targetId, batch, message, nextAt, now),
  };
}

export type Batches = ReturnType<typeof createBatches>;
