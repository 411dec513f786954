-- Label print history: one row per label printed, so a device's drawer can say "printed 2×, last on …" and a
-- reprint can pick the labels never printed. Previews are not printing and are not recorded. Printer offsets
-- per template live in `settings` (key 'labels.offset.<template>'), so they need no table.
CREATE TABLE label_prints (
  id           INTEGER PRIMARY KEY,
  -- NULL for a group token's label (it belongs to no one device).
  device_id    INTEGER REFERENCES devices (id) ON DELETE CASCADE,
  token_id     INTEGER NOT NULL REFERENCES onboarding_tokens (id) ON DELETE CASCADE,
  template     TEXT NOT NULL,
  payload_kind TEXT NOT NULL CHECK (payload_kind IN ('token', 'url', 'json')),
  output       TEXT NOT NULL CHECK (output IN ('pdf', 'zpl', 'printer')),
  printed_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX label_prints_device ON label_prints (device_id, id);
CREATE INDEX label_prints_token ON label_prints (token_id);
