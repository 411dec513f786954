import { failure, notFound, type ProvisionResponse } from '../../../shared/provisioning.ts';
import type { Db } from '../store/database.ts';
import { trimDeviceName } from './decode.ts';
import { credentialsFromRequest, randomAlphanumeric, responseValue, type StoredCredentials } from './credentials.ts';
import { type TokenRow, tokenState } from './onboarding-tokens.ts';
import type { ProvisionRequest, RequestOrigin } from './types.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

/** What the service learnt about the secret before the transaction (scrypt is too slow to run inside it). */
export type SecretCheck = { tokenId: number; ok: boolean };

export interface Redemption {
  response: ProvisionResponse;
  reason: string | null;
  deviceId: number | null;
  deviceName: string | null;
  changed: boolean;
  tokenLocked: boolean;
}

type OwnDevice = { id: number; name: string; state: string; type: StoredCredentials['type'] | null; value: string | null };

export const maxWrongSecrets = 5;
const baseLockMs = 60_000;
const maxLockMs = 24 * 3_600_000;

/** The onboarding token a provisionDeviceKey names, if any. */
export function createTokenLookup(db: Db): (key: string) => TokenRow | undefined {
  const byKey = db.prepare('SELECT * FROM onboarding_tokens WHERE key = ?');
  return (key) => byKey.get(key) as TokenRow | undefined;
}

/**
 * Redeems an onboarding token presented as provisionDeviceKey/provisionDeviceSecret. Runs inside the group-commit
 * transaction, so usage is consumed atomically with the provisioning: a 10-use token never provisions an 11th device.
 */
