import type { SyncCounts } from '../../../shared/sync.ts';
import type { Db } from '../store/database.ts';
import { problemFilter } from './problems.ts';

// Per target, per device delivery state (table sync_devices): what is due, and what each attempt led to.

export interface DueDevice {
  deviceId: number;
  ackedThrough: number;
  wantedThrough: number;
  attempts: number;
  /** Telemetry ids (table `telemetry`): the newest the target confirmed, and the newest it must learn. */
  telemetryAcked: number;
  telemetryWanted: number;
  /** The device's id in the target, once the target confirmed it. */
  cloudId: string | null;
}

export type Outcome =
  /** The target confirmed the device's entries up to `through` (and its telemetry up to `telemetryThrough`). */
  | { kind: 'confirmed'; through: number; cloudId: string | null; telemetryThrough?: number }
  /** The cloud holds something else under this identity: never overwritten; a person decides. */
  | { kind: 'conflict'; message: string; detail: unknown; cause: string }
  /** Refused for good (a person must act), e.g. a missing device profile or a 4xx. */
  | { kind: 'error'; message: string; cause: string }
  /** Try again at `nextAt`. */
  | { kind: 'retry'; message: string; nextAt: number }
  /** Not tried after all (the target went offline or stopped): keeps its place, no attempt counted. */
  | { kind: 'deferred' };

