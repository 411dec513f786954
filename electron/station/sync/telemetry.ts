import type { Db } from '../store/database.ts';

// The telemetry a device recorded at the site (table `telemetry`, schema 7), read for sync in id order, and turned
// into ThingsBoard's timeseries JSON. How far each target got is `sync_devices.telemetry_acked` (see
// deliveries.ts); the rows themselves are never changed.

export interface TelemetryRow {
  id: number;
  ts: number;
  key: string;
  value: unknown;
}

/** ThingsBoard's telemetry item (JsonConverter.convertToTelemetry): every value of `values` shares `ts`. */
export interface TelemetryPoint {
  ts: number;
  values: Record<string, unknown>;
}

/** Points per request to ThingsBoard: ~50 kB, far below its 16 MB limit for /api/** (server.http.max_payload_size). */
export const TELEMETRY_CHUNK = 1000;
/** Points per ThingsBoard delivery: a device with a long history yields its place to others and continues next. */
export const TELEMETRY_PER_DELIVERY = 20 * TELEMETRY_CHUNK;
/** Points per webhook batch, over all its devices. */
export const TELEMETRY_PER_BATCH = 5000;

/**
 * Rows in id order as ThingsBoard items. Consecutive rows with the same ts share one item (a device's message is
 * stored as consecutive rows); a key seen twice at one ts keeps the later value, as ThingsBoard would when the two
 * were sent one after the other. Null values are left out: ThingsBoard's JsonConverter skips JSON nulls.
 */
export function toPoints(rows: readonly TelemetryRow[], options: { keepNulls?: boolean } = {}): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  let last: TelemetryPoint | undefined;
  for (const r of rows) {
    if (r.value === null && !options.keepNulls) continue;
    if (last?.ts !== r.ts) {
      last = { ts: r.ts, values: {} };
      points.push(last);
    }
    last.values[r.key] = r.value;
  }
  return points;
}

/** Telemetry rows of one device after a given id. */
export function createTelemetryReader(db: Db) {
  const after = db.prepare('SELECT id, ts, key, value FROM telemetry WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?');
  const anyAfter = db.prepare(`SELECT j.value ->> 0 FROM json_each(?) j
    WHERE EXISTS (SELECT 1 FROM telemetry t WHERE t.device_id = j.value ->> 0 AND t.id > j.value ->> 1)`).pluck();
  return {
    /**
     * Which of these devices ([deviceId, afterId] each) have rows after the id: one query for a whole webhook batch,
     * whose devices mostly have none. (One query reading the rows of all devices would have to sort them all before
     * its limit applies, however long a device's history.)
     */
    withRowsAfter(list: ReadonlyArray<readonly [number, number]>): Set<number> {
      return new Set(list.length === 0 ? [] : (anyAfter.all(JSON.stringify(list)) as number[]));
    },
    /** Up to `limit` rows with id > `afterId`, oldest first. */
    after(deviceId: number, afterId: number, limit: number): TelemetryRow[] {
      return (after.all(deviceId, afterId, limit) as Array<{ id: number; ts: number; key: string; value: string }>).map((r) => ({
        id: r.id,
        ts: r.ts,
        key: r.key,
        value: JSON.parse(r.value) as unknown,
      }));
    },
  };
}

export type TelemetryReader = ReturnType<typeof createTelemetryReader>;

/**
 * What a delivery reads and how far it may say it got: `through` is the last id read, or, when fewer than `limit`
 * rows were there, also every id up to `wanted` (no row below `wanted` can still be missing: `wanted` was spread
 * from rows that existed before this read).
 */
export function readTelemetry(reader: TelemetryReader, deviceId: number, acked: number, wanted: number, limit: number) {
  const rows = reader.after(deviceId, acked, limit);
  const lastRead = rows.at(-1)?.id ?? acked;
  const complete = rows.length < limit;
  return { rows, through: complete ? Math.max(lastRead, wanted) : lastRead, complete };
}

/** readTelemetry's answer for a device known to have no rows after `acked`, without asking the database again. */
export function nothingToRead(acked: number, wanted: number, limit: number): ReturnType<typeof readTelemetry> {
  return { rows: [], through: limit > 0 ? Math.max(acked, wanted) : acked, complete: limit > 0 };
}
