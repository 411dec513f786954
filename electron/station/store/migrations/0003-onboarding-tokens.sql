-- Onboarding tokens: a key and a secret printed on a device's label, redeemed through the unchanged ThingsBoard
-- provisioning API (key = provisionDeviceKey, secret = provisionDeviceSecret).
CREATE TABLE onboarding_tokens (
  id              INTEGER PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,
  -- 'derived': the secret is HMAC(master key, key), so it is never stored and labels can be reprinted;
  -- 'pin' / 'password': the secret IS what the technician chose, stored only as a salted scrypt hash.
  protection      TEXT NOT NULL CHECK (protection IN ('derived', 'pin', 'password')),
  secret_hash     TEXT,
  device_id       INTEGER REFERENCES devices (id) ON DELETE CASCADE,
  batch_id        INTEGER REFERENCES batches (id),
  profile_id      INTEGER NOT NULL REFERENCES profiles (id),
  max_uses        INTEGER NOT NULL DEFAULT 1 CHECK (max_uses >= 1),
  uses            INTEGER NOT NULL DEFAULT 0,
  expires_at      INTEGER,
  assignment      TEXT, -- JSON: {attributes?, policy?}
  created_at      INTEGER NOT NULL,
  revoked_at      INTEGER,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until    INTEGER,
  lock_count      INTEGER NOT NULL DEFAULT 0,
  CHECK ((protection = 'derived') = (secret_hash IS NULL))
) STRICT;
CREATE INDEX onboarding_tokens_device ON onboarding_tokens (device_id);
CREATE INDEX onboarding_tokens_batch ON onboarding_tokens (batch_id);

CREATE TABLE token_redemptions (
  token_id  INTEGER NOT NULL REFERENCES onboarding_tokens (id) ON DELETE CASCADE,
  device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  at        INTEGER NOT NULL,
  PRIMARY KEY (token_id, device_id)
) STRICT;

-- Scoped API tokens for scripts. The JWTs themselves are never stored; a row lets an owner list and revoke them.
CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY,
  jti         TEXT NOT NULL UNIQUE,
  actions     TEXT NOT NULL, -- JSON array
  batch_ids   TEXT,          -- JSON array, NULL = all
  profile_ids TEXT,          -- JSON array, NULL = all
  expires_at  INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT;

-- Where a device was physically installed (the barcode-scanner field in the UI).
ALTER TABLE devices ADD COLUMN installed_at INTEGER;
ALTER TABLE devices ADD COLUMN location_note TEXT;
