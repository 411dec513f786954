-- Issue 13 (lean device indexes): every device a provisioning request creates wrote six b-trees besides its row (name, batch, profile,
-- state, import, and the partial devices_polling, which skips it). Two hold nothing such a device has: it belongs to
-- no batch and no import, so both indexes become partial (https://www.sqlite.org/partialindex.html), written only for
-- imported devices. Every lookup by either column (`batch_id = ?`, `import_id = ?`, and the foreign-key checks when a
-- batch or import is deleted, which search the same way) implies IS NOT NULL, so the planner still uses them.
DROP INDEX devices_batch;
CREATE INDEX devices_batch ON devices (batch_id) WHERE batch_id IS NOT NULL;
DROP INDEX devices_import;
CREATE INDEX devices_import ON devices (import_id) WHERE import_id IS NOT NULL;
-- devices_state (0007) served no query well: five values over all devices, while the device list filters on state
-- and pages in id order (a walk of the table, stopping at its LIMIT), counts read every row anyway, and presence names
-- the partial devices_polling. Kept, it cost an index insert per new device and a delete plus an insert at every
-- state change (provisioned, online, offline), the commonest writes of a station at work.
DROP INDEX devices_state;