export function createTokenRedeemer(
  db: Db,
  provisionDevice: (id: number, name: string, origin: RequestOrigin, now: number) => void,
) {
  const device = db.prepare(`SELECT d.id, d.name, d.state, c.type, c.value FROM devices d
    LEFT JOIN credentials c ON c.device_id = d.id WHERE d.id = ?`);
  const nameTaken = db.prepare('SELECT 1 FROM devices WHERE name = ?').pluck();
  // The device of this name that this group token onboarded before (a retry after a lost answer, or a reset).
  const redeemedByName = db.prepare(`SELECT d.id, d.name, d.state, c.type, c.value FROM devices d
    LEFT JOIN credentials c ON c.device_id = d.id
    WHERE d.name = ? AND EXISTS (SELECT 1 FROM token_redemptions r WHERE r.token_id = ? AND r.device_id = d.id)`);
  const reprovisionOf = db.prepare('SELECT reprovision FROM profiles WHERE id = ?').pluck();
  const credentialsTaken = db.prepare('SELECT 1 FROM credentials WHERE credentials_id = ?').pluck();
  const insertDevice = db.prepare(`INSERT INTO devices (name, profile_id, batch_id, is_gateway, created_at)
    VALUES (?, ?, ?, ?, ?)`);
  const insertCredentials = db.prepare('INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)');
  const consume = db.prepare('UPDATE onboarding_tokens SET uses = uses + 1, failed_attempts = 0 WHERE id = ?');
  // One row per token and device, its latest time: a device redeems its token again after a reset or "one more".
  const recordRedemption = db.prepare(`INSERT INTO token_redemptions (token_id, device_id, at) VALUES (?, ?, ?)
    ON CONFLICT (token_id, device_id) DO UPDATE SET at = excluded.at`);
  const wrongSecret = db.prepare('UPDATE onboarding_tokens SET failed_attempts = failed_attempts + 1 WHERE id = ? RETURNING failed_attempts, lock_count');
  const lock = db.prepare('UPDATE onboarding_tokens SET locked_until = ?, lock_count = lock_count + 1, failed_attempts = 0 WHERE id = ?');
  const setAttribute = db.prepare(`INSERT INTO attributes (device_id, scope, key, value, updated_at) VALUES (?, 'server', ?, ?, ?)
    ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);

  function applyAssignment(token: TokenRow, deviceId: number, now: number): void {
    if (!token.assignment) return;
    const assignment = JSON.parse(token.assignment) as { attributes?: Record<string, unknown>; policy?: string };
    for (const [key, value] of Object.entries(assignment.attributes ?? {})) setAttribute.run(deviceId, key, JSON.stringify(value), now);
    if (assignment.policy) setAttribute.run(deviceId, 'policy', JSON.stringify(assignment.policy), now);
  }

  const success = (c: { type: StoredCredentials['type']; value: string }): ProvisionResponse => ({
    credentialsValue: responseValue(c),
    credentialsType: c.type,
    status: 'SUCCESS',
  });

  return {
    find: createTokenLookup(db),

    redeem(token: TokenRow, request: ProvisionRequest, origin: RequestOrigin, secret: SecretCheck | undefined, now: number): Redemption {
      const out = (response: ProvisionResponse, reason: string, deviceId: number | null = null, deviceName: string | null = null): Redemption => ({
        response,
        reason,
        deviceId,
        deviceName,
        changed: false,
        tokenLocked: false,
      });
      // A locked token answers without looking at the secret, so guessing on is pointless.
      if (token.locked_until !== null && token.locked_until > now) return out(failure, reasonText('tokenLocked'));
      if (secret?.tokenId !== token.id || !secret.ok) {
        const counted = wrongSecret.get(token.id) as { failed_attempts: number; lock_count: number };
        if (counted.failed_attempts >= maxWrongSecrets) {
          lock.run(now + Math.min(baseLockMs * 2 ** counted.lock_count, maxLockMs), token.id);
          return { ...out(notFound, `wrong onboarding secret; token locked after ${maxWrongSecrets} wrong attempts`), tokenLocked: true };
        }
        return out(notFound, reasonText('wrongTokenSecret'));
      }
      const state = tokenState(token, now);
      if (state === 'revoked') return out(failure, reasonText('tokenRevoked'));
      if (state === 'expired') return out(failure, reasonText('tokenExpired'));

      // The token's own device: the one it is bound to, or the one of the requested name it created before.
      const given = request.deviceName === undefined ? undefined : trimDeviceName(request.deviceName);
      let own: OwnDevice | undefined;
      if (token.device_id !== null) {
        own = device.get(token.device_id) as OwnDevice | undefined;
        if (!own) return out(failure, reasonText('tokenDeviceRemoved'));
      } else if (given) {
        own = redeemedByName.get(given, token.id) as OwnDevice | undefined;
      }

      if (own && own.state !== 'pending' && own.type && own.value) {
        const same = { type: own.type, value: own.value };
        // The profile's "give the same credentials again" covers its tokens too: a device whose answer was lost
        // (Wi-Fi dropped before it subscribed) asks again with its label and gets what it was given, using no use.
        if (reprovisionOf.get(token.profile_id) === 'reissue-same') {
          return out(success(same), reasonText('reissued'), own.id, own.name);
        }
        // A use the technician allowed again ("allow one more redemption") answers the same credentials once more.
        if (state !== 'used') {
          consume.run(token.id);
          recordRedemption.run(token.id, own.id, now);
          return { ...out(success(same), reasonText('tokenRedeemedAgain'), own.id, own.name), changed: true };
        }
      }
      if (state === 'used') return out(failure, reasonText('tokenUsedUp'), own?.id ?? null, own?.name ?? null);
      if (own && own.state !== 'pending') return out(failure, reasonText('alreadyOnboarded'), own.id, own.name);

      if (own) {
        // Pending: never provisioned, or reset to pending by the technician (credentials kept unless dropped).
        let credentials = own.type && own.value ? { type: own.type, value: own.value } : null;
        if (!credentials) {
          const requested = credentialsFromRequest(request);
          if ('refused' in requested) return out(failure, reasonText(requested.refused), own.id, own.name);
          if (credentialsTaken.get(requested.credentialsId)) return out(failure, reasonText('credentialsTaken'), own.id, own.name);
          insertCredentials.run(own.id, requested.type, requested.credentialsId, requested.value);
          credentials = requested;
        }
        consume.run(token.id);
        recordRedemption.run(token.id, own.id, now);
        applyAssignment(token, own.id, now);
        provisionDevice(own.id, own.name, origin, now);
        return { ...out(success(credentials), reasonText('tokenRedeemed'), own.id, own.name), changed: true };
      }

      // A group token creates a new device in the token's batch and profile.
      const name = given ? given : `device-${randomAlphanumeric(10).toLowerCase()}`;
      if (nameTaken.get(name)) return out(failure, reasonText('nameTaken'), null, name);
      const credentials = credentialsFromRequest(request);
      if ('refused' in credentials) return out(failure, reasonText(credentials.refused), null, name);
      if (credentialsTaken.get(credentials.credentialsId)) return out(failure, reasonText('credentialsTaken'), null, name);
      const id = Number(insertDevice.run(name, token.profile_id, token.batch_id, request.gateway ? 1 : 0, now).lastInsertRowid);
      insertCredentials.run(id, credentials.type, credentials.credentialsId, credentials.value);
      consume.run(token.id);
      recordRedemption.run(token.id, id, now);
      applyAssignment(token, id, now);
      provisionDevice(id, name, origin, now);
      return { ...out(success(credentials), reasonText('tokenRedeemed'), id, name), changed: true };
    },
  };
}
