-- Issue 13: sync reads due devices `ORDER BY next_attempt_at, device_id`. The old index (0004) ended at
-- next_attempt_at, so every read sorted all pending devices of the target before its LIMIT (a webhook round of
-- 5,000 devices sorted thousands of rows per batch of 100). With device_id in the index the rows come in order.
DROP INDEX sync_devices_due;
CREATE INDEX sync_devices_due ON sync_devices (target_id, state, next_attempt_at, device_id);
