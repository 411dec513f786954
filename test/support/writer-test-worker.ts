// A writer thread for tests of the writer's plumbing (store/writer-thread.ts): it records numbers, and `crash` ends
// the thread in the middle of a batch, as an uncaught error in real handlers would; `refuse` records its number and
// then throws, as a handler refusing halfway through its writes would.
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../shared/errors.ts';
import { openDatabase } from '../../electron/station/store/database.ts';
import { serveWriter } from '../../electron/station/store/writer-loop.ts';

export type TestJobs = {
  record: { input: number; result: number };
  crash: { input: null; result: never };
  refuse: { input: number; result: never };
};

const db = openDatabase((workerData as { file: string }).file);
db.exec('CREATE TABLE IF NOT EXISTS recorded (n INTEGER)');
const insert = db.prepare('INSERT INTO recorded (n) VALUES (?)');
serveWriter<TestJobs>(parentPort!, db, {
  record: (n) => Number(insert.run(n).lastInsertRowid),
  crash: () => process.exit(3),
  refuse: (n) => {
    insert.run(n);
    throw new ApiError('conflict', `number ${n} is refused`);
  },
});
