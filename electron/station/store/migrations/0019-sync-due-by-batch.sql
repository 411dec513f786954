-- Issue 13 (webhook sync): sync reads due devices `WHERE state = 'pending' AND batch_id IS NULL ORDER BY
-- next_attempt_at, device_id`. With batch_id outside the index (0015), every read first walked the devices that open
-- webhook batches hold (up to 16 batches of 100 in a round), each looked up in the table only to be skipped, and that
-- walk cost more than the rest of forming a batch. With batch_id before the order columns the read starts at the
-- first free device; `batch_id IS NULL` is an equality for the index (https://www.sqlite.org/optoverview.html, "The
-- IS operator"). Counting by state (status, external-changes.ts) still scans this index alone.
DROP INDEX sync_devices_due;
CREATE INDEX sync_devices_due ON sync_devices (target_id, state, batch_id, next_attempt_at, device_id);
