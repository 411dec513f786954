import type { Db } from '../store/database.ts';

/**
 * Reading the outbox for a target: spreading new rows (and new telemetry rows) into per-device delivery state, and
 * a device's entries.
 */
export function createOutboxReader(db: Db) {
  const newest = db.prepare('SELECT coalesce(max(id), 0) FROM outbox').pluck();
  const newestTelemetry = db.prepare('SELECT coalesce(max(id), 0) FROM telemetry').pluck();
  const cursorOf = db.prepare('SELECT cursor, telemetry_cursor FROM sync_targets WHERE id = ?');
  // A device already synced becomes pending again; one in conflict or error keeps waiting for a person, who
  // may retry it: the new entry is then sent with the old ones, in order. A new row also wants the device's
  // telemetry so far (rows the telemetry spread below passed before the device had a row here).
  const spread = db.prepare(`INSERT INTO sync_devices (target_id, device_id, state, wanted_through, telemetry_wanted, updated_at)
    SELECT @target, device_id, 'pending', max(id),
      (SELECT coalesce(max(t.id), 0) FROM telemetry t WHERE t.device_id = outbox.device_id), @now FROM outbox
    WHERE id > @from AND id <= @to AND device_id IS NOT NULL GROUP BY device_id
    ON CONFLICT (target_id, device_id) DO UPDATE SET wanted_through = max(wanted_through, excluded.wanted_through),
      state = CASE WHEN state = 'synced' THEN 'pending' ELSE state END, updated_at = excluded.updated_at`);
  // New telemetry of a device the target knows makes it pending again, unless the cloud already has it (a
  // delivery reads past `telemetry_wanted`). Devices without a row (never provisioned) are not the cloud's yet.
  const spreadTelemetry = db.prepare(`UPDATE sync_devices
    SET telemetry_wanted = t.newest, updated_at = @now,
      state = CASE WHEN state = 'synced' AND t.newest > telemetry_acked THEN 'pending' ELSE state END
    FROM (SELECT device_id, max(id) AS newest FROM telemetry WHERE id > @from AND id <= @to GROUP BY device_id) AS t
    WHERE sync_devices.target_id = @target AND sync_devices.device_id = t.device_id
      AND t.newest > sync_devices.telemetry_wanted`);
  const advance = db.prepare('UPDATE sync_targets SET cursor = ?, telemetry_cursor = ? WHERE id = ?');
  type Cursors = { cursor: number; telemetry_cursor: number };
  const behind = (c: Cursors | undefined) =>
    c !== undefined && ((newest.get() as number) > c.cursor || (newestTelemetry.get() as number) > c.telemetry_cursor);

  const ingest = db.transaction((targetId: number, now: number): number => {
    const c = cursorOf.get(targetId) as Cursors | undefined;
    if (c === undefined) return 0;
    const to = newest.get() as number;
    const telemetryTo = newestTelemetry.get() as number;
    let added = 0;
    // Outbox first, so a device provisioned in this same window already has its row for the telemetry spread.
    if (to > c.cursor) added += spread.run({ target: targetId, from: c.cursor, to, now }).changes;
    if (telemetryTo > c.telemetry_cursor) {
      added += spreadTelemetry.run({ target: targetId, from: c.telemetry_cursor, to: telemetryTo, now }).changes;
    }
    advance.run(Math.max(to, c.cursor), Math.max(telemetryTo, c.telemetry_cursor), targetId);
    return added;
  });

  return {
    /** Brings the target's per-device state up to the newest outbox row; returns how many devices it touched. */
    ingest(targetId: number, now = Date.now()): number {
      // The worker asks on every pass; most of the time nothing is new, and then no transaction is needed.
      if (!behind(cursorOf.get(targetId) as Cursors | undefined)) return 0;
      return ingest(targetId, now);
    },

    size: (): number => db.prepare('SELECT count(*) FROM outbox').pluck().get() as number,
  };
}

export type OutboxReader = ReturnType<typeof createOutboxReader>;
