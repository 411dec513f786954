import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/station/store/database.ts';
import { createWalCheckpointer } from '../../electron/station/store/wal-checkpoint.ts';

describe('the writer thread WAL checkpoint', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs after commits rather than inside them, and keeps the database file itself up to date', () => {
    dir = mkdtempSync(join(tmpdir(), 'fieldstation-wal-'));
    const file = join(dir, 'station.db');
    const db = openDatabase(file);
    const wal = createWalCheckpointer(db, 200);
    db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO blobs (body) VALUES (randomblob(3000))');
    const backlog = () => {
      const [row] = db.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
      return row!.log - row!.checkpointed;
    };

    // SQLite's own checkpoint is off: commits alone let the WAL grow past the threshold.
    for (let i = 0; i < 300; i++) insert.run();
    expect(backlog()).toBeGreaterThan(200);
    wal.afterCommit();
    expect(backlog()).toBe(0);

    for (let i = 0; i < 1000; i++) {
      insert.run();
      wal.afterCommit();
      expect(backlog()).toBeLessThan(200);
    }

    // A copy of the database file alone (a backup that missed the -wal file) holds all but the last few rows.
    copyFileSync(file, join(dir, 'copy.db'));
    db.close();
    const copy = new Database(join(dir, 'copy.db'));
    expect(copy.prepare('SELECT count(*) FROM blobs').pluck().get()).toBeGreaterThan(1200);
    copy.close();
  });
});
