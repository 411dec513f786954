-- The hand-over (shared/handover.ts): one current hand-over per device, followed until the device confirms.
CREATE TABLE handovers (
  device_id    INTEGER PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
  target_id    INTEGER REFERENCES sync_targets (id) ON DELETE SET NULL,
  state        TEXT NOT NULL CHECK (state IN ('syncing', 'waiting', 'delivered', 'confirmed', 'failed', 'timed-out')),
  endpoint     TEXT NOT NULL, -- JSON HandoverEndpoint
  reason       TEXT,
  started_at   INTEGER NOT NULL,
  -- When the attributes were set: the confirmation must come after it, and the timeout runs from it.
  told_at      INTEGER,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX handovers_state ON handovers (state);

-- Per profile: the attribute names its firmware reads, extra values, how a device confirms (JSON HandoverSettings).
CREATE TABLE profile_handover (
  profile_id INTEGER PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
  settings   TEXT NOT NULL
) STRICT;
