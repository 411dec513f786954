import { z } from 'zod';
import { Device, ProvisionAttempt } from './devices.ts';
import { UiPreferences } from './preferences.ts';
import { StationStatus } from './station.ts';
import { SyncProgress } from './sync.ts';

/** Events the station pushes to the UI over the live stream (`GET /api/events`, server-sent events). */
export const StationEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: StationStatus }),
  /** A device was created, provisioned, came online or changed otherwise. */
  z.object({ type: z.literal('device'), device: Device }),
  /** Every provisioning attempt, for the live feed; never carries a secret. */
  z.object({ type: z.literal('provision'), attempt: ProvisionAttempt }),
  /** Sync progress of one target: while it syncs (throttled) and whenever its status changes. */
  z.object({ type: z.literal('sync'), progress: SyncProgress }),
  /**
   * Something changed that lists show (from this station's API): the UI refetches that list instead of receiving
   * thousands of rows, e.g. after an import, or after another process (the CLI) wrote to the served data directory.
   * `sync`: targets or per-device sync states changed outside the worker's own progress events (`sync --once`).
   */
  z.object({
    type: z.literal('changed'),
    entity: z.enum(['profiles', 'batches', 'devices', 'tokens', 'sync', 'handovers', 'attributes']),
    batch: z.string().nullable(),
  }),
  /** The station's UI preferences changed (`preferences.set`): every open browser window follows the language. */
  z.object({ type: z.literal('preferences'), preferences: UiPreferences }),
  /** Progress of long work (import, labels, sync), so the UI can show a bar. `total` null = unknown. */
  z.object({
    type: z.literal('progress'),
    task: z.string(),
    done: z.number().int(),
    total: z.number().int().nullable(),
  }),
]);
export type StationEvent = z.infer<typeof StationEvent>;
export type StationEventType = StationEvent['type'];
