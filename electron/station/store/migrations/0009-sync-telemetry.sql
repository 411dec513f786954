-- Sync carries each device's shared attributes and the telemetry recorded at the site (0007's `telemetry` table).
-- Telemetry is not in the outbox (one row per reading would grow the append-only log without bound): instead each
-- target keeps, like its outbox cursor, how far it spread new telemetry rows (telemetry_cursor), and per device
-- the newest telemetry id it must learn (telemetry_wanted) and the newest the cloud confirmed (telemetry_acked).
-- A device is synced only when both its outbox entries and its telemetry are confirmed.

ALTER TABLE sync_targets ADD COLUMN telemetry_cursor INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_devices ADD COLUMN telemetry_wanted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_devices ADD COLUMN telemetry_acked INTEGER NOT NULL DEFAULT 0;

-- Devices a target already holds learn what they lacked until now (shared attributes): send their state again.
-- Their telemetry follows by itself (telemetry_cursor starts at 0, so the first sync spreads all of it).
INSERT INTO outbox (device_id, kind, payload, created_at)
  SELECT DISTINCT device_id, 'device.updated', '{"reason":"attributes and telemetry sync"}', CAST(strftime('%s', 'now') AS INTEGER) * 1000
  FROM sync_devices WHERE state = 'synced' ORDER BY device_id;
-- (sync_batches.covers gains a third number per device, the telemetry id the batch takes it through.)
