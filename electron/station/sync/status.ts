import type { SyncDevice, SyncState, SyncStatus, SyncTarget } from '../../../shared/sync.ts';
import type { Db } from '../store/database.ts';
import { problemFilter, syncProblems, UNKNOWN_CAUSE } from './problems.ts';
import type { SyncService } from './worker.ts';
import type { TargetRow } from './targets.ts';

// Read models of sync for the admin API and the CLI. Nothing here returns a secret.

const iso = (ms: number | null) => (ms === null || ms === 0 ? null : new Date(ms).toISOString());

export function targetView(sync: SyncService, row: TargetRow): SyncTarget {
  // Bring counts up to the newest outbox row first, so "pending" includes what was provisioned a moment ago.
  sync.outbox.ingest(row.id);
  const counts = sync.deliveries.counts(row.id);
  const options = JSON.parse(row.options) as { allowCreateProfiles?: boolean };
  const status: SyncTarget['status'] =
    row.stopped_reason !== null ? 'stopped' : row.offline_since !== null ? 'offline' : row.lease_owner !== null && row.lease_until > Date.now() ? 'syncing' : 'idle';
  return {
    name: row.name,
    type: row.type,
    url: row.url,
    auth: row.auth_kind,
    username: row.username,
    allowCreateProfiles: options.allowCreateProfiles ?? false,
    status,
    ...(sync.targets.readable(row) ? {} : { credentialsUnreadable: true }),
    message:
      row.stopped_reason ??
      (row.offline_since !== null ? `cannot be reached since ${new Date(row.offline_since).toISOString()}; retrying by itself` : null),
    counts,
    lastSyncedAt: iso(row.last_synced_at),
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export function syncStatus(db: Db, sync: SyncService): SyncStatus {
  const targets = sync.targets.all().map((row) => targetView(sync, row));
  return {
    queue: targets.reduce((n, t) => n + t.counts.pending + t.counts.conflict + t.counts.error, 0),
    outbox: sync.outbox.size(),
    running: sync.running,
    targets,
    problems: syncProblems(db),
  };
}

interface DeviceRow {
  device: string;
  target: string;
  state: SyncState;
  attempts: number;
  next_attempt_at: number;
  message: string | null;
  detail: string | null;
  cause: string | null;
  cloud_id: string | null;
  updated_at: number;
}

export function syncDevices(
  db: Db,
  sync: SyncService,
  q: { target?: string; state?: SyncState; device?: string; problem?: string; limit: number; offset: number },
): SyncDevice[] {
  for (const row of sync.targets.all()) sync.outbox.ingest(row.id);
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: q.limit, offset: q.offset };
  if (q.target !== undefined) {
    where.push('t.id = @target');
    params.target = sync.targets.get(q.target).id; // not_found for an unknown name
  }
  if (q.state !== undefined) {
    where.push('s.state = @state');
    params.state = q.state;
  }
  if (q.device !== undefined) {
    where.push('d.name = @device');
    params.device = q.device;
  }
  if (q.problem !== undefined) {
    const f = problemFilter(q.problem);
    where.push(f.sql);
    if (f.value !== null) params.problem = f.value;
  }
  const rows = db
    .prepare(`SELECT d.name AS device, t.name AS target, s.state, s.attempts, s.next_attempt_at, s.message, s.detail,
        s.cause, s.cloud_id, s.updated_at
      FROM sync_devices s JOIN devices d ON d.id = s.device_id JOIN sync_targets t ON t.id = s.target_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY t.id, d.id LIMIT @limit OFFSET @offset`)
    .all(params) as DeviceRow[];
  return rows.map((r) => ({
    device: r.device,
    target: r.target,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.state === 'pending' ? iso(r.next_attempt_at) : null,
    message: r.message,
    detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
    cloudId: r.cloud_id,
    updatedAt: new Date(r.updated_at).toISOString(),
    problem: r.state === 'conflict' || r.state === 'error' ? (r.cause ?? UNKNOWN_CAUSE) : null,
  }));
}
