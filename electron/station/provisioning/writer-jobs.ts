import type { Device } from '../../../shared/devices.ts';
import type { ImportReport } from '../../../shared/import.ts';
import type { ProvisionedChoice, RemovalResult } from '../../../shared/removal.ts';
import { createAuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createDeviceReader, withoutSecret } from '../store/devices.ts';
import { createProfileStore } from '../store/profiles.ts';
import type { JobHandlers } from '../store/writer-protocol.ts';
import { createDeviceProfile } from './device-profile.ts';
import { createDeviceImport, type ImportRequest } from './import-devices.ts';
import { createProfiles } from './profiles.ts';
import { createProvisionDecider, type Decision } from './provision.ts';
import { createRemoval, type Selection } from './removal.ts';
import { createTokenIssueWriter, type IssuedRows, type TokenIssuePlan } from './token-issue.ts';
import type { SecretCheck } from './redeem.ts';
import type { ProvisionRequest, RequestOrigin } from './types.ts';

/**
 * A decision as committed, with what the UI is told about it: the device as stored when it changed, or, for a
 * device this request created, `created` (its event is built on the main thread).
 */
export type CommittedDecision = Decision & { eventId: number; at: number; device: Device | null };

/**
 * The writes the writer thread makes (writer-worker.ts): provisioning decisions (audited in the same transaction),
 * and the admin writes over many rows that would hold the main event loop for a second (a 20,000-device batch):
 * imports (parsed here too: on the main thread a 20,000-row file held the loop 0.4–1.2 s), removals, profile moves
 * and per-device tokens, each one transaction (one savepoint of the writer's batch), so a crash never leaves half a
 * batch removed or imported. Provisions queue behind such a job for as long as it runs (about a second for 20,000
 * devices): acceptable, a device retries over seconds anyway, and the alternative is the whole station (every
 * transport and the UI) waiting for it on the main thread.
 */
export type ProvisioningJobs = {
  provision: { input: { request: ProvisionRequest; origin: RequestOrigin; secret: SecretCheck | undefined }; result: CommittedDecision };
  removeDevices: { input: { selection: Selection; provisioned: ProvisionedChoice }; result: RemovalResult & { batches: string[]; ids: number[] } };
  setProfile: { input: { names: string[]; profile: string }; result: { ids: number[]; moved: number } };
  issueTokens: { input: TokenIssuePlan; result: IssuedRows };
  importDevices: { input: Omit<ImportRequest, 'onProgress'>; result: ImportReport };
};

/**
 * The handlers, on the writer's connection and inside its transaction: the whole decision (token uses, the name's
 * device, credentials, outbox and audit rows) reads and writes in one serialised transaction, so no two requests can
 * both take the last use of a token or both create one name.
 */
export function provisioningJobs(db: Db, options: { importParser: URL; importThreadFromChars?: number | undefined }): JobHandlers<ProvisioningJobs> {
  const audit = createAuditLog(db);
  const decider = createProvisionDecider(db, createProfileStore(db), audit);
  const devices = createDeviceReader(db);
  const removal = createRemoval(db, audit);
  const deviceProfile = createDeviceProfile(db, createProfiles(db), audit);
  const writeTokens = createTokenIssueWriter(db, audit);
  const deviceImport = createDeviceImport(db, createProfiles(db), audit, { parserScript: options.importParser, threadFromChars: options.importThreadFromChars });
  return {
    provision({ request, origin, secret }) {
      const decision = decider.decideAndAudit(request, origin, secret);
      // A device this request created is described by the decision (the main thread builds its event); any other
      // changed device is read here, in the transaction that wrote it, so the main thread never reads it again.
      const read = !decision.created && decision.changed && decision.deviceId !== null;
      const stored = read ? devices.get(decision.deviceId!) : null;
      return { ...decision, device: stored ? withoutSecret(stored) : null };
    },
    removeDevices: ({ selection, provisioned }) => removal.remove(selection, provisioned),
    setProfile: ({ names, profile }) => deviceProfile.set(names, profile),
    issueTokens: (plan) => writeTokens(plan),
    importDevices: (request, job) => deviceImport.run({ ...request, onProgress: job.progress }),
  };
}
