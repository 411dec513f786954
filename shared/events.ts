import { z } from 'zod';
import { Device, ProvisionAttempt } from './devices.ts';
import { StationStatus } from './station.ts';

/** Events the station pushes to the UI over the live stream (`GET /api/events`, server-sent events). */
export const StationEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: StationStatus }),
  /** A device was created, provisioned, came online or changed otherwise. */
  z.object({ type: z.literal('device'), device: Device }),
  /** Every provisioning attempt, for the live feed; never carries a secret. */
  z.object({ type: z.literal('provision'), attempt: ProvisionAttempt }),
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
