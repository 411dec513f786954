import type { Db } from '../store/database.ts';
import type { OutboxEntry } from '../store/outbox.ts';

/** Reading the outbox for a target: spreading new rows into per-device delivery state, and a device's entries. */
export function createOutboxReader(db: Db) {
  const newest = db.prepare('SELECT coalesce(max(id), 0) FROM outbox').pluck();
  const cursorOf = db.prepare('SELECT cursor FROM sync_targets WHERE id = ?').pluck();
  // A device already synced becomes pending again; one in conflict or error keeps waiting for a person, who
  // may retry it: the new entry is then sent with the old ones, in order.
  const spread = db.prepare(`INSERT INTO sync_devices (target_id, device_id, state, wanted_through, updated_at)
    SELECT @target, device_id, 'pending', max(id), @now FROM outbox
    WHERE id > @from AND id <= @to AND device_id IS NOT NULL GROUP BY device_id
    ON CONFLICT (target_id, device_id) DO UPDATE SET wanted_through = max(wanted_through, excluded.wanted_through),
      state = CASE WHEN state = 'synced' THEN 'pending' ELSE state END, updated_at = excluded.updated_at`);
  const advance = db.prepare('UPDATE sync_targets SET cursor = ? WHERE id = ?');
  const entries = db.prepare(`SELECT id, kind, payload, created_at FROM outbox
    WHERE device_id = ? AND id > ? AND id <= ? ORDER BY id`);

  const ingest = db.transaction((targetId: number, now: number): number => {
    const from = cursorOf.get(targetId) as number | undefined;
    const to = newest.get() as number;
    if (from === undefined || to <= from) return 0;
    const added = spread.run({ target: targetId, from, to, now }).changes;
    advance.run(to, targetId);
    return added;
  });

  return {
    /** Brings the target's per-device state up to the newest outbox row; returns how many devices it touched. */
    ingest(targetId: number, now = Date.now()): number {
      // The worker asks on every pass; most of the time nothing is new, and then no transaction is needed.
      if ((newest.get() as number) <= ((cursorOf.get(targetId) as number | undefined) ?? Number.POSITIVE_INFINITY)) return 0;
      return ingest(targetId, now);
    },

    /** The device's entries after `after` up to `through`, oldest first. */
    entries(deviceId: number, after: number, through: number): OutboxEntry[] {
      return (entries.all(deviceId, after, through) as { id: number; kind: string; payload: string; created_at: number }[]).map(
        (r) => ({ id: r.id, kind: r.kind, payload: JSON.parse(r.payload) as unknown, createdAt: r.created_at }),
      );
    },

    size: (): number => db.prepare('SELECT count(*) FROM outbox').pluck().get() as number,
  };
}

export type OutboxReader = ReturnType<typeof createOutboxReader>;
