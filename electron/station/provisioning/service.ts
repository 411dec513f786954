import type { ProvisionAttempt } from '../../../shared/devices.ts';
import { isTokenKey } from '../../../shared/label-payload.ts';
import { failure } from '../../../shared/provisioning.ts';
import type { EventBus } from '../event-bus.ts';
import type { StationKeys } from '../keys.ts';
import { createAuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createDeviceReader, createdDevice, withoutSecret } from '../store/devices.ts';
import { createGroupCommitter, type GroupCommitter } from '../store/group-commit.ts';
import { createProfileStore } from '../store/profiles.ts';
import type { WriteGate } from '../store/write-gate.ts';
import type { Writer } from '../store/writer-thread.ts';
import { decodeProvisionRequest } from './decode.ts';
import { createFirstContact } from './first-contact.ts';
import { createPresence, type Presence } from './presence.ts';
import { createRevokedLogins } from './revoked-logins.ts';
import { createTokenLookup, type SecretCheck } from './redeem.ts';
import { createSourceThrottle } from './source-throttle.ts';
import { createOnboardingStatus } from './onboarding-status.ts';
import { parseAttributes, parseTelemetry } from './telemetry.ts';
import { derivedSecret, sameText, verifySecret } from './token-secrets.ts';
import type { DeviceIdentity, ProvisioningService, ProvisionRequest, RequestOrigin } from './types.ts';
import type { ProvisioningJobs } from './writer-jobs.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

export interface ProvisioningServiceOptions {
  db: Db;
  bus: EventBus;
  keys: StationKeys;
  log?: (line: string) => void;
  committer?: GroupCommitter;
  /** Closed while a long admin job runs on the writer thread: the group commit waits for it (store/write-gate.ts). */
  gate?: WriteGate;
  /** Where provisioning decisions commit: the station's writer thread (station-writer.ts), which the engine starts. */
  writer: Writer<ProvisioningJobs>;
}

// A device streaming telemetry would otherwise flood the UI with one event per message.
const seenEventIntervalMs = 2000;
const manyDeviceEvents = 100;

