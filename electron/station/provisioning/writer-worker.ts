// The writer thread's entry (built as writer.mjs beside each bundle, see scripts/build.mjs): it owns the station's
// write connection for provisioning, so the fsync of every group commit happens here, off the main event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database.ts';
import { createWalCheckpointer } from '../store/wal-checkpoint.ts';
import { serveWriter } from '../store/writer-loop.ts';
import { type ProvisioningJobs, provisioningJobs } from './writer-jobs.ts';

const { file } = workerData as { file: string };
// The main thread opened and migrated this file first; the same pragmas here (WAL, synchronous=FULL, busy_timeout,
// temp_store in memory).
const db = openDatabase(file);
// The WAL is checkpointed after each batch's replies are posted, not inside its COMMIT (wal-checkpoint.ts).
const wal = createWalCheckpointer(db);
serveWriter<ProvisioningJobs>(parentPort!, db, provisioningJobs(db), { afterCommit: wal.afterCommit });
