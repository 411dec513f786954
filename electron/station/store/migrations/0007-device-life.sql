-- Device life after SUCCESS (attributes, RPC, online/offline, hand-over). Runs with foreign keys off (see index.ts):
-- widening the state CHECK means rebuilding `devices`, SQLite's documented 12-step table change.

CREATE TABLE devices_new (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  profile_id      INTEGER NOT NULL REFERENCES profiles (id),
  batch_id        INTEGER REFERENCES batches (id),
  serial          TEXT,
  mac             TEXT,
  label           TEXT,
  is_gateway      INTEGER NOT NULL DEFAULT 0,
  -- 'offline': it was online and went silent (session ended or its profile's inactivity timeout passed);
  -- 'handed-over': it confirmed it moved to its long-term server (the laptop may leave).
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'provisioned', 'online', 'offline', 'handed-over')),
  provisioned_at  INTEGER,
  provisioned_via TEXT CHECK (provisioned_via IN ('http', 'mqtt', 'coap')),
  last_seen_at    INTEGER,
  created_at      INTEGER NOT NULL,
  installed_at    INTEGER,
  location_note   TEXT,
  -- How the device is connected right now, so offline detection knows which rule applies: 'mqtt' while an MQTT
  -- session is open (offline when it ends), 'poll' after HTTP/CoAP traffic (offline after the inactivity timeout).
  connection      TEXT CHECK (connection IN ('mqtt', 'poll'))
) STRICT;
INSERT INTO devices_new (id, name, profile_id, batch_id, serial, mac, label, is_gateway, state, provisioned_at,
  provisioned_via, last_seen_at, created_at, installed_at, location_note)
  SELECT id, name, profile_id, batch_id, serial, mac, label, is_gateway, state, provisioned_at,
  provisioned_via, last_seen_at, created_at, installed_at, location_note FROM devices;
DROP TABLE devices;
ALTER TABLE devices_new RENAME TO devices;
CREATE INDEX devices_batch ON devices (batch_id);
CREATE INDEX devices_profile ON devices (profile_id);
CREATE INDEX devices_state ON devices (state);

-- ThingsBoard's device profile inactivityTimeout (DefaultDeviceStateService, default 600 s).
ALTER TABLE profiles ADD COLUMN inactivity_timeout_ms INTEGER NOT NULL DEFAULT 600000;

-- Shared attributes authored for a whole profile or batch. A device's own shared attributes stay in `attributes`
-- (scope 'shared'); what it receives is device over batch over profile (store/attributes.ts).
CREATE TABLE profile_attributes (
  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL, -- JSON
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (profile_id, key)
) STRICT;
CREATE TABLE batch_attributes (
  batch_id   INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL, -- JSON
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (batch_id, key)
) STRICT;

-- Every telemetry value recorded at the site with its timestamp, so it reaches the cloud with the device.
-- telemetry_latest (0002) stays the quick "what did it say last" view.
CREATE TABLE telemetry (
  id        INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  ts        INTEGER NOT NULL,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL -- JSON
) STRICT;
CREATE INDEX telemetry_device ON telemetry (device_id, id);
