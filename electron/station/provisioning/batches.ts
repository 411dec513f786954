import type { z } from 'zod';
import type { Batch, BatchInput, BatchUpdate } from '../../../shared/batches.ts';
import { ApiError } from '../../../shared/errors.ts';
import { asLabelLanguage } from '../../../shared/label-words.ts';
import type { Db } from '../store/database.ts';
import type { Profiles } from './profiles.ts';

interface BatchRow {
  id: number;
  name: string;
  site: string;
  profile: string | null;
  notes: string;
  language: string;
  created_at: number;
  total: number;
  pending: number;
  provisioned: number;
  online: number;
  offline: number;
  handed_over: number;
}

const toBatch = (r: BatchRow): Batch => ({
  id: r.id,
  name: r.name,
  site: r.site,
  profile: r.profile,
  notes: r.notes,
  // Validated on the way in; an unknown value (a newer station's language) reads as the default it prints in.
  language: asLabelLanguage(r.language),
  createdAt: new Date(r.created_at).toISOString(),
  counts: {
    total: r.total,
    pending: r.pending,
    provisioned: r.provisioned,
    online: r.online,
    offline: r.offline,
    handedOver: r.handed_over,
  },
});

/** Batches: the devices of one delivery or site visit, with their progress pending -> provisioned -> online. */
export function createBatches(db: Db, profiles: Profiles) {
  const select = `SELECT b.id, b.name, b.site, p.name AS profile, b.notes, b.language, b.created_at,
      count(d.id) AS total,
      count(d.id) FILTER (WHERE d.state = 'pending') AS pending,
      count(d.id) FILTER (WHERE d.state = 'provisioned') AS provisioned,
      count(d.id) FILTER (WHERE d.state = 'online') AS online,
      count(d.id) FILTER (WHERE d.state = 'offline') AS offline,
      count(d.id) FILTER (WHERE d.state = 'handed-over') AS handed_over
    FROM batches b LEFT JOIN profiles p ON p.id = b.profile_id LEFT JOIN devices d ON d.batch_id = b.id`;
  const all = db.prepare(`${select} GROUP BY b.id ORDER BY b.created_at DESC, b.id DESC`);
  const byName = db.prepare(`${select} WHERE b.name = ? GROUP BY b.id`);
  const insert = db.prepare('INSERT INTO batches (name, site, profile_id, notes, language, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE batches SET name = ?, site = ?, profile_id = ?, notes = ?, language = ? WHERE id = ?');
  const nameTaken = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();

  function get(name: string): Batch {
    const row = byName.get(name) as BatchRow | undefined;
    if (!row) throw new ApiError('not_found', `no batch named '${name}'`);
    return toBatch(row);
  }

  return {
    list: (): Batch[] => (all.all() as BatchRow[]).map(toBatch),
    get,
    find: (name: string): Batch | null => {
      const row = byName.get(name) as BatchRow | undefined;
      return row ? toBatch(row) : null;
    },
    create(input: z.output<typeof BatchInput>): Batch {
      return db.transaction(() => {
        if (nameTaken.get(input.name)) throw new ApiError('conflict', `a batch named '${input.name}' already exists`);
        const profile = profiles.require(input.profile);
        insert.run(input.name, input.site, profile.id, input.notes, input.language, Date.now());
        return get(input.name);
      })();
    },
    update(change: z.output<typeof BatchUpdate>): Batch {
      return db.transaction(() => {
        const current = get(change.batch);
        const name = change.name ?? current.name;
        const other = nameTaken.get(name) as number | undefined;
        if (other !== undefined && other !== current.id) throw new ApiError('conflict', `a batch named '${name}' already exists`);
        const profileName = change.profile ?? current.profile;
        const profileId = profileName === null ? null : profiles.require(profileName).id;
        update.run(name, change.site ?? current.site, profileId, change.notes ?? current.notes, change.language ?? current.language, current.id);
        return get(name);
      })();
    },
  };
}
export type Batches = ReturnType<typeof createBatches>;
