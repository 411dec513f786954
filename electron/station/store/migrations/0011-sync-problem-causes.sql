-- Why a device is in conflict or error, as a stable key set where the failure is classified (sync/problems.ts),
-- e.g. 'missing-profile:meters': thirty devices refused for one missing profile are one problem, not thirty.
-- Rows from before this column stay NULL and are shown as one group of their own until retried.
ALTER TABLE sync_devices ADD COLUMN cause TEXT;
CREATE INDEX sync_devices_problems ON sync_devices (target_id, state, cause);
