import type { Device } from '../../../shared/devices.ts';
import { ApiError } from '../../../shared/errors.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import type { DeviceReader } from '../store/devices.ts';
import type { StationKeys } from '../keys.ts';
import { stationActor } from './actor.ts';
import { derivedSecret, sameText, verifySecret } from './token-secrets.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

// A way back for a device that is stuck: it provisioned, but its answer was lost (it published to /provision/request
// before subscribing to /provision/response, or its Wi-Fi dropped), and its retry is refused ("onboarding token used
// up", "device already provisioned"). ThingsBoard's own answer is to delete the device and provision again; here the
// technician resets it to pending, or gives its token one more use, and every step is in the audit log.

const actor = stationActor;

export function createRecovery(db: Db, reader: DeviceReader, audit: AuditLog, keys: StationKeys) {
  const unprovision = db.prepare(`UPDATE devices SET state = 'pending', provisioned_at = NULL, provisioned_via = NULL
    WHERE id = ?`);
  const dropProvisionState = db.prepare(`DELETE FROM attributes WHERE device_id = ? AND scope = 'server' AND key = 'provisionState'`);
  const dropCredentials = db.prepare('DELETE FROM credentials WHERE device_id = ?');
  // Every token that onboarded the device (its own label token, or the group token it used) gets that use back.
  const giveUseBack = db.prepare(`UPDATE onboarding_tokens SET uses = uses - 1
    WHERE uses > 0 AND revoked_at IS NULL AND id IN (SELECT token_id FROM token_redemptions WHERE device_id = ?)
    RETURNING id`).pluck();
  const tokenById = db.prepare(`SELECT t.id, t.revoked_at, t.max_uses, t.uses, t.device_id, d.name AS device_name, d.state AS device_state
    FROM onboarding_tokens t LEFT JOIN devices d ON d.id = t.device_id WHERE t.id = ?`);
  const addUses = db.prepare('UPDATE onboarding_tokens SET max_uses = max_uses + ? WHERE id = ?');
  const lockOf = db.prepare(`SELECT t.id, t.key, t.protection, t.secret_hash, t.locked_until, t.device_id, d.name AS device_name
    FROM onboarding_tokens t LEFT JOIN devices d ON d.id = t.device_id WHERE t.id = ?`);
  const unlock = db.prepare('UPDATE onboarding_tokens SET locked_until = NULL, failed_attempts = 0, lock_count = 0 WHERE id = ?');

  type LockRow = { id: number; key: string; protection: 'derived' | 'pin' | 'password'; secret_hash: string | null; locked_until: number | null; device_id: number | null; device_name: string | null };

  return {
    /**
     * A token locked after wrong secrets (someone guessed, or a technician mistyped the PIN) opened again by a person
     * who knows its secret: the PIN or password it was issued with, or a derived token's printed secret. The lock and
     * its growing interval start over. A wrong secret here is refused and audited but does not count towards a lock:
     * this is the admin side, whose user could revoke and reissue the token anyway.
     */
    async unlock(id: number, secret: string): Promise<{ id: number; unlocked: boolean }> {
      const token = lockOf.get(id) as LockRow | undefined;
      if (!token) throw new ApiError('not_found', `no token with id ${id}`);
      const now = Date.now();
      if (token.locked_until === null || token.locked_until <= now) return { id, unlocked: false };
      // scrypt takes ~50 ms: verified before the transaction, so the database is not held meanwhile.
      const right =
        token.protection === 'derived' ? sameText(secret, derivedSecret(keys, token.key)) : await verifySecret(secret, token.secret_hash!);
      const word = token.protection === 'pin' ? 'PIN' : token.protection === 'password' ? 'password' : 'secret';
      const kind = token.protection === 'pin' ? 'Pin' : token.protection === 'password' ? 'Password' : 'Secret';
      // The refusal is recorded too (committed before the error is thrown, which would otherwise roll it back):
      // wrong secrets typed at the station belong in the device's history beside the device's own attempts.
      db.transaction(() => {
        audit.append({
          kind: right ? 'tokens.unlocked' : 'tokens.unlock-refused',
          deviceId: token.device_id,
          deviceName: token.device_name,
          reason: reasonText(right ? `unlocked${kind}` : `stillLocked${kind}`),
          details: { actor, id },
        });
        if (right) unlock.run(id);
      })();
      if (!right) throw new ApiError('bad_request', `that is not this token's ${word}; it stays locked`);
      return { id, unlocked: true };
    },

    /**
     * Back to pending, so the device can provision again. Credentials are kept by default: the device may well have
     * received them (the feed showed SUCCESS) and be using them, the cloud may already know them, and its next
     * provisioning answers those same credentials, as ThingsBoard's check-pre-provisioned strategy does.
     */
    reset(name: string, keepCredentials: boolean): { device: Device; tokensFreed: number[] } {
      const found = reader.getByName(name);
      if (!found) throw new ApiError('not_found', `no device named '${name}'`);
      return db.transaction(() => {
        const device = reader.get(found.id)!;
        if (device.state === 'pending') throw new ApiError('conflict', `device '${name}' is already pending`);
        if (device.state === 'handed-over') {
          throw new ApiError('conflict', `device '${name}' was handed over to the cloud; it no longer provisions here`);
        }
        unprovision.run(device.id);
        dropProvisionState.run(device.id);
        if (!keepCredentials) dropCredentials.run(device.id);
        const tokensFreed = giveUseBack.all(device.id) as number[];
        audit.append({
          kind: 'device.reset',
          deviceId: device.id,
          deviceName: name,
          reason: reasonText(keepCredentials ? 'resetKept' : 'resetDropped'),
          details: { actor, from: device.state, credentials: keepCredentials ? 'kept' : 'dropped', tokensFreed },
        });
        return { device: reader.get(device.id)!, tokensFreed };
      })();
    },

    /**
     * One more redemption (or `uses` more) for a token: a group token that ran out, or a device's label token after
     * its answer was lost (its next redemption answers the same credentials).
     */
    allowMore(id: number, uses: number): { id: number; maxUses: number; uses: number } {
      return db.transaction(() => {
        const token = tokenById.get(id) as
          | { id: number; revoked_at: number | null; max_uses: number; uses: number; device_id: number | null; device_name: string | null; device_state: string | null }
          | undefined;
        if (!token) throw new ApiError('not_found', `no token with id ${id}`);
        if (token.revoked_at !== null) throw new ApiError('conflict', 'this token is revoked; reissue it instead');
        addUses.run(uses, id);
        audit.append({
          kind: 'tokens.allowed-more',
          deviceId: token.device_id,
          deviceName: token.device_name,
          reason: uses === 1 ? reasonText('oneMoreRedemption') : reasonText('moreRedemptions', { count: uses }),
          details: { actor, id, uses, maxUses: token.max_uses + uses },
        });
        return { id, maxUses: token.max_uses + uses, uses: token.uses };
      })();
    },
  };
}
export type Recovery = ReturnType<typeof createRecovery>;
