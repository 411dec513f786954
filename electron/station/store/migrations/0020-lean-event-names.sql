-- Issue 13 (lean event names): every provisioning attempt appends an event, and every event also went into
-- events_device_name (0006), one more b-tree a provision's commit writes (11 pages for a lone allow-create
-- provision, one per b-tree). The name is searched only for events that no longer point at a device: the device
-- history (api/handlers/provisioning.ts) asks `device_id = (the device of that name) OR (device_id IS NULL AND
-- device_name = ?)`, whose first term events_device serves. Partial, the index holds only the events of removed or
-- unknown devices (an unknown name's failed attempt, and a removed device's history, whose device_id the removal sets
-- NULL); SQLite plans each term of the OR on its own and the second term implies the index's WHERE
-- (https://www.sqlite.org/partialindex.html, "Queries Using Partial Indexes"; optoverview.html, "OR-Connected Terms").
DROP INDEX events_device_name;
CREATE INDEX events_device_name ON events (device_name, id) WHERE device_id IS NULL;
