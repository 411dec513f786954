-- Issue 13: attributes are only ever found by their key (device, scope, key) or its device prefix, so the table is
-- stored as that key's b-tree (WITHOUT ROWID, https://www.sqlite.org/withoutrowid.html) instead of a rowid table
-- plus a separate index for the primary key: each row is written once instead of twice. A 100,000-device import
-- writes 300,000 attribute rows; with foreign keys on, as the station runs, inserting them took about 420 ms of CPU
-- before and 330-400 ms after (the rest is the per-row check that the device exists, and the b-tree itself).
-- No table points at attributes, so it is rebuilt in place.
CREATE TABLE attributes_new (
  device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  scope      TEXT NOT NULL CHECK (scope IN ('server', 'client', 'shared')),
  key        TEXT NOT NULL,
  value      TEXT NOT NULL, -- JSON
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, scope, key)
) STRICT, WITHOUT ROWID;
INSERT INTO attributes_new (device_id, scope, key, value, updated_at)
  SELECT device_id, scope, key, value, updated_at FROM attributes;
DROP TABLE attributes;
ALTER TABLE attributes_new RENAME TO attributes;
