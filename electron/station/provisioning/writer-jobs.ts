import type { Device } from '../../../shared/devices.ts';
import { createAuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createDeviceReader, withoutSecret } from '../store/devices.ts';
import { createProfileStore } from '../store/profiles.ts';
import type { JobHandlers } from '../store/writer-protocol.ts';
import { createProvisionDecider, type Decision } from './provision.ts';
import type { SecretCheck } from './redeem.ts';
import type { ProvisionRequest, RequestOrigin } from './types.ts';

/** A decision as committed, with what the UI is told about it: the device as stored, when it changed. */
export type CommittedDecision = Decision & { eventId: number; at: number; device: Device | null };

/** The writes the writer thread makes (writer-worker.ts): provisioning decisions (audited in the same transaction). */
export type ProvisioningJobs = {
  provision: { input: { request: ProvisionRequest; origin: RequestOrigin; secret: SecretCheck | undefined }; result: CommittedDecision };
};

/**
 * The handlers, on the writer's connection and inside its transaction: the whole decision (token uses, the name's
 * device, credentials, outbox and audit rows) reads and writes in one serialised transaction, so no two requests can
 * both take the last use of a token or both create one name.
 */
export function provisioningJobs(db: Db): JobHandlers<ProvisioningJobs> {
  const audit = createAuditLog(db);
  const decider = createProvisionDecider(db, createProfileStore(db), audit);
  const devices = createDeviceReader(db);
  return {
    provision({ request, origin, secret }) {
      const decision = decider.decideAndAudit(request, origin, secret);
      // Read here, in the transaction that wrote it: the main thread publishes it without reading it again.
      const stored = decision.changed && decision.deviceId !== null ? devices.get(decision.deviceId) : null;
      return { ...decision, device: stored ? withoutSecret(stored) : null };
    },
  };
}
