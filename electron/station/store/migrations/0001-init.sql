-- First schema. Times are Unix milliseconds. Append-only: never edit a released migration, add the next one.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE profiles (
  id                       INTEGER PRIMARY KEY,
  name                     TEXT NOT NULL UNIQUE,
  provision_key            TEXT NOT NULL UNIQUE,
  -- Shown to the technician (copy button), so it is kept readable, like ThingsBoard does.
  provision_secret         TEXT NOT NULL,
  strategy                 TEXT NOT NULL CHECK (strategy IN ('allow-create', 'check-pre-provisioned', 'disabled')),
  default_credentials_type TEXT NOT NULL DEFAULT 'ACCESS_TOKEN'
                           CHECK (default_credentials_type IN ('ACCESS_TOKEN', 'MQTT_BASIC', 'X509_CERTIFICATE')),
  reprovision              TEXT NOT NULL DEFAULT 'deny' CHECK (reprovision IN ('deny', 'reissue-same')),
  created_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL
) STRICT;

CREATE TABLE batches (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  site       TEXT NOT NULL DEFAULT '',
  profile_id INTEGER REFERENCES profiles (id),
  notes      TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
  id              INTEGER PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  profile_id      INTEGER NOT NULL REFERENCES profiles (id),
  batch_id        INTEGER REFERENCES batches (id),
  serial          TEXT,
  mac             TEXT,
  label           TEXT,
  is_gateway      INTEGER NOT NULL DEFAULT 0,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'provisioned', 'online')),
  provisioned_at  INTEGER,
  provisioned_via TEXT CHECK (provisioned_via IN ('http', 'mqtt', 'coap')),
  last_seen_at    INTEGER,
  created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX devices_batch ON devices (batch_id);
CREATE INDEX devices_profile ON devices (profile_id);

-- One set of credentials per device. credentials_id is the lookup key and is unique across all devices, as in
-- ThingsBoard: the access token itself, a hash of MQTT_BASIC clientId/userName, or the certificate's SHA3-256.
CREATE TABLE credentials (
  device_id      INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  type           TEXT NOT NULL CHECK (type IN ('ACCESS_TOKEN', 'MQTT_BASIC', 'X509_CERTIFICATE')),
  credentials_id TEXT NOT NULL UNIQUE,
  -- Read back on purpose: re-provisioning (reissue-same) and sync must hand out the very same credentials.
  value          TEXT NOT NULL
) STRICT;

-- Device attributes by scope; provisionState lives here as a server attribute, as in ThingsBoard.
CREATE TABLE attributes (
  device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  scope      TEXT NOT NULL CHECK (scope IN ('server', 'client', 'shared')),
  key        TEXT NOT NULL,
  value      TEXT NOT NULL, -- JSON
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, scope, key)
) STRICT;

-- Audit log: every provisioning attempt and every change a person makes. Append-only; never holds a secret.
CREATE TABLE events (
  id             INTEGER PRIMARY KEY,
  at             INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  device_id      INTEGER REFERENCES devices (id) ON DELETE SET NULL,
  device_name    TEXT,
  transport      TEXT,
  outcome        TEXT,
  reason         TEXT,
  remote_address TEXT,
  details        TEXT -- JSON
) STRICT;
CREATE INDEX events_device ON events (device_id, id);

-- What the cloud must learn, appended in the same transaction as the change itself (see sync/).
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  device_id  INTEGER REFERENCES devices (id) ON DELETE SET NULL,
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL, -- JSON
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_device ON outbox (device_id, id);
