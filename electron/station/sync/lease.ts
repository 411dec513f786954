import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../store/database.ts';
import { processAlive } from '../net/process-alive.ts';

// One process drains a target at a time: `serve` may run its background worker while someone types
// `fieldstation sync --once` on the same data directory. Two drains of one target would each form their own
// webhook batches (different idempotency keys for the same entries). The lease lives in the database; a holder
// renews it while it works. A holder killed on this machine (SIGKILL, power cut of the process) is recognised at
// once by its pid, so a restart does not wait for the lease to run out.

export const LEASE_TTL_MS = 30_000;

export interface Lease {
  readonly owner: string;
  /** Takes or renews the lease; false when another live process holds it. */
  acquire(targetId: number, now?: number): boolean;
  release(targetId: number): void;
  /** Who holds it, for the message when we could not take it. */
  holder(targetId: number): string | null;
}


export function createLease(db: Db): Lease {
  const host = hostname();
  const owner = `${host}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const read = db.prepare('SELECT lease_owner, lease_until FROM sync_targets WHERE id = ?');
  const take = db.prepare('UPDATE sync_targets SET lease_owner = ?, lease_until = ? WHERE id = ?');
  const drop = db.prepare('UPDATE sync_targets SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?');

  const free = (holder: string | null, until: number, now: number): boolean => {
    if (holder === null || holder === owner || until <= now) return true;
    const [h, pid] = holder.split(':');
    return h === host && Number(pid) !== process.pid && !processAlive(Number(pid));
  };

  // IMMEDIATE: the read and the write must not interleave with another process doing the same.
  const acquire = db.transaction((targetId: number, now: number): boolean => {
    const row = read.get(targetId) as { lease_owner: string | null; lease_until: number } | undefined;
    if (!row || !free(row.lease_owner, row.lease_until, now)) return false;
    take.run(owner, now + LEASE_TTL_MS, targetId);
    return true;
  });

  return {
    owner,
    acquire: (targetId, now = Date.now()) => acquire.immediate(targetId, now),
    release: (targetId) => {
      drop.run(targetId, owner);
    },
    holder(targetId) {
      const row = read.get(targetId) as { lease_owner: string | null; lease_until: number } | undefined;
      if (!row || free(row.lease_owner, row.lease_until, Date.now())) return null;
      return row.lease_owner;
    },
  };
}
