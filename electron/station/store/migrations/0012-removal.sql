-- Removing and undoing (delete a device, a selection, a batch; "undo this import"). Each import is recorded, and a
-- device remembers the import that created it, so an import's devices can be removed as a unit. Devices an import
-- only updated keep import_id of the import that created them (or NULL).
CREATE TABLE imports (
  id         INTEGER PRIMARY KEY,
  batch_id   INTEGER REFERENCES batches (id) ON DELETE CASCADE,
  profile_id INTEGER NOT NULL REFERENCES profiles (id),
  file_name  TEXT,
  created    INTEGER NOT NULL,
  updated    INTEGER NOT NULL,
  unchanged  INTEGER NOT NULL,
  at         INTEGER NOT NULL,
  undone_at  INTEGER
) STRICT;
CREATE INDEX imports_batch ON imports (batch_id, id);

ALTER TABLE devices ADD COLUMN import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL;
CREATE INDEX devices_import ON devices (import_id);

-- Deleting a device cascades into these tables; without an index on device_id each cascade scans the whole table,
-- and removing a 10,000-device batch would scan sync_devices 10,000 times.
CREATE INDEX sync_devices_device ON sync_devices (device_id);
CREATE INDEX token_redemptions_device ON token_redemptions (device_id);
