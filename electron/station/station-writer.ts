import type { ProvisioningJobs } from './provisioning/writer-jobs.ts';
import type { Db } from './store/database.ts';
import { workerScript } from './store/worker-script.ts';
import { createWriter, type Writer } from './store/writer-thread.ts';
import type { SyncJobs } from './sync/batch-forming.ts';
import type { WebhookJobs } from './sync/drain.ts';

/** Every job the station's writer thread runs: provisioning's (decisions, imports, removals, tokens) and sync's. */
export type StationJobs = ProvisioningJobs & SyncJobs;

/** The writer thread for `db`'s file (writer-worker.ts): its own connection, its fsyncs off this event loop. */
export function createStationWriter(db: Db, options: { importThreadFromChars?: number } = {}): Writer<StationJobs> {
  const fromSource = import.meta.url.endsWith('.ts');
  // Built, this module is inside a bundle (dist/cli.mjs, dist/electron/station-process.mjs, ...): writer.mjs and
  // import-parser.mjs are beside it (scripts/build.mjs).
  const script = () => workerScript({ source: new URL('./writer-worker.ts', import.meta.url), bundled: new URL('./writer.mjs', import.meta.url), fromSource });
  // The thread the writer starts for a large import (import/parser-pipe.ts), found here: the writer, bundled from
  // source under the tests, could not tell where its sources are.
  const importParser = () =>
    workerScript({ source: new URL('./import/parser-thread.ts', import.meta.url), bundled: new URL('./import-parser.mjs', import.meta.url), fromSource });
  return createWriter<StationJobs>({ script, workerData: (): WriterStart => ({ file: db.name, importParser: importParser().href, ...options }) });
}

/** What the writer thread starts with (writer-worker.ts). */
export interface WriterStart {
  file: string;
  /** The import parser thread's script, as a URL. */
  importParser: string;
  /** From this size on an import is read on the parser thread (import-devices.ts has the default; tests lower it). */
  importThreadFromChars?: number;
}

/** The webhook sync's jobs on a station writer, as the sync's rounds ask for them (sync/drain.ts WebhookJobs). */
export function webhookJobsOn(writer: Writer<StationJobs>): WebhookJobs {
  return {
    form: (targetId, now, size, count) => writer.run('formWebhookBatches', { targetId, now, size, count }),
    settle: async (targetId, settlements) => void (await writer.run('settleWebhookBatches', { targetId, settlements })),
  };
}
