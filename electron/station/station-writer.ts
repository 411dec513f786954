import type { ProvisioningJobs } from './provisioning/writer-jobs.ts';
import type { Db } from './store/database.ts';
import { workerScript } from './store/worker-script.ts';
import { createWriter, type Writer } from './store/writer-thread.ts';
import type { SyncJobs } from './sync/batch-forming.ts';
import type { WebhookJobs } from './sync/drain.ts';

/** Every job the station's writer thread runs: provisioning's (decisions, imports, removals, tokens) and sync's. */
export type StationJobs = ProvisioningJobs & SyncJobs;

/** The writer thread for `db`'s file (writer-worker.ts): its own connection, its fsyncs off this event loop. */
export function createStationWriter(db: Db): Writer<StationJobs> {
  const script = () =>
    workerScript({
      source: new URL('./writer-worker.ts', import.meta.url),
      // Built, this module is inside a bundle (dist/cli.mjs, dist/electron/station-process.mjs, ...): writer.mjs is beside it.
      bundled: new URL('./writer.mjs', import.meta.url),
      fromSource: import.meta.url.endsWith('.ts'),
    });
  return createWriter<StationJobs>({ script, workerData: { file: db.name } });
}

/** The webhook sync's jobs on a station writer, as the sync's rounds ask for them (sync/drain.ts WebhookJobs). */
export function webhookJobsOn(writer: Writer<StationJobs>): WebhookJobs {
  return {
    form: (targetId, now, size, count) => writer.run('formWebhookBatches', { targetId, now, size, count }),
    settle: async (targetId, settlements) => void (await writer.run('settleWebhookBatches', { targetId, settlements })),
  };
}
