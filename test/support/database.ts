import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Db, openDatabase } from '../../electron/station/store/database.ts';
import { tempDir } from './engine.ts';

/** A station database at the newest schema in a fresh folder, for tests of one store or sync module without an engine. */
export function openTestDatabase(prefix = 'fieldstation-db-'): { db: Db; close(): void } {
  const dir = tempDir(prefix);
  const db = openDatabase(join(dir, 'station.db'));
  return {
    db,
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
