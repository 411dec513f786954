-- Offline detection for devices that poll (HTTP, CoAP): the station looks every second for those silent longer than
-- their profile's inactivity timeout. Partial, so it holds only devices online by polling and the look is a range
-- seek per profile, never a scan of every device (provisioning/presence.ts).
CREATE INDEX devices_polling ON devices (profile_id, last_seen_at) WHERE state = 'online' AND connection = 'poll';
