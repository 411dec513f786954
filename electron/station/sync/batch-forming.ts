import type { Db } from '../store/database.ts';
import { type BatchRow, createBatches } from './batches.ts';
import { createDeliveries } from './deliveries.ts';
import { createTelemetryReader, nothingToRead, readTelemetry, TELEMETRY_PER_BATCH } from './telemetry.ts';
import { type WebhookTelemetryRows, webhookBody } from './webhook.ts';
import { createWebhookEvents } from './webhook-events.ts';

// Forming webhook batches (what to send next) and recording what the target answered: the writes of a webhook
// sync. They run as writer-thread jobs (syncJobs below; drain.ts asks for them), so their SQL, body building and
// fsync leave the main event loop to the HTTP client.

/** What a webhook batch's answer leads to for its devices (drain.ts outcomeOf; a deferred answer records nothing). */
export type BatchVerdict =
  | { kind: 'confirmed' }
  | { kind: 'retry'; message: string; nextAt: number }
  | { kind: 'refused'; message: string; cause: string };

/** A batch to record: its id and what it covers (its body is not needed and not carried), and the answer's time. */
export interface BatchSettlement {
  batch: Pick<BatchRow, 'id' | 'covers' | 'attempts'>;
  verdict: BatchVerdict;
  at: number;
}

interface BatchReaders {
  deliveries: ReturnType<typeof createDeliveries>;
  events: ReturnType<typeof createWebhookEvents>;
  telemetry: ReturnType<typeof createTelemetryReader>;
  batches: ReturnType<typeof createBatches>;
}

/**
 * Forms up to `count` batches from the target's due devices, each written with its devices claimed; none when
 * nothing is due. A webhook device in flight is excluded by its claim (its open batch), not by a set kept in memory.
 */
function formBatches(r: BatchReaders, targetId: number, now: number, size: number, count: number): BatchRow[] {
  const out: BatchRow[] = [];
  for (let batch = formBatch(r, targetId, now, size); batch !== null; ) {
    out.push(batch);
    batch = out.length < count ? formBatch(r, targetId, now, size) : null;
  }
  return out;
}

/** One batch from the due devices not claimed by an open batch, with as much of their telemetry as one batch carries. */
function formBatch(r: BatchReaders, targetId: number, now: number, size: number): BatchRow | null {
  const due = r.deliveries.due(targetId, now, size, noDevices);
  let budget = TELEMETRY_PER_BATCH;
  // Two queries for the whole batch, not several per device: its devices' events, and which have telemetry.
  const events = r.events.of(due);
  const withTelemetry = r.telemetry.withRowsAfter(due.map((d) => [d.deviceId, d.telemetryAcked] as const));
  const covers: BatchRow['covers'] = [];
  const texts: string[] = [];
  const telemetry: WebhookTelemetryRows[] = [];
  for (const d of due) {
    const device = events.get(d.deviceId);
    if (device === undefined) continue; // deleted meanwhile; its row went with it (ON DELETE CASCADE)
    // Budget spent: the device still goes (its entries), its telemetry waits for a later batch.
    const read = withTelemetry.has(d.deviceId)
      ? readTelemetry(r.telemetry, d.deviceId, d.telemetryAcked, d.telemetryWanted, budget)
      : nothingToRead(d.telemetryAcked, d.telemetryWanted, budget);
    budget -= read.rows.length;
    if (device.events !== null) texts.push(device.events);
    if (read.rows.length > 0) telemetry.push({ device: device.name, after: d.telemetryAcked, through: read.through, rows: read.rows });
    covers.push([d.deviceId, d.wantedThrough, read.through]);
  }
  if (covers.length === 0) return null;
  return r.batches.form(targetId, covers, (key) => webhookBody(key, texts, telemetry), now);
}

/** Records answered batches: confirmed ones are deleted and their devices acknowledged, the others as the verdict says. */
function settleBatches(batches: BatchReaders['batches'], targetId: number, settlements: readonly BatchSettlement[]): void {
  for (const { batch, verdict, at } of settlements) {
    if (verdict.kind === 'confirmed') batches.confirm(targetId, batch, at);
    else if (verdict.kind === 'retry') batches.retry(targetId, batch, verdict.message, verdict.nextAt, at);
    else batches.refuse(targetId, batch, verdict.message, verdict.cause, at);
  }
}

const noDevices: ReadonlySet<number> = new Set();

function createBatchReaders(db: Db): BatchReaders {
  const deliveries = createDeliveries(db);
  return {
    deliveries,
    events: createWebhookEvents(db),
    telemetry: createTelemetryReader(db),
    batches: createBatches(db, deliveries),
  };
}

/** The webhook sync's writer-thread jobs (composed with provisioning's in station-writer.ts). */
export type SyncJobs = {
  /** Up to `count` new batches, formed and committed (devices claimed) before the result comes back. */
  formWebhookBatches: { input: { targetId: number; now: number; size: number; count: number }; result: BatchRow[] };
  /** Answered batches, recorded in one transaction. */
  settleWebhookBatches: { input: { targetId: number; settlements: BatchSettlement[] }; result: null };
};

export function syncJobs(db: Db) {
  let readers: BatchReaders | null = null;
  // Prepared on the first job: a writer thread that never syncs never prepares these statements.
  const get = () => (readers ??= createBatchReaders(db));
  return {
    formWebhookBatches: ({ targetId, now, size, count }: SyncJobs['formWebhookBatches']['input']): BatchRow[] =>
      formBatches(get(), targetId, now, size, count),
    settleWebhookBatches({ targetId, settlements }: SyncJobs['settleWebhookBatches']['input']): null {
      settleBatches(get().batches, targetId, settlements);
      return null;
    },
  };
}
