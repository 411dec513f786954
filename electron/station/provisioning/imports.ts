import type { ImportRecord } from '../../../shared/removal.ts';
import type { Db } from '../store/database.ts';

/** The recorded imports of a batch (or all), newest first, with how many of their devices are still here. */
export function createImportLog(db: Db) {
  const list = db.prepare(`SELECT i.id, b.name AS batch, p.name AS profile, i.file_name, i.at, i.created, i.updated,
      i.unchanged, i.undone_at, (SELECT count(*) FROM devices d WHERE d.import_id = i.id) AS remaining
    FROM imports i JOIN batches b ON b.id = i.batch_id JOIN profiles p ON p.id = i.profile_id
    WHERE (@batch IS NULL OR b.name = @batch) ORDER BY i.id DESC LIMIT @limit`);
  return {
    list(batch: string | null, limit: number): ImportRecord[] {
      return (list.all({ batch, limit }) as Record<string, unknown>[]).map((r) => ({
        id: r.id as number,
        batch: r.batch as string,
        profile: r.profile as string,
        fileName: r.file_name as string | null,
        at: new Date(r.at as number).toISOString(),
        created: r.created as number,
        updated: r.updated as number,
        unchanged: r.unchanged as number,
        remaining: r.remaining as number,
        undoneAt: r.undone_at === null ? null : new Date(r.undone_at as number).toISOString(),
      }));
    },
  };
}
export type ImportLog = ReturnType<typeof createImportLog>;
