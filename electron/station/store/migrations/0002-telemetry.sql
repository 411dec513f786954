-- First contact: the latest value of each telemetry key per device, so the technician sees a device is alive.
CREATE TABLE telemetry_latest (
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL, -- JSON
  ts        INTEGER NOT NULL,
  PRIMARY KEY (device_id, key)
) STRICT;
