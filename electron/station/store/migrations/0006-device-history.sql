-- A device's history (the drawer in the UI) includes attempts made under its name before it existed.
CREATE INDEX events_device_name ON events (device_name, id);
