import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../electron/station/store/database.ts';

// The provisioning writer thread and the CLI write the same file as the station's main connection. A transaction
// that reads and then writes must not fail because the other connection committed in between.
describe('transactions on a file other connections write', () => {
  let dir: string;
  const open: Db[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function twoConnections(): [Db, Db] {
    dir = mkdtempSync(join(tmpdir(), 'fieldstation-tx-'));
    const file = join(dir, 'station.db');
    const a = openDatabase(file);
    const b = openDatabase(file);
    b.pragma('busy_timeout = 0');
    open.push(a, b);
    a.exec('CREATE TABLE scratch (x INTEGER)');
    return [a, b];
  }

  it('db.transaction() takes the write lock first, so a read-then-write never hits a stale snapshot', () => {
    const [a, b] = twoConnections();
    const readThenWrite = a.transaction(() => {
      const before = a.prepare('SELECT count(*) FROM scratch').pluck().get() as number;
      // The other connection cannot slip a commit in between: it waits (here: fails at once, busy_timeout 0).
      expect(() => b.prepare('INSERT INTO scratch VALUES (1)').run()).toThrow(/locked|busy/i);
      a.prepare('INSERT INTO scratch VALUES (?)').run(before + 1);
    });
    readThenWrite();
    expect(a.prepare('SELECT x FROM scratch').pluck().all()).toEqual([1]);
  });

  it('a deferred transaction (what better-sqlite3 does by default) fails when another connection commits between its read and its write', () => {
    const [a, b] = twoConnections();
    const readThenWrite = a.transaction(() => {
      a.prepare('SELECT count(*) FROM scratch').pluck().get();
      b.prepare('INSERT INTO scratch VALUES (1)').run();
      a.prepare('INSERT INTO scratch VALUES (2)').run();
    });
    expect(() => readThenWrite.deferred()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }));
  });
});
