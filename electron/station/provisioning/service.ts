import type { ProvisionAttempt } from '../../../shared/devices.ts';
import type { EventBus } from '../event-bus.ts';
import { createAuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createDeviceReader } from '../store/devices.ts';
import { createGroupCommitter, type GroupCommitter } from '../store/group-commit.ts';
import { createProfileStore } from '../store/profiles.ts';
import { decodeProvisionRequest } from './decode.ts';
import { createFirstContact } from './first-contact.ts';
import { createProvisionDecider } from './provision.ts';
import { parseAttributes, parseTelemetry } from './telemetry.ts';
import type { DeviceIdentity, ProvisioningService } from './types.ts';

export interface ProvisioningServiceOptions {
  db: Db;
  bus: EventBus;
  log?: (line: string) => void;
  committer?: GroupCommitter;
}

// A device streaming telemetry would otherwise flood the UI with one event per message.
const seenEventIntervalMs = 2000;

/** The protocol-neutral heart of the station: every transport calls this and only this. */
export function createProvisioningService(options: ProvisioningServiceOptions): ProvisioningService & { committer: GroupCommitter } {
  const { db, bus } = options;
  const committer = options.committer ?? createGroupCommitter(db);
  const audit = createAuditLog(db);
  const devices = createDeviceReader(db);
  const decide = createProvisionDecider(db, createProfileStore(db), audit);
  const contact = createFirstContact(db);
  const lastSeenEvent = new Map<number, number>();

  const publishDevice = (id: number) => {
    const device = devices.get(id);
    if (device) bus.publish({ type: 'device', device });
  };
  const publishAttempt = (attempt: ProvisionAttempt) => bus.publish({ type: 'provision', attempt });

  /** Runs a first-contact write after commit-ordering, and tells the UI when the device's state changed. */
  async function touch(device: DeviceIdentity, write: (now: number) => void): Promise<void> {
    const becameOnline = await committer.run(() => {
      const now = Date.now();
      write(now);
      return contact.markSeen(device, now);
    });
    const now = Date.now();
    if (becameOnline || now - (lastSeenEvent.get(device.id) ?? 0) >= seenEventIntervalMs) {
      lastSeenEvent.set(device.id, now);
      publishDevice(device.id);
    }
  }

  return {
    committer,
    decode: decodeProvisionRequest,

    async provision(request, origin) {
      const decision = await committer.run(() => decide(request, origin));
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
      if (decision.changed && decision.deviceId !== null) publishDevice(decision.deviceId);
      return decision.response;
    },

    rejectMalformed(message, origin) {
      void committer
        .run(() =>
          audit.append({
            kind: 'provision',
            transport: origin.transport,
            outcome: 'BAD_REQUEST',
            reason: message,
            remoteAddress: origin.remoteAddress,
          }),
        )
        .then(
          (logged) =>
            publishAttempt({
              id: logged.id,
              at: new Date(logged.at).toISOString(),
              deviceName: null,
              transport: origin.transport,
              outcome: 'BAD_REQUEST',
              reason: message,
              remoteAddress: origin.remoteAddress,
            }),
          (err: unknown) => options.log?.(`audit: ${(err as Error).message}`),
        );
    },

    authenticateToken: (token) => contact.authenticateToken(token),
    authenticateMqttBasic: (clientId, username, password) => contact.authenticateMqttBasic(clientId, username, password),

    async recordTelemetry(device, body) {
      const entries = parseTelemetry(body, Date.now());
      await touch(device, () => contact.storeTelemetry(device, entries));
    },

    async recordAttributes(device, body) {
      const attributes = parseAttributes(body);
      await touch(device, (now) => contact.storeAttributes(device, attributes, now));
    },

    deviceSeen: (device) => touch(device, () => {}),
  };
}
