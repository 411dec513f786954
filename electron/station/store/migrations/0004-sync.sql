-- Sync: where results go (targets) and how far each target got, per device. The outbox itself (0001) stays the
-- append-only list of changes; nothing here is written on the provisioning path.

CREATE TABLE sync_targets (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  type          TEXT NOT NULL CHECK (type IN ('thingsboard', 'webhook')),
  url           TEXT NOT NULL,
  auth_kind     TEXT NOT NULL CHECK (auth_kind IN ('password', 'api-key', 'hmac')),
  username      TEXT, -- not a secret: shown in lists so a person can tell which login is used
  -- The target's secrets (password, API key or HMAC secret) as AES-256-GCM ciphertext under a key derived from the
  -- station master key, which is kept outside this file: 'v1.' || base64url(iv) || '.' || tag || '.' || ciphertext.
  secret_box    TEXT NOT NULL,
  options       TEXT NOT NULL DEFAULT '{}', -- JSON, e.g. {"allowCreateProfiles":true}
  -- Highest outbox id already spread into sync_devices for this target.
  cursor        INTEGER NOT NULL DEFAULT 0,
  -- Set when the target refused our credentials: syncing stops until a person fixes them.
  stopped_reason TEXT,
  offline_since INTEGER,
  last_synced_at INTEGER,
  -- One process drains a target at a time (serve's worker, `sync --once`): owner is host:pid:nonce.
  lease_owner   TEXT,
  lease_until   INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) STRICT;

-- A webhook batch, kept from before its first send until the target confirms it, so every retry (also after a
-- crash) sends the same body under the same Idempotency-Key.
CREATE TABLE sync_batches (
  id              INTEGER PRIMARY KEY,
  target_id       INTEGER NOT NULL REFERENCES sync_targets (id) ON DELETE CASCADE,
  idempotency_key TEXT NOT NULL UNIQUE,
  body            TEXT NOT NULL,
  -- JSON [[device_id, through_outbox_id], ...]: what a confirmation acknowledges.
  covers          TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_batches_target ON sync_batches (target_id, next_attempt_at);

-- Per target, per device: what the target must learn (wanted_through) and what it confirmed (acked_through),
-- both outbox ids. Entries of one device are delivered in outbox order, never two at once.
CREATE TABLE sync_devices (
  target_id       INTEGER NOT NULL REFERENCES sync_targets (id) ON DELETE CASCADE,
  device_id       INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'synced', 'conflict', 'error')),
  wanted_through  INTEGER NOT NULL,
  acked_through   INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  message         TEXT,  -- the target's own words for the last failure or conflict
  detail          TEXT,  -- JSON: conflict summaries of both sides (never a secret)
  cloud_id        TEXT,
  batch_id        INTEGER REFERENCES sync_batches (id) ON DELETE SET NULL,
  updated_at      INTEGER NOT NULL,
  PRIMARY KEY (target_id, device_id)
) STRICT;
CREATE INDEX sync_devices_due ON sync_devices (target_id, state, next_attempt_at);
CREATE INDEX sync_devices_batch ON sync_devices (batch_id);
