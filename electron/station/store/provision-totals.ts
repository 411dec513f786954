import type { z } from 'zod';
import type { OutcomeCounts } from '../../../shared/devices.ts';
import type { Db } from './database.ts';

type Counts = z.infer<typeof OutcomeCounts>;
const outcomes = ['SUCCESS', 'NOT_FOUND', 'FAILURE', 'BAD_REQUEST'] as const;
const zero = (): Counts => ({ SUCCESS: 0, NOT_FOUND: 0, FAILURE: 0, BAD_REQUEST: 0 });

/**
 * Provisioning attempts by outcome, since a time: the Server screen's totals. Events are append-only (audit.ts;
 * nothing deletes or rewrites a row's kind, outcome or time) and their ids only grow, so each read counts only the
 * events after the newest one the previous read saw and adds them to what it counted then. Counting them all each
 * time read every event: 310 ms of the main thread at 1,000,000 events (this VM), and the screen asks again up to
 * once a second while devices provision (renderer live-query.ts), i.e. a quarter of the thread that also serves the
 * devices. The newest id is read first: a row with a smaller id is already committed (one writer, ids in commit order).
 */
export function createProvisionTotals(db: Db) {
  const newest = db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck();
  const countBetween = db.prepare(`SELECT outcome, count(*) AS n FROM events
    WHERE id > ? AND id <= ? AND kind = 'provision' AND at >= ? GROUP BY outcome`);
  let kept: { since: number; through: number; counts: Counts } | null = null;
  return {
    since(since: number): Counts {
      const through = newest.get() as number;
      // Another `since`, or fewer events than last time (a data directory restored under a running station): count anew.
      if (kept === null || kept.since !== since || through < kept.through) kept = { since, through: 0, counts: zero() };
      for (const r of countBetween.all(kept.through, through, since) as { outcome: string | null; n: number }[]) {
        const outcome = outcomes.find((o) => o === r.outcome);
        if (outcome) kept.counts[outcome] += r.n;
      }
      kept.through = through;
      return { ...kept.counts };
    },
  };
}