export function createDeliveries(db: Db) {
  // Raw rows (arrays), named in due() below: cheaper than the driver's objects for the 100 rows a webhook batch reads.
  const due = db
    .prepare(`SELECT device_id, acked_through, wanted_through, attempts, telemetry_acked, telemetry_wanted,
      cloud_id FROM sync_devices
    WHERE target_id = ? AND state = 'pending' AND batch_id IS NULL AND next_attempt_at <= ?
    ORDER BY next_attempt_at, device_id LIMIT ?`)
    .raw();
  const nextDue = db.prepare(`SELECT min(next_attempt_at) FROM sync_devices
    WHERE target_id = ? AND state = 'pending' AND batch_id IS NULL`).pluck();
  // Synced only when the cloud has both every outbox entry and every telemetry row the target was told of.
  const confirmed = db.prepare(`UPDATE sync_devices SET acked_through = max(acked_through, @through),
      telemetry_acked = max(telemetry_acked, @telemetryThrough),
      state = CASE WHEN wanted_through <= max(acked_through, @through)
        AND telemetry_wanted <= max(telemetry_acked, @telemetryThrough) THEN 'synced' ELSE 'pending' END,
      attempts = 0, next_attempt_at = 0, message = NULL, detail = NULL, cause = NULL, cloud_id = coalesce(@cloudId, cloud_id),
      batch_id = NULL, updated_at = @now
    WHERE target_id = @target AND device_id = @device`);
  // The same for many devices in one statement (a webhook batch confirms 100 at once): one run instead of one per
  // device, each row found by its key. `j` lists them: device, new_through, new_telemetry_through, new_cloud_id.
  // MATERIALIZED keeps the list the outer loop; without it the planner walks every row of the target and searches
  // the list for each.
  const confirmList = (list: string) => `WITH j AS MATERIALIZED (${list})
    UPDATE sync_devices SET acked_through = max(acked_through, j.new_through),
      telemetry_acked = max(telemetry_acked, j.new_telemetry_through),
      state = CASE WHEN wanted_through <= max(acked_through, j.new_through)
        AND telemetry_wanted <= max(telemetry_acked, j.new_telemetry_through) THEN 'synced' ELSE 'pending' END,
      attempts = 0, next_attempt_at = 0, message = NULL, detail = NULL, cause = NULL, cloud_id = coalesce(j.new_cloud_id, cloud_id),
      batch_id = NULL, updated_at = @now
    FROM j WHERE sync_devices.target_id = @target AND sync_devices.device_id = j.device`;
  const confirmedMany = db.prepare(
    confirmList(`SELECT value ->> 0 AS device, value ->> 1 AS new_through, value ->> 2 AS new_telemetry_through,
      value ->> 3 AS new_cloud_id FROM json_each(@list)`),
  );
  // A webhook batch's devices, through what its stored covers say (batches.ts BatchRow.covers: [device, through,
  // telemetry through], the third missing in batches stored before telemetry). Read in SQL: building the list in
  // JavaScript on the writer thread cost more than the update (issue 13).
  const confirmedBatch = db.prepare(
    confirmList(`SELECT value ->> 0 AS device, value ->> 1 AS new_through, coalesce(value ->> 2, 0) AS new_telemetry_through,
      NULL AS new_cloud_id FROM sync_batches, json_each(sync_batches.covers) WHERE sync_batches.id = @batch`),
  );
  const conflict = db.prepare(`UPDATE sync_devices SET state = 'conflict', attempts = attempts + 1, message = @message,
      detail = @detail, cause = @cause, batch_id = NULL, updated_at = @now WHERE target_id = @target AND device_id = @device`);
  const failed = db.prepare(`UPDATE sync_devices SET state = 'error', attempts = attempts + 1, message = @message,
      detail = NULL, cause = @cause, batch_id = NULL, updated_at = @now WHERE target_id = @target AND device_id = @device`);
  const retry = db.prepare(`UPDATE sync_devices SET attempts = attempts + 1, next_attempt_at = @nextAt,
      message = @message, updated_at = @now WHERE target_id = @target AND device_id = @device`);
  const counts = db.prepare('SELECT state, count(*) AS n FROM sync_devices WHERE target_id = ? GROUP BY state');
  const telemetryDelivered = db.prepare(`UPDATE sync_devices SET telemetry_acked = max(telemetry_acked, ?)
    WHERE target_id = ? AND device_id = ?`);

  const applyAll = db.transaction((target: number, results: Array<{ deviceId: number; outcome: Outcome }>, now: number) => {
    // Confirmations (nearly all results) go in one statement, unless a device appears twice: then its rows must
    // apply one after the other, which only the per-device statement does.
    const confirmations: Array<[number, number, number, string | null]> = [];
    for (const { deviceId, outcome } of results) {
      if (outcome.kind === 'confirmed') confirmations.push([deviceId, outcome.through, outcome.telemetryThrough ?? 0, outcome.cloudId]);
    }
    const together = confirmations.length > 1 && new Set(confirmations.map(([d]) => d)).size === confirmations.length;
    if (together) confirmedMany.run({ target, now, list: JSON.stringify(confirmations) });
    for (const { deviceId: device, outcome } of results) {
      const key = { target, device, now };
      switch (outcome.kind) {
        case 'confirmed':
          if (!together) confirmed.run({ ...key, through: outcome.through, cloudId: outcome.cloudId, telemetryThrough: outcome.telemetryThrough ?? 0 });
          break;
        case 'conflict':
          conflict.run({ ...key, message: outcome.message, detail: JSON.stringify(outcome.detail ?? null), cause: outcome.cause });
          break;
        case 'error':
          failed.run({ ...key, message: outcome.message, cause: outcome.cause });
          break;
        case 'retry':
          retry.run({ ...key, message: outcome.message, nextAt: outcome.nextAt });
          break;
        case 'deferred':
          break;
      }
    }
  });

  return {
    /** Pending devices whose next attempt is due, oldest first; those in `busy` are left out. */
    due(targetId: number, now: number, limit: number, busy: ReadonlySet<number>): DueDevice[] {
      const rows = due.all(targetId, now, limit + busy.size) as [number, number, number, number, number, number, string | null][];
      const out: DueDevice[] = [];
      for (const [deviceId, ackedThrough, wantedThrough, attempts, telemetryAcked, telemetryWanted, cloudId] of rows) {
        if (out.length === limit) break;
        if (!busy.has(deviceId)) out.push({ deviceId, ackedThrough, wantedThrough, attempts, telemetryAcked, telemetryWanted, cloudId });
      }
      return out;
    },

    /** When the earliest pending device (outside a batch) may be tried; null when none waits. */
    nextDueAt: (targetId: number): number | null => (nextDue.get(targetId) as number | null) ?? null,

    /** The target confirmed this webhook batch: its devices are acknowledged through what it covers. */
    confirmBatch(targetId: number, batchId: number, now = Date.now()): void {
      confirmedBatch.run({ target: targetId, batch: batchId, now });
    },

    /** Records outcomes in one transaction (one fsync for many devices). */
    apply(targetId: number, results: Array<{ deviceId: number; outcome: Outcome }>, now = Date.now()): void {
      if (results.length > 0) applyAll(targetId, results, now);
    },

    /**
     * The target confirmed this device's telemetry up to `through` (one request of a longer delivery). Committed at
     * once, so a crash later in the delivery does not send these points again.
     */
    telemetryDelivered(targetId: number, deviceId: number, through: number): void {
      telemetryDelivered.run(through, targetId, deviceId);
    },

    counts(targetId: number): SyncCounts {
      const out: SyncCounts = { synced: 0, pending: 0, conflict: 0, error: 0 };
      for (const r of counts.all(targetId) as { state: keyof SyncCounts; n: number }[]) out[r.state] = r.n;
      return out;
    },

    /** Puts conflicts and/or errors back in the queue, now. */
    retry(filter: { targetId?: number; deviceId?: number; problem?: string; states: Array<'conflict' | 'error'> }, now = Date.now()): number {
      const where = [`state IN (${filter.states.map(() => '?').join(', ')})`];
      const params: unknown[] = [...filter.states];
      if (filter.problem !== undefined) {
        const f = problemFilter(filter.problem, '?');
        where.push(f.sql);
        if (f.value !== null) params.push(f.value);
      }
      if (filter.targetId !== undefined) {
        where.push('target_id = ?');
        params.push(filter.targetId);
      }
      if (filter.deviceId !== undefined) {
        where.push('device_id = ?');
        params.push(filter.deviceId);
      }
      return db
        .prepare(`UPDATE sync_devices AS s SET state = 'pending', attempts = 0, next_attempt_at = 0, updated_at = ?
          WHERE ${where.join(' AND ')}`)
        .run(now, ...params).changes;
    },
  };
}

export type Deliveries = ReturnType<typeof createDeliveries>;
