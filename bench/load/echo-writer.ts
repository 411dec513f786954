// The bench's stand-in for the station's writer thread (built as dist/bench-echo-writer.mjs): every provision is
// answered SUCCESS at once from the request's own credentials, and nothing is stored (its transactions are on an
// in-memory database). A station started with it measures everything a provisioning request costs except SQLite and
// the disk: the transports, validation, both thread hops, the live events, the answer. Its rate over the bare
// server's is the ceiling the durable ratio can approach on this machine (bench/provisioning.ts).
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { credentialsFromRequest, randomAlphanumeric, responseValue } from '../../electron/station/provisioning/credentials.ts';
import type { ProvisioningJobs } from '../../electron/station/provisioning/writer-jobs.ts';
import { serveWriter } from '../../electron/station/store/writer-loop.ts';

type ProvisionOnly = Pick<ProvisioningJobs, 'provision'>;

let serial = 0;

serveWriter<ProvisionOnly>(parentPort!, new Database(':memory:'), {
  provision({ request, origin }) {
    const asked = credentialsFromRequest(request);
    const credentials = 'refused' in asked ? { type: 'ACCESS_TOKEN' as const, credentialsId: '', value: randomAlphanumeric() } : asked;
    const id = ++serial;
    const at = Date.now();
    return {
      response: { credentialsValue: responseValue(credentials), credentialsType: credentials.type, status: 'SUCCESS' },
      reason: null,
      deviceId: id,
      deviceName: request.deviceName ?? `echo-${id}`,
      changed: true,
      onboardingToken: false,
      created: { profile: 'bench', gateway: request.gateway === true, credentialsType: credentials.type, via: origin.transport, at },
      eventId: id,
      at,
      device: null,
    };
  },
});
