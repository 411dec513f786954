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
// Sub-journals (savepoints, and statement journals of multi-row statements) keep the original of each page they
// change. Measured when every job still ran in its own savepoint: a provision changed about 16 pages, over SQLite's
// 64 KiB spill, so with temp_store on file each one wrote its sub-journal to a temporary file, about 32 pwrite calls
// per provision (strace), the writer's largest cost then. Batches now run without savepoints unless a job fails
// (writer-loop.ts), but a failed batch's re-run and the long admin jobs (db.transaction() nests as a savepoint)
// still journal, and in memory that costs no system call. Nothing durable lives there: the WAL and
// synchronous=FULL are unchanged; a crash loses only uncommitted work.
db.pragma('temp_store = MEMORY');
// The WAL is checkpointed after each batch's replies are posted, not inside its COMMIT (wal-checkpoint.ts).
const wal = createWalCheckpointer(db);
serveWriter<ProvisioningJobs>(parentPort!, db, provisioningJobs(db), { afterCommit: wal.afterCommit });
