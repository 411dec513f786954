-- Issue 13 (lean sync indexes): two indexes of sync_devices hold only the rows they are searched for. Every webhook confirmation moves a
-- device from pending to synced and out of its batch; with full indexes each such row also moved in
-- sync_devices_problems (target, state, cause) and sync_devices_batch (batch_id), which cost a quarter of the
-- confirming UPDATE. Problems are only ever looked up with `state IN ('conflict', 'error')` (sync/problems.ts), the
-- batch index only by a batch id (the ON DELETE SET NULL of sync_batches), so both partial indexes serve the same
-- plans (https://www.sqlite.org/partialindex.html, "Queries Using Partial Indexes").
DROP INDEX sync_devices_problems;
CREATE INDEX sync_devices_problems ON sync_devices (target_id, state, cause) WHERE state IN ('conflict', 'error');
DROP INDEX sync_devices_batch;
CREATE INDEX sync_devices_batch ON sync_devices (batch_id) WHERE batch_id IS NOT NULL;
