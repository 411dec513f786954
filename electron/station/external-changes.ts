import type { StationEvent } from '../../shared/events.ts';
import type { EventBus } from './event-bus.ts';
import type { Db } from './store/database.ts';
import { createDeviceReader, withoutSecret } from './store/devices.ts';

export interface ExternalChangesOptions {
  db: Db;
  bus: EventBus;
  /** How often to look; a person calls a change "live" within about a second. */
  intervalMs?: number;
  log?: (line: string) => void;
  /**
   * Whether the station's own writer thread has a job whose result has not reached this thread: its commit may be
   * visible here before the service publishes it (and marks its audit entry as own), so a change seen then is
   * looked at again on a later tick instead of being published a second time as another process's.
   */
  ownWritesInFlight?: () => boolean;
}

/** Ticks a change may wait for the writer to go quiet; under constant load it is then published anyway (a duplicate at worst). */
const maxDeferredTicks = 3;

export interface ExternalChangesWatch {
  /** Looks once now (tests and the timer call it). */
  check(): void;
  stop(): void;
}

/** More audit entries than this in one look: the UI reloads its lists instead of receiving each device. */
const maxDeviceEvents = 500;
const pageSize = 1000;

type EventRow = { id: number; kind: string; deviceId: number | null; details: string | null };

type Fingerprints = { profiles: string; batches: string; sync: string };

/**
 * While a station serves, other processes (the CLI: import, tokens issue, device add, sync --once) may write to the
 * same database file. SQLite's `PRAGMA data_version` changes on this connection exactly when another connection
 * commits (never for this connection's own commits, https://sqlite.org/pragma.html#pragma_data_version), so each
 * tick costs one pragma and one max(rowid). Only when it moves do we work out what changed, and publish the same
 * events the station publishes for its own writes, so an open UI follows without a reload.
 *
 * What changed comes from cheap reads: the append-only audit log (`events`, by rowid) names the devices added or
 * installed and the imports and token runs; profiles, batches and sync targets are small tables fingerprinted whole;
 * sync progress per target and state is counted from the `sync_devices_due` index (a covering scan, only on a change).
 */
