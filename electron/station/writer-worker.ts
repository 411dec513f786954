// The writer thread's entry (built as writer.mjs beside each bundle, see scripts/build.mjs): it owns the station's
// write connection for provisioning and the webhook sync, so the fsync of every group commit happens here, off the
// main event loop. It sits above both: provisioning and sync each define their jobs, neither knows the other's.
import { parentPort, workerData } from 'node:worker_threads';
import { provisioningJobs } from './provisioning/writer-jobs.ts';
import type { StationJobs, WriterStart } from './station-writer.ts';
import { openDatabase } from './store/database.ts';
import { createWalCheckpointer } from './store/wal-checkpoint.ts';
import { serveWriter } from './store/writer-loop.ts';
import { syncJobs } from './sync/batch-forming.ts';

const { file, importParser, importThreadFromChars } = workerData as WriterStart;
// The main thread opened and migrated this file first; the same pragmas here (WAL, synchronous=FULL, busy_timeout,
// temp_store in memory).
const db = openDatabase(file);
// The WAL is checkpointed after each batch's replies are posted, not inside its COMMIT (wal-checkpoint.ts).
const wal = createWalCheckpointer(db);
// Webhook sync's writes (sync/batch-forming.ts) queue with the provisions, off the main event loop like them.
serveWriter<StationJobs>(parentPort!, db, { ...provisioningJobs(db, { importParser: new URL(importParser), importThreadFromChars }), ...syncJobs(db) }, { afterCommit: wal.afterCommit });
