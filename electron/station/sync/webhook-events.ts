import type { Db } from '../store/database.ts';
import type { DueDevice } from './deliveries.ts';

// A webhook batch's events (shared/sync.ts WebhookEvent) written as JSON text by SQLite, in one query for the whole
// batch. Why not JavaScript: forming a batch runs on the writer thread, whose code for it is cold on every
// station start, and reading 100 devices into objects (snapshot.ts), their entries, and stringifying them again was
// half of a 5,000-device sync's writer time; SQLite's JSON functions do the same from the rows without a JIT
// (issue 13, docs/performance.md). Attribute values are stored as JSON text and go into the body as written.
//
// The device is the one snapshot.ts describes (DeviceSnapshot, what ThingsBoard's sync sends); the rules are the
// same and `test/integration/webhook-events.test.ts` holds the two to it for devices of every kind:
// - serverAttributes: what the scanner check-in and the device list recorded (snapshot.ts installAttributes), under
//   any server attribute of the same key (authored on purpose);
// - sharedAttributes: the device's own over its batch's over its profile's;
// - credentials: as webhook.ts has always sent them (MQTT_BASIC's empty parts as null);
// - times: ISO 8601 in UTC with milliseconds, as Date.toISOString writes them (SQLite rounds to the millisecond).

/** Milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.sssZ`, or null. */
const iso = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;

/**
 * The highest-ranked value of each key among `levels` (rows of key, JSON text, rank), as one JSON object. With one
 * max() in an aggregate, SQLite takes the bare columns from the row holding the maximum
 * (https://www.sqlite.org/lang_select.html#bareagg).
 */
const merged = (levels: string) =>
  `(SELECT json_group_object(key, json(value)) FROM (SELECT key, value, max(rank) FROM (${levels}) GROUP BY key))`;

const device = `json_object(
  'name', d.name, 'profile', p.name, 'batch', b.name, 'label', d.label, 'serial', d.serial, 'mac', d.mac,
  'gateway', json(CASE WHEN d.is_gateway THEN 'true' ELSE 'false' END),
  'provisionedAt', ${iso('d.provisioned_at')}, 'provisionedVia', d.provisioned_via,
  'credentials', CASE c.type
    WHEN 'ACCESS_TOKEN' THEN json_object('type', c.type, 'token', c.value)
    WHEN 'MQTT_BASIC' THEN json_object('type', c.type, 'clientId', nullif(c.value ->> 'clientId', ''),
      'userName', nullif(c.value ->> 'userName', ''), 'password', nullif(c.value ->> 'password', ''))
    WHEN 'X509_CERTIFICATE' THEN json_object('type', c.type, 'certificate', c.value) END,
  'serverAttributes', ${merged(`
    SELECT 'serialNumber' AS key, json_quote(d.serial) AS value, 1 AS rank WHERE d.serial IS NOT NULL
    UNION ALL SELECT 'macAddress', json_quote(d.mac), 1 WHERE d.mac IS NOT NULL
    UNION ALL SELECT 'installedAt', json_quote(d.installed_at), 1 WHERE d.installed_at IS NOT NULL
    UNION ALL SELECT 'installLocation', json_quote(d.location_note), 1 WHERE d.location_note IS NOT NULL
    UNION ALL SELECT key, value, 2 FROM attributes WHERE device_id = d.id AND scope = 'server'`)},
  'sharedAttributes', ${merged(`
    SELECT key, value, 1 AS rank FROM profile_attributes WHERE profile_id = d.profile_id
    UNION ALL SELECT key, value, 2 FROM batch_attributes WHERE batch_id = d.batch_id
    UNION ALL SELECT key, value, 3 FROM attributes WHERE device_id = d.id AND scope = 'shared'`)},
  'clientAttributes', (SELECT json_group_object(key, json(value)) FROM attributes WHERE device_id = d.id AND scope = 'client'))`;

// One row per existing device of the list, in the list's order: its id, its name and its events,
// comma-separated (null when it has no entries in the range). The device's JSON is built once and repeated in
// each of its events. (Reading the due devices in the same statement, instead of passing their list, measured no
// faster: the joins and the JSON are the cost.)
const eventsSql = `WITH due AS MATERIALIZED (SELECT key AS ord, value ->> 0 AS device_id, value ->> 1 AS after,
    value ->> 2 AS through FROM json_each(?)),
  dev AS MATERIALIZED (SELECT due.ord, due.device_id, due.after, due.through, d.name, ${device} AS json
    FROM due JOIN devices d ON d.id = due.device_id JOIN profiles p ON p.id = d.profile_id
    LEFT JOIN batches b ON b.id = d.batch_id LEFT JOIN credentials c ON c.device_id = d.id)
SELECT dev.device_id, dev.name, (SELECT group_concat('{"id":' || o.id || ',"kind":' || json_quote(o.kind)
    || ',"at":"' || ${iso('o.created_at')} || '","device":' || dev.json || '}', ',' ORDER BY o.id)
  FROM outbox o WHERE o.device_id = dev.device_id AND o.id > dev.after AND o.id <= dev.through)
FROM dev ORDER BY dev.ord`;

export function createWebhookEvents(db: Db) {
  const events = db.prepare(eventsSql).raw();
  return {
    /**
     * Each due device's name and its events from its acknowledged entry up to the one it must deliver, as JSON
     * text (comma-separated, in outbox order; null when it has none). Devices deleted meanwhile are missing.
     */
    of(due: readonly DueDevice[]): Map<number, { name: string; events: string | null }> {
      const out = new Map<number, { name: string; events: string | null }>();
      if (due.length === 0) return out;
      const list = JSON.stringify(due.map((d) => [d.deviceId, d.ackedThrough, d.wantedThrough]));
      for (const [deviceId, name, text] of events.all(list) as [number, string, string | null][]) out.set(deviceId, { name, events: text });
      return out;
    },
  };
}

export type WebhookEvents = ReturnType<typeof createWebhookEvents>;
