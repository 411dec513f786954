import type { ChannelResult } from './channel.ts';
import { isTargetError } from './http-errors.ts';
import type { DeviceSnapshot } from './snapshot.ts';
import { type DeviceToSync, type ThingsBoardAuth, createThingsBoardTarget } from './thingsboard.ts';

// ThingsBoard as a sync target: one device per request sequence (look up, create with credentials, set
// SERVER_SCOPE attributes), all through the finished adapter in ./thingsboard. The adapter keeps the JWT, so one
// channel lives as long as the target's settings do.

export interface ThingsBoardChannelOptions {
  url: string;
  auth: ThingsBoardAuth;
  allowCreateProfiles: boolean;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createThingsBoardChannel(options: ThingsBoardChannelOptions) {
  const tb = createThingsBoardTarget({
    url: options.url,
    auth: options.auth,
    allowCreateProfiles: options.allowCreateProfiles,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });

  return {
    async deliver(device: DeviceSnapshot, signal?: AbortSignal): Promise<ChannelResult> {
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
      };
      try {
        const r = await tb.upsertDevice(toSync, signal ? { signal } : undefined);
        if (r.outcome !== 'conflict') return { kind: 'confirmed', cloudId: r.cloudId };
        return {
          kind: 'conflict',
          message: r.message,
          cause: r.reason,
          detail: { reason: r.reason, cloudId: r.cloudId, cloud: r.cloud, local: r.local },
        };
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
