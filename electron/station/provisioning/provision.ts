import { timingSafeEqual } from 'node:crypto';
import { failure, notFound, type ProvisionResponse } from '../../../shared/provisioning.ts';
import type { AuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import type { CreatedDevice } from '../store/devices.ts';
import type { ProfileRow, ProfileStore } from '../store/profiles.ts';
import { createOutboxAppender } from '../store/outbox.ts';
import { credentialsFromRequest, randomAlphanumeric, responseValue, type StoredCredentials } from './credentials.ts';
import { trimDeviceName } from './decode.ts';
import { createTokenRedeemer, type SecretCheck } from './redeem.ts';
import type { ProvisionRequest, RequestOrigin } from './types.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

/** The result of one decision: the reply, and what to tell the UI once it is committed. */
export interface Decision {
  response: ProvisionResponse;
  reason: string | null;
  deviceId: number | null;
  deviceName: string | null;
  /** Whether the device's stored state changed (so the UI gets a device event). */
  changed: boolean;
  /** The key was an onboarding token's (wrong secrets from one address are throttled across tokens). */
  onboardingToken: boolean;
  /**
   * Set when this request created the device (allow-create): everything its live event shows, so the main thread
   * builds that event without reading the row back (store/devices.ts createdDevice).
   */
  created?: CreatedDevice;
}

interface ExistingDevice {
  id: number;
  profile_id: number;
  provisioned: number;
  type: StoredCredentials['type'] | null;
  value: string | null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * ThingsBoard's provisioning decision (DeviceProvisionServiceImpl), run inside the group-commit transaction so that
 * concurrent requests for one name are serialised: exactly one can create it.
 */
export function createProvisionDecider(db: Db, profiles: ProfileStore, audit: AuditLog) {
  const findDevice = db.prepare(`SELECT d.id, d.profile_id,
      EXISTS (SELECT 1 FROM attributes a WHERE a.device_id = d.id AND a.scope = 'server' AND a.key = 'provisionState')
        AS provisioned,
      c.type, c.value
    FROM devices d LEFT JOIN credentials c ON c.device_id = d.id WHERE d.name = ?`);
  const credentialsTaken = db.prepare('SELECT 1 FROM credentials WHERE credentials_id = ?').pluck();
  // A device created by its own request is born provisioned: one INSERT instead of an INSERT and an UPDATE.
  const insertProvisioned = db.prepare(`INSERT INTO devices (name, profile_id, is_gateway, created_at, provisioned_at,
    provisioned_via, state) VALUES (?, ?, ?, ?, ?, ?, 'provisioned')`);
  const insertCredentials = db.prepare('INSERT INTO credentials (device_id, type, credentials_id, value) VALUES (?, ?, ?, ?)');
  const markProvisioned = db.prepare(`UPDATE devices SET provisioned_at = ?, provisioned_via = ?,
    state = CASE WHEN state = 'pending' THEN 'provisioned' ELSE state END WHERE id = ?`);
  const setProvisionState = db.prepare(`INSERT INTO attributes (device_id, scope, key, value, updated_at)
    VALUES (?, 'server', 'provisionState', '"provisioned"', ?)
    ON CONFLICT (device_id, scope, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
  const appendOutbox = createOutboxAppender(db);

  /** What every provisioned device has besides its row's state: ThingsBoard's provisionState attribute, and the outbox entry. */
  function recordProvisioned(deviceId: number, deviceName: string, origin: RequestOrigin, now: number): void {
    setProvisionState.run(deviceId, now);
    appendOutbox(deviceId, 'device.provisioned', { name: deviceName, via: origin.transport }, now);
  }

  function provisionDevice(deviceId: number, deviceName: string, origin: RequestOrigin, now: number): void {
    markProvisioned.run(now, origin.transport, deviceId);
    recordProvisioned(deviceId, deviceName, origin, now);
  }

  const redeemer = createTokenRedeemer(db, provisionDevice);

  function success(credentials: { type: StoredCredentials['type']; value: string }): ProvisionResponse {
    return { credentialsValue: responseValue(credentials), credentialsType: credentials.type, status: 'SUCCESS' };
  }

  function reissue(profile: ProfileRow, existing: ExistingDevice): ProvisionResponse | null {
    return profile.reprovision === 'reissue-same' && existing.type !== null && existing.value !== null
      ? success({ type: existing.type, value: existing.value })
      : null;
  }

  function decide(request: ProvisionRequest, origin: RequestOrigin, secret: SecretCheck | undefined): Decision {
    const now = Date.now();
    const given = request.deviceName;
    const name = given === undefined || given === '' ? null : trimDeviceName(given);
    const out = (response: ProvisionResponse, reason: string | null, deviceId: number | null, changed = false): Decision => ({
      response,
      reason,
      deviceId,
      deviceName: name,
      changed,
      onboardingToken: false,
    });

    if (name === '') return out(failure, reasonText('blankName'), null);
    if (!request.provisionDeviceKey || !request.provisionDeviceSecret) return out(notFound, reasonText('emptyKeyOrSecret'), null);
    const profile = profiles.byKey(request.provisionDeviceKey);
    if (!profile) {
      const token = redeemer.find(request.provisionDeviceKey);
      if (!token) return out(notFound, reasonText('unknownKey'), null);
      const r = redeemer.redeem(token, request, origin, secret, now);
      return { response: r.response, reason: r.reason, deviceId: r.deviceId, deviceName: r.deviceName ?? name, changed: r.changed, onboardingToken: true };
    }
    if (profile.strategy === 'disabled') return out(notFound, reasonText('profileDisabled', { profile: profile.name }), null);
    // ThingsBoard answers NOT_FOUND, not FAILURE, for a wrong secret.
    if (!sameSecret(request.provisionDeviceSecret, profile.provision_secret)) return out(notFound, reasonText('wrongSecret'), null);

    const existing = name === null ? undefined : (findDevice.get(name) as ExistingDevice | undefined);

    if (profile.strategy === 'check-pre-provisioned') {
      if (!existing) return out(failure, reasonText('notPreProvisioned'), null);
      if (existing.profile_id !== profile.id) return out(failure, reasonText('otherProfile'), existing.id);
      if (existing.provisioned) {
        const again = reissue(profile, existing);
        return again ? out(again, reasonText('reissued'), existing.id) : out(failure, reasonText('alreadyProvisioned'), existing.id);
      }
      if (existing.type === null || existing.value === null) return out(failure, reasonText('noCredentials'), existing.id);
      provisionDevice(existing.id, name!, origin, now);
      // Credentials in the request are ignored here, as in ThingsBoard: the device gets the ones it was given.
      return out(success({ type: existing.type, value: existing.value }), null, existing.id, true);
    }

    // allow-create
    if (existing) {
      const again = existing.profile_id === profile.id && existing.provisioned ? reissue(profile, existing) : null;
      return again ? out(again, reasonText('reissued'), existing.id) : out(failure, reasonText('nameTaken'), existing.id);
    }
    const credentials = credentialsFromRequest(request);
    if ('refused' in credentials) return out(failure, reasonText(credentials.refused), null);
    if (credentialsTaken.get(credentials.credentialsId)) return out(failure, reasonText('credentialsTaken'), null);
    const deviceName = name ?? randomAlphanumeric();
    const id = Number(insertProvisioned.run(deviceName, profile.id, request.gateway ? 1 : 0, now, now, origin.transport).lastInsertRowid);
    insertCredentials.run(id, credentials.type, credentials.credentialsId, credentials.value);
    recordProvisioned(id, deviceName, origin, now);
    const created: CreatedDevice = { profile: profile.name, gateway: request.gateway === true, credentialsType: credentials.type, via: origin.transport, at: now };
    return { ...out(success(credentials), null, id, true), deviceName, created };
  }

  /** Decides and writes the audit entry in the same transaction: the log never misses an attempt. */
  return {
    decideAndAudit(request: ProvisionRequest, origin: RequestOrigin, secret?: SecretCheck): Decision & { eventId: number; at: number } {
    const decision = decide(request, origin, secret);
    const logged = audit.append({
      kind: 'provision',
      deviceId: decision.deviceId,
      deviceName: decision.deviceName,
      transport: origin.transport,
      outcome: decision.response.status,
      reason: decision.reason,
      remoteAddress: origin.remoteAddress,
    });
    return { ...decision, eventId: logged.id, at: logged.at };
    },
  };
}
