import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/station/store/database.ts';
import { workerScript } from '../../electron/station/store/worker-script.ts';
import { createWriter, type Writer } from '../../electron/station/store/writer-thread.ts';
import type { TestJobs } from '../support/writer-test-worker.ts';

describe('the writer thread', () => {
  let dir: string;
  let writer: Writer<TestJobs> | undefined;
  afterEach(async () => {
    await writer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a thread that dies fails only the jobs it had taken (uncommitted), and the next job gets a new thread', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldstation-writer-'));
    const file = join(dir, 'station.db');
    openDatabase(file).close();
    const source = new URL('../support/writer-test-worker.ts', import.meta.url);
    writer = createWriter<TestJobs>({ script: () => workerScript({ source, bundled: source, fromSource: true }), workerData: () => ({ file }) });

    expect(await writer.run('record', 1)).toBe(1);
    // One batch: the thread dies inside its transaction, so the number recorded before the crash is not kept either.
    const lost = writer.run('record', 2);
    const crash = writer.run('crash', null);
    await expect(lost).rejects.toThrow(/database writer stopped \(exit code 3\)/);
    await expect(crash).rejects.toThrow(/exit code 3/);

    expect(await writer.run('record', 4)).toBe(2);
    await writer.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT n FROM recorded ORDER BY rowid').pluck().all()).toEqual([1, 4]);
    db.close();
  });

  it('a job that throws in a batch is undone alone: the jobs before and after it in the same batch are committed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldstation-writer-'));
    const file = join(dir, 'station.db');
    openDatabase(file).close();
    const source = new URL('../support/writer-test-worker.ts', import.meta.url);
    writer = createWriter<TestJobs>({ script: () => workerScript({ source, bundled: source, fromSource: true }), workerData: () => ({ file }) });

    // Asked for in one turn, so they travel and commit as one batch.
    const first = writer.run('record', 10);
    const refused = writer.run('refuse', 20);
    const last = writer.run('record', 30);
    await expect(refused).rejects.toMatchObject({ code: 'conflict', message: 'number 20 is refused' });
    expect(await first).toBe(1);
    expect(await last).toBe(2);
    const refusedAlone = writer.run('refuse', 40);
    await expect(refusedAlone).rejects.toThrow(/number 40 is refused/);
    expect(await writer.run('record', 50)).toBe(3);
    await writer.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT n FROM recorded ORDER BY rowid').pluck().all()).toEqual([10, 30, 50]);
    db.close();
  });
});