/** The protocol-neutral heart of the station: every transport calls this and only this. */
export function createProvisioningService(
  options: ProvisioningServiceOptions,
): ProvisioningService & { committer: GroupCommitter; writer: Writer<ProvisioningJobs>; presence: Presence } {
  const { db, bus } = options;
  const committer = options.committer ?? createGroupCommitter(db, { gate: options.gate });
  const writer = options.writer;
  const audit = createAuditLog(db);
  const devices = createDeviceReader(db);
  const profiles = createProfileStore(db);
  const findToken = createTokenLookup(db);
  const contact = createFirstContact(db);
  const throttle = createSourceThrottle();
  // A LAN host spraying garbage must not turn into unbounded audit writes: the first 60 a minute are kept.
  const malformed = createSourceThrottle({ limit: 60 });
  const lastSeenEvent = new Map<number, number>();
  // PIN/password checks already passed: a burst of devices typing one group PIN costs one scrypt, not hundreds.
  const verified = new Map<number, Set<string>>();

  const publishDevice = (id: number) => {
    const device = devices.get(id);
    if (device) bus.publish({ type: 'device', device: withoutSecret(device) });
  };
  const publishAttempt = (attempt: ProvisionAttempt) => bus.publish({ type: 'provision', attempt });
  const presence = createPresence({
    db,
    committer,
    log: options.log ?? (() => {}),
    changed(ids) {
      // A whole site going offline at once (a restart after a crash) is one list refresh, not thousands of rows.
      if (ids.length > manyDeviceEvents) bus.publish({ type: 'changed', entity: 'devices', batch: null });
      else for (const id of ids) publishDevice(id);
    },
  });

  /** Audits an attempt that never reached a decision (malformed, throttled), then tells the live feed. */
  async function auditRejected(outcome: 'BAD_REQUEST' | 'FAILURE', reason: string, origin: RequestOrigin): Promise<void> {
    const entry = { transport: origin.transport, outcome, reason, remoteAddress: origin.remoteAddress };
    // On the main connection's group commit, as before the writer thread: rare (throttled per source), and
    // the attempt needs no decision.
    const logged = await committer.run(() => audit.append({ kind: 'provision', ...entry }));
    publishAttempt({ id: logged.id, at: new Date(logged.at).toISOString(), deviceName: null, ...entry });
  }

  /** Checks an onboarding token's secret before the transaction: scrypt must not hold the database. */
  async function checkTokenSecret(request: ProvisionRequest, tokenShaped: boolean): Promise<SecretCheck | undefined> {
    // Token keys are 10 Crockford characters: any other key is a profile's, and needs no look-up here.
    if (!tokenShaped || profiles.byKey(request.provisionDeviceKey)) return undefined;
    const token = findToken(request.provisionDeviceKey);
    if (!token) return undefined;
    const given = request.provisionDeviceSecret;
    if (token.protection === 'derived') return { tokenId: token.id, ok: sameText(given, derivedSecret(options.keys, token.key)) };
    // Locked: the decision answers without the secret; don't spend scrypt on a guesser.
    if (token.locked_until !== null && token.locked_until > Date.now()) return { tokenId: token.id, ok: false };
    if (verified.get(token.id)?.has(given)) return { tokenId: token.id, ok: true };
    const ok = await verifySecret(given, token.secret_hash ?? '');
    if (ok) {
      const known = verified.get(token.id) ?? new Set<string>();
      verified.set(token.id, known.add(given));
    }
    return { tokenId: token.id, ok };
  }

  /** Runs a first-contact write in the group commit, and tells the UI when the device's state changed. */
  async function touch(device: DeviceIdentity, write: (now: number) => void): Promise<void> {
    const becameOnline = await committer.run(() => {
      const now = Date.now();
      write(now);
      return presence.markActive(device, now);
    });
    const now = Date.now();
    if (becameOnline || now - (lastSeenEvent.get(device.id) ?? 0) >= seenEventIntervalMs) {
      lastSeenEvent.set(device.id, now);
      publishDevice(device.id);
    }
  }

  return {
    committer,
    writer,
    presence,
    logins: createRevokedLogins(),
    decode: decodeProvisionRequest,

    async provision(request, origin) {
      const tokenShaped = isTokenKey(request.provisionDeviceKey);
      const reason = reasonText('throttled');
      if (tokenShaped && throttle.blocked(origin.remoteAddress, Date.now())) {
        await auditRejected('FAILURE', reason, origin);
        return failure;
      }
      const secret = await checkTokenSecret(request, tokenShaped);
      const decision = await writer.run('provision', { request, origin, secret });
      if (decision.response.status === 'NOT_FOUND' && (decision.onboardingToken || tokenShaped)) {
        throttle.fail(origin.remoteAddress, Date.now());
      }
      // Only now, after COMMIT, may anyone hear of it.
      publishAttempt({
        id: decision.eventId,
        at: new Date(decision.at).toISOString(),
        deviceName: decision.deviceName,
        transport: origin.transport,
        outcome: decision.response.status,
        reason: decision.reason,
        remoteAddress: origin.remoteAddress,
      });
      const device = decision.created ? createdDevice(decision.deviceId!, decision.deviceName!, decision.created) : decision.device;
      if (device) bus.publish({ type: 'device', device });
      return decision.response;
    },

    rejectMalformed(message, origin) {
      const now = Date.now();
      if (malformed.blocked(origin.remoteAddress, now)) return;
      malformed.fail(origin.remoteAddress, now);
      auditRejected('BAD_REQUEST', message, origin).catch((err: unknown) => options.log?.(`audit: ${(err as Error).message}`));
    },

    authenticateToken: (token) => contact.authenticateToken(token),
    authenticateMqttBasic: (clientId, username, password) => contact.authenticateMqttBasic(clientId, username, password),
    authenticateCertificate: (der) => contact.authenticateCertificate(der),

    async recordTelemetry(device, body) {
      const entries = parseTelemetry(body, Date.now());
      await touch(device, () => contact.storeTelemetry(device, entries));
    },

    async recordAttributes(device, body) {
      const attributes = parseAttributes(body);
      await touch(device, (now) => contact.storeAttributes(device, attributes, now));
    },

    sessionOpened: (device) => presence.sessionOpened(device),
    sessionClosed: (device) => presence.sessionClosed(device),
    onboardingStatus: createOnboardingStatus(db),
  };
}