export function watchExternalChanges(options: ExternalChangesOptions): ExternalChangesWatch {
  const { db, bus } = options;
  const reader = createDeviceReader(db);
  const dataVersion = () => db.pragma('data_version', { simple: true }) as number;
  const newestEvent = db.prepare('SELECT coalesce(max(id), 0) FROM events').pluck();
  const eventsAfter = db.prepare(`SELECT id, kind, device_id AS deviceId, details FROM events WHERE id > ? ORDER BY id LIMIT ${pageSize}`);
  const profiles = db.prepare(`SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(updated_at), 0) FROM profiles`).pluck();
  const batches = db
    .prepare(`SELECT count(*) || ':' || coalesce(group_concat(id || '/' || name || '/' || site || '/' || coalesce(profile_id, '') || '/' || notes, '|'), '') FROM batches`)
    .pluck();
  const targets = db
    .prepare(`SELECT coalesce(group_concat(id || '/' || cursor || '/' || coalesce(stopped_reason, '') || '/' || coalesce(offline_since, '') || '/'
      || coalesce(last_synced_at, '') || '/' || updated_at, '|'), '') FROM sync_targets`)
    .pluck();
  const deliveries = db
    .prepare(`SELECT coalesce(group_concat(target_id || '/' || state || '/' || n, '|'), '') FROM
      (SELECT target_id, state, count(*) AS n FROM sync_devices GROUP BY target_id, state)`)
    .pluck();
  const read = {
    profiles: () => profiles.get() as string,
    batches: () => batches.get() as string,
    sync: () => `${targets.get() as string}#${deliveries.get() as string}`,
  };
  const fingerprints = (): Fingerprints => ({ profiles: read.profiles(), batches: read.batches(), sync: read.sync() });

  let version = dataVersion();
  let seen = newestEvent.get() as number;
  let known = fingerprints();
  let deferred = 0;
  // The station's own changes to the small lists, so the next quiet tick takes them into `known` and a later change
  // by another process is not blamed for them. Sync progress of our own worker is left out: re-reading it costs a
  // scan of sync_devices, and at worst the UI re-reads the sync status once more than needed.
  const stale = new Set<'profiles' | 'batches'>();
  // Audit entries the station's own writer thread committed (its own connection, so data_version moves for them
  // too): the service published them already, after their commit, as 'provision' events carrying the entry's id.
  const own = new Set<number>();
  const unsubscribe = bus.subscribe((e) => {
    if (e.type === 'changed' && (e.entity === 'profiles' || e.entity === 'batches')) stale.add(e.entity);
    else if (e.type === 'provision') own.add(e.attempt.id);
  });

  /** Entries after `seen` that another process wrote, up to one more than are published one by one. */
  function othersEvents(): EventRow[] {
    const out: EventRow[] = [];
    for (;;) {
      const page = eventsAfter.all(seen) as EventRow[];
      for (const row of page) {
        if (out.length > maxDeviceEvents) return out;
        seen = row.id;
        if (!own.delete(row.id)) out.push(row);
      }
      if (page.length < pageSize) return out;
    }
  }

  /** An own entry the watcher never met (it was past `seen` already) must not stay in the set. */
  function forgetOwnUpTo(id: number): void {
    for (const ownId of own) if (ownId <= id) own.delete(ownId);
  }

  function publishChanges(): void {
    const events: StationEvent[] = [];
    const changed = (entity: Extract<StationEvent, { type: 'changed' }>['entity'], batch: string | null) => {
      if (!events.some((e) => e.type === 'changed' && e.entity === entity && (e.batch === null || e.batch === batch))) {
        events.push({ type: 'changed', entity, batch });
      }
    };
    const rows = othersEvents();
    const deviceIds = new Set<number>();
    for (const row of rows.slice(0, maxDeviceEvents)) {
      const details = row.details === null ? {} : (JSON.parse(row.details) as { batch?: unknown });
      const batch = typeof details.batch === 'string' ? details.batch : null;
      if (row.kind === 'devices.imported') changed('devices', batch);
      else if (row.kind.startsWith('tokens.')) changed('tokens', batch);
      else if (row.deviceId !== null) deviceIds.add(row.deviceId);
    }
    if (rows.length > maxDeviceEvents) {
      // A long stretch of changes: one reload of each list is cheaper than one event per device.
      seen = newestEvent.get() as number;
      forgetOwnUpTo(seen);
      deviceIds.clear();
      changed('devices', null);
      changed('tokens', null);
    }
    for (const id of deviceIds) {
      const device = reader.get(id);
      if (device) events.push({ type: 'device', device: withoutSecret(device) });
    }
    const now = fingerprints();
    if (now.profiles !== known.profiles) changed('profiles', null);
    if (now.batches !== known.batches) changed('batches', null);
    if (now.sync !== known.sync) changed('sync', null);
    known = now;
    for (const event of events) bus.publish(event);
  }

  function check(): void {
    // In this order: if the version did not move after these reads, everything they saw is our own doing.
    const newest = newestEvent.get() as number;
    const refreshed = [...stale].map((entity) => [entity, read[entity]()] as const);
    const current = dataVersion();
    if (current !== version && options.ownWritesInFlight?.() && deferred < maxDeferredTicks) {
      deferred++;
      return;
    }
    deferred = 0;
    if (current === version) {
      seen = newest;
      forgetOwnUpTo(seen);
      for (const [entity, fingerprint] of refreshed) {
        known[entity] = fingerprint;
        stale.delete(entity);
      }
      return;
    }
    version = current;
    publishChanges();
  }

  const timer = setInterval(() => {
    try {
      check();
    } catch (err) {
      // A busy or closing database: look again at the next tick.
      options.log?.(`watching for changes by other processes: ${(err as Error).message}`);
    }
  }, options.intervalMs ?? 300);
  timer.unref();
  return {
    check,
    stop() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
