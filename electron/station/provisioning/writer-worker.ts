// The writer thread's entry (built as writer.mjs beside each bundle, see scripts/build.mjs): it owns the station's
// write connection for provisioning, so the fsync of every group commit happens here, off the main event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database.ts';
import { createWalCheckpointer } from '../store/wal-checkpoint.ts';
import { serveWriter } from '../store/writer-loop.ts';
import { type ProvisioningJobs, provisioningJobs } from './writer-jobs.ts';

const { file } = workerData as { file: string };
// The main thread opened and migrated this file first; the same pragmas here (WAL, synchronous=FULL, busy_timeout).
const db = openDatabase(file);
// Every job runs in its own savepoint (writer-loop.ts), whose sub-journal keeps the original of each page the job
// changes. A provision changes about 16 pages (devices and its indexes, credentials, attributes, events, outbox),
// over SQLite's 64 KiB statement-journal spill: with temp_store on file, every job wrote its sub-journal out to a
// temporary file, about 32 pwrite calls per provision (strace), the writer's largest cost (bench, http/coap c=256).
// In memory the sub-journal holds at most one job's pages (it is emptied at each RELEASE), or a long admin job's.
// Nothing durable lives there: the WAL and synchronous=FULL are unchanged; a crash loses only uncommitted work.
db.pragma('temp_store = MEMORY');
// The WAL is checkpointed after each batch's replies are posted, not inside its COMMIT (wal-checkpoint.ts).
const wal = createWalCheckpointer(db);
serveWriter<ProvisioningJobs>(parentPort!, db, provisioningJobs(db), { afterCommit: wal.afterCommit });
