import type { Db } from '../store/database.ts';
import type { GroupCommitter } from '../store/group-commit.ts';
import type { DeviceIdentity } from './types.ts';

export interface PresenceOptions {
  db: Db;
  committer: GroupCommitter;
  /** Tells the UI about devices whose state changed (after commit); many at once become one list refresh. */
  changed(deviceIds: readonly number[]): void;
  log: (line: string) => void;
}

export interface Presence {
  /** Inside a transaction: the device was heard from (telemetry, attributes, a poll); returns whether its state changed. */
  markActive(device: DeviceIdentity, now: number): boolean;
  /** An authenticated MQTT session opened: online while any of the device's sessions is open. Resolves after commit. */
  sessionOpened(device: DeviceIdentity): Promise<void>;
  /** One of its sessions ended, however (DISCONNECT, dropped socket, keep-alive lapse): offline once the last one has. */
  sessionClosed(device: DeviceIdentity): Promise<void>;
  /** Polling devices silent for longer than their profile's inactivity timeout go offline; returns how many did. */
  sweep(): Promise<number>;
  /**
   * Serving starts with no MQTT session open: devices a previous run left online by their session go offline now.
   * Returns how many did.
   */
  recover(): Promise<number>;
  /** Sweeps every `intervalMs` (default 1 s) until stopped; the serving station runs it. */
  start(intervalMs?: number): { stop(): void };
}

/**
 * Online ⇄ offline, as ThingsBoard's DefaultDeviceStateService decides it: activity (telemetry, attributes) makes a
 * device active (onDeviceActivity), and it is inactive once `now >= lastActivityTime + inactivityTimeout`
 * (updateState), the timeout being its profile's. One difference, on purpose: ThingsBoard's onDeviceDisconnect only
 * records the time and leaves the device active until the timeout, because its MQTT transport keeps reporting
 * activity for open sessions. The station knows its sessions itself, so an MQTT device is online exactly while one
 * of its sessions is open (aedes ends a silent one after 1.5 × its keep-alive, MQTT 3.1.1 §3.1.2.10) and offline when
 * the last one ends; the timeout rule is for devices that poll over HTTP or CoAP (`devices.connection`, schema 7).
 *
 * 'handed-over' (handover/handovers.ts) is left alone by everything but a new MQTT session: a device that finished
 * its hand-over may still send a message or two and then drop its session on the way to its cloud, and neither may
 * undo the hand-over. A device that opens a new session with the station evidently did not stay on its cloud: it is
 * online again (and offline when that session ends).
 */
export function createPresence(options: PresenceOptions): Presence {
  const { db, committer } = options;
  /** Open MQTT sessions per device id. In memory: a restarted station has none (see recover). */
  const sessions = new Map<number, number>();
  const stateOf = db.prepare('SELECT state FROM devices WHERE id = ?').pluck();
  const active = db.prepare(`UPDATE devices SET last_seen_at = @now, connection = @connection,
    state = CASE WHEN state = 'handed-over' THEN state ELSE 'online' END WHERE id = @id`);
  const connected = db.prepare(`UPDATE devices SET last_seen_at = ?, connection = 'mqtt', state = 'online' WHERE id = ?`);
  const disconnected = db.prepare(`UPDATE devices SET last_seen_at = ?, connection = NULL,
    state = CASE WHEN state = 'online' THEN 'offline' ELSE state END WHERE id = ?`);
  const touched = db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?');
  // Per profile, a range seek in the partial index devices_polling (migration 0010) to the overdue rows. Named, as
  // the planner would otherwise pick devices_state and walk every online device each second.
  const silent = `SELECT d.id FROM profiles p CROSS JOIN devices d INDEXED BY devices_polling
    WHERE d.profile_id = p.id AND d.state = 'online' AND d.connection = 'poll' AND d.last_seen_at <= @now - p.inactivity_timeout_ms`;
  const anySilent = db.prepare(`${silent} LIMIT 1`).pluck();
  const markSilent = db.prepare(`UPDATE devices SET state = 'offline', connection = NULL WHERE id IN (${silent}) RETURNING id`).pluck();
  const orphaned = db.prepare(`UPDATE devices SET state = 'offline', connection = NULL
    WHERE state = 'online' AND connection = 'mqtt' RETURNING id`).pluck();
  // Online from before schema 7, so how is unknown: judged by the inactivity timeout from their last contact.
  const unknownConnection = db.prepare(`UPDATE devices SET connection = 'poll' WHERE state = 'online' AND connection IS NULL`);

  /** Runs a state change in the group commit and tells the UI once it is on disk. */
  async function change(write: () => boolean | number[], id?: number): Promise<number[]> {
    const result = await committer.run(write);
    const ids = Array.isArray(result) ? result : result && id !== undefined ? [id] : [];
    if (ids.length > 0) options.changed(ids);
    return ids;
  }

  function forget(id: number): void {
    const left = (sessions.get(id) ?? 1) - 1;
    if (left > 0) sessions.set(id, left);
    else sessions.delete(id);
  }

  function stateChanged(id: number, write: () => void): boolean {
    const before = stateOf.get(id) as string | undefined;
    write();
    return before !== undefined && stateOf.get(id) !== before;
  }

  const presence: Presence = {
    markActive(device, now) {
      // Activity while a session is open belongs to the session: it ends with the session, not by timeout.
      const connection = (sessions.get(device.id) ?? 0) > 0 ? 'mqtt' : 'poll';
      return stateChanged(device.id, () => active.run({ now, connection, id: device.id }));
    },

    async sessionOpened(device) {
      sessions.set(device.id, (sessions.get(device.id) ?? 0) + 1);
      try {
        await change(() => stateChanged(device.id, () => connected.run(Date.now(), device.id)), device.id);
      } catch (err) {
        // Not committed: the transport refuses the session, so it never counted.
        forget(device.id);
        throw err;
      }
    },

    async sessionClosed(device) {
      forget(device.id);
      await change(() => {
        const now = Date.now();
        // Decided at commit time: a session opened meanwhile keeps the device online.
        if (sessions.has(device.id)) {
          touched.run(now, device.id);
          return false;
        }
        return stateChanged(device.id, () => disconnected.run(now, device.id));
      }, device.id);
    },

    async sweep() {
      // A read first, so an idle station commits nothing each second.
      if (anySilent.get({ now: Date.now() }) === undefined) return 0;
      const ids = await change(() => markSilent.all({ now: Date.now() }) as number[]);
      return ids.length;
    },

    async recover() {
      sessions.clear();
      const ids = await change(() => {
        unknownConnection.run();
        return orphaned.all() as number[];
      });
      return ids.length;
    },

    start(intervalMs = 1000) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        presence
          .sweep()
          .catch((err: unknown) => options.log(`presence: ${err instanceof Error ? err.message : String(err)}`))
          .finally(() => {
            running = false;
          });
      }, intervalMs);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
  return presence;
}
