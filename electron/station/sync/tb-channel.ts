import type { ChannelResult } from './channel.ts';
import { isTargetError } from './http-errors.ts';
import type { DeviceSnapshot } from './snapshot.ts';
import { TELEMETRY_CHUNK, TELEMETRY_PER_DELIVERY, type TelemetryRow, toPoints } from './telemetry.ts';
import { type DeviceToSync, type ThingsBoardAuth, createThingsBoardTarget } from './thingsboard.ts';

// ThingsBoard as a sync target: one device per request sequence (look up, create with credentials, set SERVER_SCOPE
// and SHARED_SCOPE attributes, then its site telemetry in chunks), all through the finished adapter in
// ./thingsboard. The adapter keeps the JWT, so one channel lives as long as the target's settings do.
//
// Client attributes are not sent: ThingsBoard's REST API refuses CLIENT_SCOPE ("Invalid scope",
// TelemetryController.saveAttributes); only the device itself reports them (over its transport), and it will again
// once it connects to ThingsBoard. Writing them as the device (device API with its token) would also make
// ThingsBoard think the device had just been active. Webhooks and bundles carry them.

export interface ThingsBoardChannelOptions {
  url: string;
  auth: ThingsBoardAuth;
  allowCreateProfiles: boolean;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** A device's telemetry as one delivery consumes it (see drain.ts). */
export interface TelemetryFeed {
  /** The next rows after what was delivered so far; `through` is how far they take the device (see telemetry.ts). */
  read(limit: number): { rows: TelemetryRow[]; through: number; complete: boolean };
  /** The cloud confirmed everything up to `through`: recorded at once. */
  delivered(through: number): void;
}

export interface DeliverOptions {
  signal?: AbortSignal;
  /** Only telemetry is new and the cloud already has the device under this id: skip the look-up and attributes. */
  telemetryOnlyTo?: string;
  telemetry: TelemetryFeed;
}

export function createThingsBoardChannel(options: ThingsBoardChannelOptions) {
  const tb = createThingsBoardTarget({
    url: options.url,
    auth: options.auth,
    allowCreateProfiles: options.allowCreateProfiles,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });

  /** Creates or confirms the device and sets its attributes; a conflict is returned as the delivery's result. */
  async function upsert(device: DeviceSnapshot, signal?: AbortSignal): Promise<{ kind: 'upserted'; cloudId: string } | ChannelResult> {
    if (!device.credentials) {
      return {
        kind: 'failed',
        failure: { kind: 'fatal', cause: 'no-credentials', message: `"${device.name}" has no credentials yet, so ThingsBoard cannot accept it.` },
      };
    }
    const toSync: DeviceToSync = {
      name: device.name,
      profileName: device.profile,
      ...(device.label ? { label: device.label } : {}),
      ...(device.gateway ? { gateway: true } : {}),
      credentials: device.credentials,
      serverAttributes: device.serverAttributes,
      sharedAttributes: device.sharedAttributes,
    };
    const r = await tb.upsertDevice(toSync, signal ? { signal } : undefined);
    if (r.outcome !== 'conflict') return { kind: 'upserted', cloudId: r.cloudId };
    return { kind: 'conflict', message: r.message, cause: r.reason, detail: { reason: r.reason, cloudId: r.cloudId, cloud: r.cloud, local: r.local } };
  }

  /**
   * Sends the device's telemetry in order, chunk by chunk, recording each confirmed chunk before the next.
   * Exactly once in effect: a crash between ThingsBoard's 200 and that record sends the same chunk again, and
   * ThingsBoard stores a point by (device, key, ts), so the repeat overwrites each point with its own value.
   */
  async function sendTelemetry(cloudId: string, feed: TelemetryFeed, signal?: AbortSignal) {
    let budget = TELEMETRY_PER_DELIVERY;
    for (;;) {
      const chunk = feed.read(Math.min(TELEMETRY_CHUNK, budget));
      if (chunk.rows.length > 0) {
        const saved = await tb.saveTelemetry(cloudId, toPoints(chunk.rows), signal ? { signal } : undefined);
        if (saved === 'device-missing') return { missing: true as const };
      }
      feed.delivered(chunk.through);
      budget -= chunk.rows.length;
      // Not complete: more waits; the device stays pending and continues in a later delivery (others go first).
      if (chunk.complete || budget <= 0) return { missing: false as const, through: chunk.through };
    }
  }

  return {
    async deliver(device: DeviceSnapshot, o: DeliverOptions): Promise<ChannelResult> {
      try {
        let cloudId: string | undefined = o.telemetryOnlyTo;
        for (let attempt = 0; attempt < 2; attempt += 1) {
          if (cloudId === undefined) {
            const up = await upsert(device, o.signal);
            if (up.kind !== 'upserted') return up;
            cloudId = up.cloudId;
          }
          const sent = await sendTelemetry(cloudId, o.telemetry, o.signal);
          if (!sent.missing) return { kind: 'confirmed', cloudId, telemetryThrough: sent.through };
          // Deleted in ThingsBoard since it was synced: send the whole device again (look-up, create, attributes).
          if (cloudId !== o.telemetryOnlyTo) break;
          cloudId = undefined;
        }
        return { kind: 'failed', failure: { kind: 'retryable', status: 404, message: `ThingsBoard lost device "${device.name}" while its telemetry was being saved; will try again.` } };
      } catch (e) {
        if (isTargetError(e)) return { kind: 'failed', failure: e.failure };
        throw e;
      }
    },

    /** Called as a drain round begins (see TbProfiles.startRound). */
    startRound: () => tb.startRound(),

    /** "Test connection": logs in (or tries the API key) now. Throws TargetError. */
    test: (signal?: AbortSignal) => tb.login(signal ? { signal } : undefined),
  };
}

export type ThingsBoardChannel = ReturnType<typeof createThingsBoardChannel>;
