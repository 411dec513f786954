import { ApiError } from '../../../shared/errors.ts';
import {
  confirms,
  endpointFor,
  type HandoverDevice,
  type HandoverSettings,
  HandoverEndpoint,
  type HandoverStart,
  HandoverState,
  type HandoverStatus,
  handoverAttributes,
} from '../../../shared/handover.ts';
import type { z } from 'zod';
import type { AttributeStore } from '../store/attributes.ts';
import { createAuditLog } from '../store/audit.ts';
import type { Db } from '../store/database.ts';
import { createOutboxAppender, OutboxKind } from '../store/outbox.ts';
import type { HandoverSettingsStore } from './settings.ts';
import { reasonText } from '../../../shared/event-reasons.ts';

type StartParams = z.output<typeof HandoverStart>;

interface TargetRow {
  id: number;
  name: string;
  type: string;
  url: string;
}

const active = "('waiting', 'delivered')";

/**
 * Hand-overs: which device goes to which cloud, and how far each got (shared/handover.ts). Every step is a committed
 * row, so a station killed mid-hand-over resumes where it was, and nothing is told twice in a way that matters
 * (telling a device its endpoint again is harmless; ThingsBoard firmware applies shared attributes idempotently).
 */
export function createHandovers(db: Db, attributes: AttributeStore, settings: HandoverSettingsStore) {
  const audit = createAuditLog(db);
  const appendOutbox = createOutboxAppender(db);
  const targetByName = db.prepare('SELECT id, name, type, url FROM sync_targets WHERE name = ?');
  const batchId = db.prepare('SELECT id FROM batches WHERE name = ?').pluck();
  const devicesOfBatch = db.prepare('SELECT id, name, state FROM devices WHERE batch_id = ? ORDER BY id');
  const deviceByName = db.prepare('SELECT id, name, state FROM devices WHERE name = ?');
  const current = db.prepare('SELECT state, target_id FROM handovers WHERE device_id = ?');
  const upsert = db.prepare(`INSERT INTO handovers (device_id, target_id, state, endpoint, started_at, updated_at)
    VALUES (@device, @target, 'syncing', @endpoint, @now, @now)
    ON CONFLICT (device_id) DO UPDATE SET target_id = excluded.target_id, state = 'syncing', endpoint = excluded.endpoint,
      reason = NULL, started_at = excluded.started_at, told_at = NULL, updated_at = excluded.updated_at`);
  // The cloud holds the device with its credentials once the target acknowledged its newest 'provisioned' entry:
  // only then may it be told to go there (it would otherwise knock on a door that does not know it).
  const releasable = db.prepare(`SELECT h.device_id AS id, d.profile_id AS profile, h.endpoint FROM handovers h
    JOIN devices d ON d.id = h.device_id
    JOIN sync_devices s ON s.target_id = h.target_id AND s.device_id = h.device_id
    WHERE h.state = 'syncing' AND s.acked_through > 0 AND s.acked_through >= (SELECT coalesce(max(o.id), 0)
      FROM outbox o WHERE o.device_id = h.device_id AND o.kind = '${OutboxKind.provisioned}')`);
  const told = db.prepare("UPDATE handovers SET state = 'waiting', told_at = ?, updated_at = ? WHERE device_id = ?");
  const pending = db.prepare(`SELECT h.device_id AS id, h.told_at, d.profile_id AS profile, a.value AS ack,
      a.updated_at AS acked_at
    FROM handovers h JOIN devices d ON d.id = h.device_id
    LEFT JOIN profile_handover ph ON ph.profile_id = d.profile_id
    LEFT JOIN attributes a ON a.device_id = h.device_id AND a.scope = 'client'
      AND a.key = coalesce(json_extract(ph.settings, '$.confirmKey'), 'cloudAck')
    WHERE h.state IN ${active}`);
  const settle = db.prepare('UPDATE handovers SET state = ?, reason = ?, updated_at = ? WHERE device_id = ?');
  const handedOver = db.prepare("UPDATE devices SET state = 'handed-over' WHERE id = ?");
  const orphaned = db.prepare(`UPDATE handovers SET state = 'failed', reason = ?, updated_at = ?
    WHERE target_id IS NULL AND state IN ('syncing', ${active.slice(1)}`);
  const orphans = db.prepare(`SELECT 1 FROM handovers WHERE target_id IS NULL AND state IN ('syncing', ${active.slice(1)} LIMIT 1`);
  const markDelivered = db.prepare("UPDATE handovers SET state = 'delivered', updated_at = ? WHERE device_id = ? AND state = 'waiting'");
  const waitingHost = db.prepare(`SELECT coalesce(json_extract(ph.settings, '$.attributes.host'), 'cloudHost') FROM handovers h
    JOIN devices d ON d.id = h.device_id LEFT JOIN profile_handover ph ON ph.profile_id = d.profile_id
    WHERE h.device_id = ? AND h.state = 'waiting'`).pluck();

  /** Settings per profile for one pass: a pass may look at thousands of devices of a handful of profiles. */
  function settingsOfPass(): (profileId: number) => HandoverSettings {
    const seen = new Map<number, HandoverSettings>();
    return (profileId) => {
      let found = seen.get(profileId);
      if (!found) {
        found = settings.of(profileId);
        seen.set(profileId, found);
      }
      return found;
    };
  }

  type PendingRow = { id: number; told_at: number; profile: number; ack: string | null; acked_at: number | null };

  /** Where a told device's hand-over goes next: its acknowledgement confirms it, its time runs out, or it waits on. */
  function verdict(r: PendingRow, settingsOf: (profileId: number) => HandoverSettings, now: number): 'confirmed' | 'timed-out' | null {
    if (r.ack !== null && r.acked_at !== null && r.acked_at >= r.told_at && confirms(JSON.parse(r.ack))) return 'confirmed';
    return now - r.told_at > settingsOf(r.profile).timeoutMs ? 'timed-out' : null;
  }

  function target(name: string): TargetRow {
    const row = targetByName.get(name) as TargetRow | undefined;
    if (!row) throw new ApiError('not_found', `there is no sync target named '${name}'`);
    return row;
  }

  function chosen(p: StartParams): { id: number; name: string; state: string }[] {
    if (p.batch !== undefined) {
      const id = batchId.get(p.batch) as number | undefined;
      if (id === undefined) throw new ApiError('not_found', `there is no batch named '${p.batch}'`);
      return devicesOfBatch.all(id) as { id: number; name: string; state: string }[];
    }
    return (p.devices ?? []).map((name) => {
      const row = deviceByName.get(name) as { id: number; name: string; state: string } | undefined;
      if (!row) throw new ApiError('not_found', `there is no device named '${name}'`);
      return row;
    });
  }

  return {
    start: db.transaction((p: StartParams, now: number) => {
      const t = target(p.target);
      if (t.type !== 'thingsboard' && p.endpoint?.host === undefined) {
        throw new ApiError('bad_request', `'${t.name}' is a ${t.type} target, not a server devices can connect to; give the host devices should use`);
      }
      const endpoint = HandoverEndpoint.parse(endpointFor(t.url, p.endpoint));
      const skipped: { device: string; reason: string }[] = [];
      let started = 0;
      for (const d of chosen(p)) {
        const before = current.get(d.id) as { state: string; target_id: number | null } | undefined;
        if (d.state === 'pending') skipped.push({ device: d.name, reason: reasonText('notProvisionedYet') });
        else if (before?.state === 'confirmed' && before.target_id === t.id) skipped.push({ device: d.name, reason: reasonText('alreadyHandedOver') });
        else {
          upsert.run({ device: d.id, target: t.id, endpoint: JSON.stringify(endpoint), now });
          audit.append({ kind: 'handover', deviceId: d.id, deviceName: d.name, outcome: 'started', details: { target: t.name, ...endpoint } });
          started++;
        }
      }
      return { target: t.name, endpoint, started, skipped };
    }),

    /** syncing → waiting for every device the cloud now holds: sets its hand-over attributes. Inside a transaction. */
    release(now: number): number[] {
      const rows = releasable.all() as { id: number; profile: number; endpoint: string }[];
      const settingsOf = settingsOfPass();
      for (const r of rows) {
        const values = handoverAttributes(settingsOf(r.profile), HandoverEndpoint.parse(JSON.parse(r.endpoint)));
        attributes.setShared('device', r.id, values, now);
        // The cloud keeps the same shared attributes, so the device reads the same values once it is there.
        appendOutbox(r.id, OutboxKind.updated, { handover: true }, now);
        told.run(now, now, r.id);
      }
      return rows.map((r) => r.id);
    },

    /** waiting/delivered → confirmed or timed-out; orphans → failed. Inside a transaction. */
    settle(now: number): { confirmed: number[]; changed: number } {
      let changed = orphaned.run(reasonText('handoverTargetRemoved'), now).changes;
      const confirmed: number[] = [];
      const settingsOf = settingsOfPass();
      for (const r of pending.all() as PendingRow[]) {
        const next = verdict(r, settingsOf, now);
        if (next === 'confirmed') {
          settle.run('confirmed', null, now, r.id);
          handedOver.run(r.id);
          audit.append({ kind: 'handover', deviceId: r.id, outcome: 'confirmed' });
          confirmed.push(r.id);
          changed++;
        } else if (next === 'timed-out') {
          settle.run('timed-out', reasonText('handoverTimedOut'), now, r.id);
          audit.append({ kind: 'handover', deviceId: r.id, outcome: 'timed-out' });
          changed++;
        }
      }
      return { confirmed, changed };
    },

    /**
     * Whether release() or settle() would change anything now: reads only, outside any transaction, so a pass with
     * nothing to move never takes the write lock. The provisioning writer thread holds that lock through most of a
     * burst, and waiting for it here (busy_timeout) would stall the main event loop, devices' connections with it.
     */
    due(now: number): boolean {
      if (releasable.get() !== undefined || orphans.get() !== undefined) return true;
      const settingsOf = settingsOfPass();
      return (pending.all() as PendingRow[]).some((r) => verdict(r, settingsOf, now) !== null);
    },

    /** Whether these shared attributes, just received by the device, are its hand-over (a cheap read, no write). */
    isHandoverDelivery(deviceId: number, keys: readonly string[]): boolean {
      const host = waitingHost.get(deviceId) as string | undefined;
      return host !== undefined && keys.includes(host);
    },
    /** The device received its hand-over attributes (pushed to its session, or it asked for them). */
    delivered(deviceId: number, now: number): boolean {
      return markDelivered.run(now, deviceId).changes > 0;
    },

    status(query: { batch?: string; state?: HandoverState; limit: number }): HandoverStatus {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: query.limit };
      if (query.batch !== undefined) {
        if (batchId.get(query.batch) === undefined) throw new ApiError('not_found', `there is no batch named '${query.batch}'`);
        where.push('b.name = @batch');
        params.batch = query.batch;
      }
      const from = `FROM handovers h JOIN devices d ON d.id = h.device_id LEFT JOIN batches b ON b.id = d.batch_id
        LEFT JOIN sync_targets t ON t.id = h.target_id
        LEFT JOIN sync_devices s ON s.target_id = h.target_id AND s.device_id = h.device_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
      const counts = Object.fromEntries(HandoverState.options.map((s) => [s, 0])) as Record<HandoverState, number>;
      for (const r of db.prepare(`SELECT h.state, count(*) AS n ${from} GROUP BY h.state`).all(params) as { state: HandoverState; n: number }[]) {
        counts[r.state] = r.n;
      }
      if (query.state !== undefined) params.state = query.state;
      const rows = db
        .prepare(`SELECT d.name AS device, b.name AS batch, coalesce(t.name, '') AS target, h.state,
          -- While it waits for sync, sync's own problem with the device (e.g. the cloud lacks its profile) is the reason
          -- (shared/event-reasons.ts syncProblem).
          CASE WHEN h.state = 'syncing' AND s.state IN ('error', 'conflict') THEN 'sync: ' || coalesce(s.message, s.state)
            ELSE h.reason END AS reason, h.started_at, h.updated_at
          ${from} ${query.state === undefined ? '' : `${where.length ? 'AND' : 'WHERE'} h.state = @state`}
          ORDER BY d.id LIMIT @limit`)
        .all(params) as { device: string; batch: string | null; target: string; state: HandoverState; reason: string | null; started_at: number; updated_at: number }[];
      const devices: HandoverDevice[] = rows.map((r) => ({
        device: r.device,
        batch: r.batch,
        target: r.target,
        state: r.state,
        reason: r.reason,
        startedAt: new Date(r.started_at).toISOString(),
        updatedAt: new Date(r.updated_at).toISOString(),
      }));
      return { counts, devices };
    },
  };
}
export type Handovers = ReturnType<typeof createHandovers>;
